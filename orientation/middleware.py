"""Project-wide middleware."""

from django.conf import settings
from django.middleware.csp import get_nonce

# Room for the form fields and the multipart boundaries around the largest upload.
MARGE_FORMULAIRE = 1024 * 1024


def taille_max_requete() -> int:
    """The largest request body the service accepts: the SIECLE upload (the largest file a
    person may send, SIECLE_MAX_UPLOAD_BYTES) and its form."""
    return settings.SIECLE_MAX_UPLOAD_BYTES + MARGE_FORMULAIRE


class NonceCSPPourDsfr:
    """Expose Django's CSP nonce as ``request.csp_nonce``.

    django-dsfr's base template calls ``{% dsfr_js nonce=request.csp_nonce %}`` outside any block,
    while Django's own middleware keeps the nonce under a private name. Without this, the DSFR
    scripts would carry no nonce and the strict policy (no 'unsafe-inline') would block them.
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


# Methods that read only (RFC 9110, 9.2.1): everything else is a write, refused in read-only mode.
METHODES_SURES = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# What still writes in read-only mode: opening and closing a session, nothing else. A person must
# be able to sign in to read their dossier, and to sign out on a shared computer.
ECRITURES_PERMISES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
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
