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
    return {"SITE_CONFIG": _site_config()}
