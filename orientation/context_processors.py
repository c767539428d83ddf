from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _site_config():
    # A plain object instead of dsfr's DsfrConfig row: no SQL query per page (STACK-NOTES.md).
    return {
        "site_title": settings.ORIENTATION_SERVICE_NAME,
        "site_tagline": "Téléservice d'orientation après la seconde générale et technologique",
        "header_brand_html": "République<br>Française"
        if settings.ORIENTATION_STATE_BRANDING
        else "",
        "footer_brand_html": "République<br>Française"
        if settings.ORIENTATION_STATE_BRANDING
        else "",
        "state_branding": settings.ORIENTATION_STATE_BRANDING,
        "beta_tag": False,
        "mourning": False,
        "support_email": settings.ORIENTATION_SUPPORT_EMAIL,
        "demo": settings.ORIENTATION_DEMO,
    }


def site(request):
    # Read per request, not cached with the rest: one settings lookup, no query. The message is
    # what the notice of the base layout shows (layout/lecture_seule.html); False when off.
    return {
        "SITE_CONFIG": _site_config(),
        "LECTURE_SEULE": settings.ORIENTATION_LECTURE_SEULE
        and settings.ORIENTATION_LECTURE_SEULE_MESSAGE,
    }
