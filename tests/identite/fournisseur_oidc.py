"""A real OpenID provider for the tests (django-oauth-toolkit), run in its own process on loopback.

    python tests/identite/fournisseur_oidc.py <dossier>

<dossier>/config.json gives the RSA key, the client and the users; the process prints its base
URL on the first line of stdout, then serves until killed. Under /alt/<mode>/ it also serves a
misbehaving copy of itself whose token endpoint returns an ID token unsigned ("none") or signed
by a key that is not in its JWKS ("autre-cle"), so that the tests can check we refuse them.
"""

import base64
import json
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

DOSSIER = Path(sys.argv[1])
CONFIG = json.loads((DOSSIER / "config.json").read_text())

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    SECRET_KEY="fournisseur-de-test-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "oauth2_provider",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        __name__ + ".UtilisateurEnTete",
    ],
    AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.RemoteUserBackend"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DOSSIER / "op.db")}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    OAUTH2_PROVIDER={
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": CONFIG["cle"],
        "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
        "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        "PKCE_REQUIRED": False,
        "ID_TOKEN_EXPIRE_SECONDS": 60,
        "SCOPES": {
            "openid": "OpenID",
            "given_name": "Prénoms",
            "family_name": "Nom",
            "birthdate": "Date de naissance",
        },
        "OAUTH2_VALIDATOR_CLASS": __name__ + ".Validateur",
    },
)
django.setup()

from django.contrib.auth.middleware import RemoteUserMiddleware  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from jwcrypto import jwk, jwt  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402
from oauth2_provider.oauth2_validators import OAuth2Validator  # noqa: E402
from oauth2_provider.views import ConnectDiscoveryInfoView, TokenView  # noqa: E402


class UtilisateurEnTete(RemoteUserMiddleware):
    # How this test provider knows who is at the keyboard: the test says so in a header.
    header = "HTTP_X_UTILISATEUR"


class Validateur(OAuth2Validator):
    oidc_claim_scope = None  # FranceConnect-style: one scope per claim, all given

    def get_additional_claims(self, request):
        identite = CONFIG["utilisateurs"][request.user.username]
        return {
            "given_name": identite["given_name"],
            "family_name": identite["family_name"],
            "birthdate": identite["birthdate"],
        }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _falsifier(id_token: str, mode: str) -> str:
    charge = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(charge + "=" * (-len(charge) % 4)))
    if mode == "none":
        return f"{_b64(json.dumps({'alg': 'none'}).encode())}.{_b64(json.dumps(claims).encode())}."
    autre = jwk.JWK.generate(kty="RSA", size=2048)
    kid = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "==")).get("kid")
    jeton = jwt.JWT(header={"alg": "RS256", "kid": kid}, claims=claims)
    jeton.make_signed_token(autre)
    return jeton.serialize()


def metadata_alt(request, mode):
    reponse = ConnectDiscoveryInfoView.as_view()(request)
    data = json.loads(reponse.content)
    data["token_endpoint"] = request.build_absolute_uri(f"/alt/{mode}/token/")
    return JsonResponse(data)


@csrf_exempt
def token_alt(request, mode):
    reponse = TokenView.as_view()(request)
    data = json.loads(reponse.content)
    if "id_token" in data:
        data["id_token"] = _falsifier(data["id_token"], mode)
    return HttpResponse(
        json.dumps(data), status=reponse.status_code, content_type="application/json"
    )


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("alt/<str:mode>/.well-known/openid-configuration", metadata_alt),
    path("alt/<str:mode>/token/", token_alt),
]


class Silencieux(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ServeurMultiFil(WSGIServer):
    # The relying party calls the token endpoint while the test still talks to us.
    def process_request(self, request, client_address):
        threading.Thread(target=self._traiter, args=(request, client_address), daemon=True).start()

    def _traiter(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


def main():
    call_command("migrate", verbosity=0)
    for nom in CONFIG["utilisateurs"]:
        User.objects.get_or_create(username=nom)
    serveur = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ServeurMultiFil,
        handler_class=Silencieux,
    )
    base = f"http://127.0.0.1:{serveur.server_port}"
    Application = get_application_model()
    Application.objects.update_or_create(
        client_id=CONFIG["client_id"],
        defaults={
            "client_secret": CONFIG["client_secret"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "algorithm": Application.RS256_ALGORITHM,
            "redirect_uris": " ".join(CONFIG["redirect_uris"]),
            "post_logout_redirect_uris": " ".join(CONFIG["post_logout_redirect_uris"]),
            "skip_authorization": True,
            "name": "Orientation",
        },
    )
    print(base, flush=True)
    serveur.serve_forever()


main()
