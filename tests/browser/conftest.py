"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's
live_server, each journey ending with an axe-core scan (RGAA / WCAG 2.1 AA)."""

import functools
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.browser.outils import largeur_sans_defilement

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core ships inside the axe-playwright-python package: nothing is downloaded at test time.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_addoption(parser):
    parser.addoption("--screenshots", action="store_true", help="enregistrer des captures d'écran")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The live server's tests flush the database, the national catalogue with it: reload it."""
    if "live_server" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("transactional_db")
    from orientation.campagnes import catalogue
    from orientation.campagnes.models import Specialite, Voie

    if not Voie.objects.exists():
        catalogue.charger(Voie, Specialite)


@pytest.fixture(params=["ordinateur", "telephone"])
def ecran(request, live_server):
    """A journey run twice: on a desktop screen and on a 375 px phone."""
    return request.getfixturevalue("page" if request.param == "ordinateur" else "phone")


@pytest.fixture(scope="session")
def _playwright():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.AXES_ENABLED = False
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _axe_script() -> str:
    import axe_playwright_python

    return str(Path(axe_playwright_python.__file__).with_name("axe.min.js"))


@functools.cache
def _axe_source() -> str:
    return Path(_axe_script()).read_text(encoding="utf-8")


def axe_check(page, name: str = "") -> None:
    """Run axe-core on the current page; fail with the violations in plain words."""
    # Evaluated through the DevTools protocol: the strict CSP (no inline script) stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = result["violations"]
    if violations:
        lines = [f"{len(violations)} violation(s) axe sur {name or page.url}:"]
        for v in violations:
            targets = [n["target"] for n in v["nodes"][:3]]
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} → {json.dumps(targets)}")
        raise AssertionError("\n".join(lines))
    from tests.browser.pages import COUVERTES

    COUVERTES.add(name or page.url)


def screenshot(page, name: str, request) -> None:
    if request.config.getoption("--screenshots"):
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> None:
    width, viewport = largeur_sans_defilement(page)
    assert width <= viewport, f"défilement horizontal : {width}px de contenu pour {viewport}px"
