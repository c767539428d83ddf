"""One settings module for every environment, read from the environment (ARCHITECTURE.md rule 7).

Every variable has a working default for the demo (SQLite file, mail to the local outbox viewer);
`.env.example` lists them all. Production sets DJANGO_ENV=production, which only tightens.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORIENTATION_VAR_DIR", BASE_DIR / "var"))
# The default SQLite file and the uploaded imports live here; a fresh clone has no var/ yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")  # development | production
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me-0123456789abcdefgh"
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("DJANGO_SECRET_KEY doit contenir au moins 50 caractères en production.")
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",
    "widget_tweaks",  # django-dsfr's radio and checkbox templates load it
    "django_tasks_db",
    "axes",
    "orientation.accounts",
    "orientation.etablissements",
    "orientation.campagnes",
    "orientation.dialogue",
    "orientation.notifications",
    "orientation.pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Past capacity, a request that waited too long in front of the app gets the waiting room
    # before any session or database work (docs/performance.md).
    "orientation.middleware.SalleAttenteMiddleware",
    "orientation.middleware.NonceCSPPourDsfr",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Read-only mode (ORIENTATION_LECTURE_SEULE): refuses writes in process_view. Django calls the
    # process_view hooks after every middleware's request phase, so the session, request.user and
    # the messages are already there for its page whatever its place here; listed before
    # CsrfViewMiddleware, it is the first of those hooks, and refuses before the CSRF check reads
    # the body. Its 503 then goes out through every response phase (session, CSP, headers).
    "orientation.middleware.LectureSeuleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the account read with the session (accounts/sessions.py).
    "orientation.accounts.middleware.AuthentificationMiddleware",
    "orientation.accounts.middleware.SessionLimitsMiddleware",
    "orientation.accounts.journal.AccesRefusesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses an oversized body before CsrfViewMiddleware.process_view parses it (securite.md).
    "orientation.middleware.LimiteCorpsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orientation.urls"
WSGI_APPLICATION = "orientation.wsgi.application"

_loaders = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "orientation" / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orientation.context_processors.site",
            ],
            # The cached loader in every environment but live development.
            "loaders": _loaders if DEBUG else [("django.template.loaders.cached.Loader", _loaders)],
            "string_if_invalid": os.environ.get("DJANGO_TEMPLATE_STRING_IF_INVALID", ""),
            # The date filter writes « 1er mars »; {% url %} of a page without arguments is
            # reversed once per node (orientation/adresses.py); {% extends %} finds the root's
            # blocks once per compiled root (orientation/heritage.py).
            "builtins": ["orientation.dates", "orientation.adresses", "orientation.heritage"],
            # Django's i18n tags, constant {% translate %} rendered once (orientation/traduction.py)
            "libraries": {
                "traduction": "orientation.traduction",
                "fragments": "orientation.fragments",  # {% fige %}: the page skeleton's constants
                # Django's, {% static %} of a quoted path rendered once (orientation/statiques.py)
                "static": "orientation.statiques",
            },
        },
    }
]
# orientation.statiques replaces Django's `static` library on purpose, which Django's check
# reports (templates.W003); tests/test_statiques.py checks that no other library name is shared.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]
FORM_RENDERER = "orientation.rendu.RenduFormulaires"

# A cache in each process's memory. (The parts of the page skeleton that are the same for every
# visitor are kept in the compiled templates themselves: {% fige %}, orientation/fragments.py.)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Database: one URL. SQLite file by default (demo, quick tests); PostgreSQL in CI and production.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'orientation.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, whose health check of a persistent connection reads its
    # socket instead of sending SELECT 1 at every request (orientation/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "orientation.postgresql"
if DATABASES["default"]["ENGINE"] == "orientation.postgresql" and (
    os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1"
):
    # Parameters bound by the server and statements prepared after a few runs on a
    # persistent connection, so that the planner no longer re-plans the same ten-table join on
    # every page (≈ 4 ms of planning for 0.5 ms of execution; docs/performance.md). Set 0 behind a
    # transaction-mode pooler that does not track prepared statements (PgBouncer < 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "orientation.accounts.backends.EmailOrUsernameBackend",
]
PASSWORD_HASHERS = [
    "orientation.accounts.hachage.Argon2idOWASP",  # docs/adr/0005-argon2-owasp.md
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accounts:login"
# Activation links and password-reset links expire after three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
ACTIVATION_CODE_VALIDITY_DAYS = int(os.environ.get("ACTIVATION_CODE_VALIDITY_DAYS", "60"))

# Sessions: 30 minutes idle, 12 hours at most (ASVS V3). The R15 summary goes out on either end.
# Django's database sessions, read by a query compiled once per process (performance.md).
SESSION_ENGINE = "orientation.accounts.sessions"
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
# The page warns this many seconds before the session ends, with « Rester connecté » (RGAA 13.1).
SESSION_PREAVIS = int(os.environ.get("SESSION_PREAVIS", "120"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes): 5 failures per account and address, 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/verrouille.html"
# Axes' database handler with its failure count in fixed SQL and its clearing of expired
# attempts once a minute (orientation/accounts/tentatives.py).
AXES_HANDLER = "orientation.accounts.tentatives.GestionnaireTentatives"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Successful logins and logouts go to the security log (accounts/journal.py, kept one year by
# the host's rotation). Axes's own copy, a table row with address and browser per login with no
# purge, is not kept: a second unbounded store of personal data, and two writes per session.
# Failed attempts, which the lockout counts, are still recorded.
AXES_DISABLE_ACCESS_LOG = True

# Security headers (ANSSI, Django's deployment checklist).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if env_bool("DJANGO_BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "orientation" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "orientation" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "orientation.statiques.StatiquesManifeste"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

# Uploads (SIECLE files, spreadsheets): bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SIECLE_MAX_UPLOAD_BYTES = int(os.environ.get("SIECLE_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))

# E-mail: Django 6.1 mailers. SMTP by default (the demo runs a local SMTP catcher).
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Orientation <ne-pas-repondre@orientation.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND_CLASS", "django.core.mail.backends.smtp.EmailBackend"
        ),
        "OPTIONS": {
            "host": os.environ.get("SMTP_HOST", "127.0.0.1"),
            "port": int(os.environ.get("SMTP_PORT", "1025")),
            "username": os.environ.get("SMTP_USER", ""),
            "password": os.environ.get("SMTP_PASSWORD", ""),
            "use_tls": env_bool("SMTP_STARTTLS", False),
            "use_ssl": env_bool("SMTP_SSL", False),
            "timeout": int(os.environ.get("SMTP_TIMEOUT", "15")),
        },
    }
}
if MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {}

# Background tasks: django.tasks on the database (django-tasks-db).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The waiting room (orientation.middleware.SalleAttenteMiddleware): a request that waited longer
# than this in front of the application (X-Request-Start, set by the proxy) gets a 503 page at
# once; 0 switches it off. The page asks to come back after ORIENTATION_ATTENTE_REESSAI_S.
ORIENTATION_ATTENTE_MAX_MS = int(os.environ.get("ORIENTATION_ATTENTE_MAX_MS", "3000"))
ORIENTATION_ATTENTE_REESSAI_S = int(os.environ.get("ORIENTATION_ATTENTE_REESSAI_S", "120"))
# Notification delivery: attempts before a row is marked failed, and the first backoff.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "8"))
NOTIFICATIONS_BACKOFF_SECONDS = int(os.environ.get("NOTIFICATIONS_BACKOFF_SECONDS", "30"))
NOTIFICATIONS_SWEEP_AFTER_SECONDS = int(os.environ.get("NOTIFICATIONS_SWEEP_AFTER_SECONDS", "300"))

# The State's branding (Marianne, « République française ») is reserved to State websites.
ORIENTATION_STATE_BRANDING = env_bool("ORIENTATION_STATE_BRANDING", True)
ORIENTATION_SERVICE_NAME = os.environ.get("ORIENTATION_SERVICE_NAME", "Orientation après la 2de")
ORIENTATION_SUPPORT_EMAIL = os.environ.get(
    "ORIENTATION_SUPPORT_EMAIL", "assistance@orientation.example"
)
# The demo shows the outbox to everybody at /demo/courriels/; never in production.
ORIENTATION_DEMO = env_bool("ORIENTATION_DEMO", False)
# Read-only mode, for an incident or an overload (docs/performance.md, « Au-delà de la capacité »):
# web requests that would write (POST…) are refused with a 503, except logging in and out, and
# every page says so: « Service momentanément en consultation seule. » then this message.
# Commands and the e-mail worker are not concerned.
ORIENTATION_LECTURE_SEULE = env_bool("ORIENTATION_LECTURE_SEULE", False)
ORIENTATION_LECTURE_SEULE_MESSAGE = os.environ.get("ORIENTATION_LECTURE_SEULE_MESSAGE") or _(
    "Vous pouvez lire les dossiers, mais aucune saisie n'est possible pour l'instant. Les dates "
    "limites seront prolongées si nécessaire. Réessayez un peu plus tard."
)
# RGPD retention, in days (docs/securite.md): a campaign's dossiers one year after its response
# deadline (recours and the next year's council are over); audit events two years.
RETENTION_CAMPAGNE_JOURS = int(os.environ.get("RETENTION_CAMPAGNE_JOURS", "365"))
RETENTION_EVENEMENTS_JOURS = int(os.environ.get("RETENTION_EVENEMENTS_JOURS", "730"))

# --- Identité fédérée (orientation/identite, docs/identite.md) -------------------------------
# Which ways to log in are offered: "local" (accounts of this service), "educonnect" (SAML 2.0),
# "franceconnect" (OpenID Connect). Switching is configuration only; the demo stays "local".
INSTALLED_APPS += ["orientation.identite"]
AUTHENTICATION_BACKENDS += ["orientation.identite.backends.IdentiteFedereeBackend"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "orientation.identite.fournisseurs.contexte_connexion"  # the login page's buttons
)
IDENTITE_FOURNISSEURS = env_list("IDENTITE_FOURNISSEURS", "local")
IDENTITE_SAML = {
    "entity_id": os.environ.get(
        "IDENTITE_SAML_ENTITY_ID", f"{SITE_URL}/connexion/educonnect/metadonnees/"
    ),
    "idp_metadata": os.environ.get("IDENTITE_SAML_IDP_METADATA", ""),  # file path or https URL
    "cle": os.environ.get("IDENTITE_SAML_CLE", ""),  # PEM private key file of our SP
    "certificat": os.environ.get("IDENTITE_SAML_CERTIFICAT", ""),  # its PEM certificate
    "xmlsec": os.environ.get("IDENTITE_SAML_XMLSEC", "/usr/bin/xmlsec1"),
    "attribut_ine": os.environ.get("IDENTITE_SAML_ATTRIBUT_INE", "FrEduCtEleveINE"),
    "attribut_nom": os.environ.get("IDENTITE_SAML_ATTRIBUT_NOM", "sn"),
    "attribut_prenom": os.environ.get("IDENTITE_SAML_ATTRIBUT_PRENOM", "givenName"),
    "attribut_profil": os.environ.get("IDENTITE_SAML_ATTRIBUT_PROFIL", "FrEduCtPersonAffiliation"),
}
IDENTITE_OIDC = {
    "metadata_url": os.environ.get("IDENTITE_OIDC_METADATA_URL", ""),
    "client_id": os.environ.get("IDENTITE_OIDC_CLIENT_ID", ""),
    "client_secret": os.environ.get("IDENTITE_OIDC_CLIENT_SECRET", ""),
    "scopes": os.environ.get("IDENTITE_OIDC_SCOPES", "openid given_name family_name birthdate"),
    "acr_values": os.environ.get("IDENTITE_OIDC_ACR_VALUES", ""),  # eidas1 for FranceConnect
    "token_auth": os.environ.get("IDENTITE_OIDC_TOKEN_AUTH", "client_secret_post"),
    "algorithmes": env_list("IDENTITE_OIDC_ALGORITHMES", "RS256,ES256"),
}
# Wrong activation codes typed after a FranceConnect login before the session is refused.
IDENTITE_ESSAIS_CODE = int(os.environ.get("IDENTITE_ESSAIS_CODE", "5"))
# --- fin de l'identité fédérée ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # The security log (docs/securite.md): JSON lines, kept 1 year by the host's log rotation.
        "orientation.audit": {"level": "INFO"},
    },
}
