"""Project-wide middleware."""

import time
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.template.loader import render_to_string

# Room for the form fields and the multipart boundaries around the largest upload.
MARGE_FORMULAIRE = 1024 * 1024


def taille_max_requete() -> int:
    """The largest request body the service accepts: the SIECLE upload (the largest file a
    person may send, SIECLE_MAX_UPLOAD_BYTES) and its form."""
    return settings.SIECLE_MAX_UPLOAD_BYTES + MARGE_FORMULAIRE


class NonceCSPPourDsfr:
    """Expose Django's CSP nonce as ``request.csp_nonce``.

    layout/base.html writes django-dsfr's scripts with ``{% scripts_dsfr request.csp_nonce %}``
    (orientation/fragments.py), while Django's own middleware keeps the nonce under a private name.
    Django's nonce is lazy: the DSFR scripts carry it when something earlier in the page has drawn
    it, and load from 'self' otherwise (script-src 'self' 'nonce-…'); the service's own scripts
    take it from the ``csp_nonce`` context variable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = get_nonce(request)
        return self.get_response(request)


class LimiteCorpsMiddleware:
    """Refuse (413) a request whose announced body is larger than any upload the service takes,
    before anything reads it (ASVS V12.1.1, docs/securite.md).

    DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields, not the files: Django streams those to a
    temporary file whatever their size, and CsrfViewMiddleware parses every POST — an anonymous
    visitor's too — before any form checks a size. Django reads no more than CONTENT_LENGTH
    (a chunked body without it is read as empty), so the header is what to check. Placed before
    CsrfViewMiddleware's process_view, which is the first to touch request.POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            taille = 0  # Django reads nothing then either
        if taille > taille_max_requete():
            from orientation.views import trop_volumineux

            return trop_volumineux(request, taille_max_requete())
        return self.get_response(request)


def attente_en_file(entete: str, maintenant: float) -> float | None:
    """Seconds a request waited between the proxy and the application, from the proxy's
    `X-Request-Start` header: nginx writes `t=<seconds>.<milliseconds>` (`t=${msec}`); other
    proxies write milliseconds or microseconds since the epoch. None when absent or unreadable."""
    valeur = entete.strip().removeprefix("t=")
    try:
        debut = float(valeur)
    except ValueError:
        return None
    if debut > 1e14:  # microseconds
        debut /= 1e6
    elif debut > 1e11:  # milliseconds
        debut /= 1e3
    return maintenant - debut


@lru_cache(maxsize=1)
def _page_salle_attente(minutes: int) -> bytes:
    from orientation.context_processors import _site_config

    return render_to_string(
        "salle_attente.html", {"SITE_CONFIG": _site_config(), "minutes": minutes}
    ).encode()


class SalleAttenteMiddleware:
    """The waiting room: a request that already waited longer than ORIENTATION_ATTENTE_MAX_MS
    in the queue in front of the application (past capacity, the workers' queue grows) is
    answered at once with 503, Retry-After and a French page saying nothing was saved, instead
    of being served late or timing out. Its work is not done, so the queue drains and the
    requests behind it are served in time (docs/performance.md, « Au-delà de la capacité »).

    The wait is read from `X-Request-Start`, set by the proxy when it receives the request
    (nginx: `proxy_set_header X-Request-Start "t=${msec}";`). Without the header, or with the
    setting at 0, nothing happens. A client forging the header can only send itself to the
    waiting room. Placed before the session and authentication middleware: a refused request
    costs no database query; after the security and CSP middleware, whose headers it keeps."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limite = settings.ORIENTATION_ATTENTE_MAX_MS
        entete = request.META.get("HTTP_X_REQUEST_START")
        if limite and entete:
            attente = attente_en_file(entete, time.time())
            if attente is not None and attente * 1000 > limite:
                return salle_attente()
        return self.get_response(request)


def salle_attente() -> HttpResponse:
    from orientation.views import indisponible

    secondes = settings.ORIENTATION_ATTENTE_REESSAI_S
    page = _page_salle_attente(max(1, round(secondes / 60)))
    return indisponible(HttpResponse(page, status=503), secondes)


# Methods that read only (RFC 9110, 9.2.1): everything else is a write, refused in read-only mode.
METHODES_SURES = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# What still writes in read-only mode: opening and closing a session, nothing else. A person must
# be able to sign in to read their dossier, and to sign out on a shared computer.
ECRITURES_PERMISES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        # « Rester connecté » only restarts the session's idle timeout, as any page read does.
        "accounts:prolonger",
        # ÉduConnect posts its signed assertion here (the SAML POST binding): this is the login
        # itself, and the only way back from ÉduConnect. FranceConnect comes back by a GET.
        "identite:educonnect_acs",
        # The académie's back office signs in and out the same way.
        "admin:login",
        "admin:logout",
        # Not identite:franceconnect_lier, accounts:activer and activer_lien, nor the password
        # reset: they create an account, link it to pupils or change its password, and wait
        # for the end of the incident like any other entry.
    }
)


class LectureSeuleMiddleware:
    """Read-only mode (ORIENTATION_LECTURE_SEULE, docs/performance.md): every request that would
    write is refused with a 503 and a Retry-After before its view runs, so nothing is saved,
    queued nor sent; the pages still read, each with a notice (context_processors.site).

    In process_view, where the URL is resolved: the exceptions above are named views, not
    paths. Off, it costs one settings lookup per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.ORIENTATION_LECTURE_SEULE or request.method in METHODES_SURES:
            return None
        if request.resolver_match.view_name in ECRITURES_PERMISES:
            return None
        from orientation.views import lecture_seule

        return lecture_seule(request)
