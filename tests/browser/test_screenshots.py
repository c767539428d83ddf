"""`make screenshots`: every family page on a phone (375 px) and a desktop (1280 px), into
screenshots/ (gitignored), so that anyone can look at the service page by page. Skipped without
--screenshots: the all-pages sweep already opens these pages in CI."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.pages import PAGES
from tests.browser.test_accessibilite import _ouvrir

PAGES_FAMILLE = [p for p in PAGES if p.famille]


def _fichier(p) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", p.id.lower()).strip("-")


@pytest.mark.parametrize("p", PAGES_FAMILLE, ids=[p.id for p in PAGES_FAMILLE])
def test_captures(page, phone, p, settings, request):
    if not request.config.getoption("--screenshots"):
        pytest.skip("captures d'écran : make screenshots")
    for appareil, nom in ((phone, "telephone"), (page, "ordinateur")):
        if appareil is page:
            page.set_viewport_size({"width": 1280, "height": 900})
        _ouvrir(appareil, p, settings)
        screenshot(appareil, f"{_fichier(p)}--{nom}", request)
