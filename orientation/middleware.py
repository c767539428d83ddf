"""Project-wide middleware."""

from django.middleware.csp import get_nonce


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
