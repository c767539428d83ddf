"""The all-pages sweep: every page of tests/browser/pages.py, for its role and state, scanned by
axe-core (WCAG 2.1 A and AA); the family pages also on a phone (375 and 320 px): no horizontal
scrolling, no control smaller than 44 × 44 px; the staff's pages at 375 px: no horizontal
scrolling. A new violation anywhere fails CI."""

import time

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_check
from tests.browser.outils import connecter, largeur_sans_defilement, petites_cibles
from tests.browser.pages import PAGES, Monde

PAGES_FAMILLE = [p for p in PAGES if p.famille]
PAGES_PERSONNEL = [p for p in PAGES if not p.famille]


def _ouvrir(page, p, settings):
    for cle, valeur in p.reglages.items():
        setattr(settings, cle, valeur)
    m = Monde()
    if p.preparer:
        p.preparer(m)
    connecter(page, p.utilisateur(m))
    url = reverse(p.depuis or p.nom, kwargs=p.kwargs(m) if p.kwargs else None) + p.query
    page.goto(url)
    if p.action:
        p.action(page)
    return url


@pytest.mark.parametrize("p", PAGES, ids=[p.id for p in PAGES])
def test_page_sans_violation_axe(page, p, settings):
    _ouvrir(page, p, settings)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title().strip(), "la page n'a pas de titre"
    if p.variante == "erreurs":
        _erreurs_liees_et_focus(page)
    # RGAA 5.4, 5.6: every data table has a title and header cells.
    sans_entetes = page.evaluate(
        "[...document.querySelectorAll('#content table')].filter(t => !t.querySelector('th')"
        " || !(t.caption || t.getAttribute('aria-label') || t.getAttribute('aria-labelledby')))"
        ".length"
    )
    assert not sans_entetes, f"{sans_entetes} tableau(x) sans titre ou sans en-têtes"
    axe_check(page, p.id)


# RGAA 11.10: each field in error says so (aria-invalid) and points at its message
# (aria-describedby); the page's title starts with "Erreur"; the focus lands on the first error.
_ERREURS = """
() => {
  const champs = [...document.querySelectorAll('#content [aria-invalid=true]')];
  const decrit = id => id && document.getElementById(id)
      && document.getElementById(id).textContent.trim();
  const orphelins = champs.filter(c => !(c.getAttribute('aria-describedby') || '').split(' ')
      .some(decrit));
  const groupes = [...document.querySelectorAll(
      '#content .fr-input-group--error, #content .fr-select-group--error')]
      .filter(g => !g.querySelector('[aria-invalid=true]'));
  const alerte = document.querySelector('#content .fr-alert--error');
  const premier = document.querySelector('#content [aria-invalid=true]') || alerte;
  return {
    champs: champs.length, alerte: !!alerte,
    orphelins: orphelins.map(c => c.name), groupes: groupes.length,
    focus: !!premier && (document.activeElement === premier
        || premier.contains(document.activeElement)),
  };
}
"""


def _erreurs_liees_et_focus(page):
    etat = page.evaluate(_ERREURS)
    assert etat["champs"] or etat["alerte"], "aucune erreur affichée"
    assert not etat["orphelins"], f"erreurs non reliées à leur champ : {etat['orphelins']}"
    assert not etat["groupes"], "un groupe en erreur sans champ aria-invalid"
    assert etat["focus"], "le focus n'est pas sur la première erreur"
    assert page.title().startswith("Erreur"), f"titre sans « Erreur » : {page.title()}"


@pytest.mark.parametrize("largeur", [375, 320])
@pytest.mark.parametrize("p", PAGES_FAMILLE, ids=[p.id for p in PAGES_FAMILLE])
def test_page_famille_sur_telephone(phone, p, largeur, settings):
    phone.set_viewport_size({"width": largeur, "height": 740})
    _ouvrir(phone, p, settings)
    contenu, ecran = largeur_sans_defilement(phone)
    assert contenu <= ecran, f"défilement horizontal : {contenu}px de contenu pour {ecran}px"
    petites = petites_cibles(phone)
    assert not petites, "cibles de moins de 44 × 44 px :\n" + "\n".join(petites)
    axe_check(phone, f"{p.id}@{largeur}px")


@pytest.mark.parametrize("p", PAGES_PERSONNEL, ids=[p.id for p in PAGES_PERSONNEL])
def test_page_du_personnel_sur_telephone(phone, p, settings):
    """The staff's pages on a phone (375 px): no horizontal scrolling of the page (a wide table
    scrolls in its own focusable box), axe clean. Their controls are not held to 44 px: they
    are used on a computer first (docs/accessibilite.md)."""
    _ouvrir(phone, p, settings)
    contenu, ecran = largeur_sans_defilement(phone)
    assert contenu <= ecran, f"défilement horizontal : {contenu}px de contenu pour {ecran}px"
    axe_check(phone, f"{p.id}@375px")


@pytest.mark.parametrize("p", PAGES_FAMILLE, ids=[p.id for p in PAGES_FAMILLE])
def test_page_famille_zoomee_a_200_pourcents(browser, live_server, p, settings):
    """RGAA 10.4: a 1280 px screen zoomed to 200 % is a 640 px wide viewport with twice the
    pixels; the text must reflow without horizontal scrolling."""
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 640, "height": 400},
        device_scale_factor=2,
    )
    zoom = context.new_page()
    try:
        _ouvrir(zoom, p, settings)
        contenu, ecran = largeur_sans_defilement(zoom)
        assert contenu <= ecran, f"défilement horizontal à 200 % : {contenu}px pour {ecran}px"
    finally:
        context.close()


def test_salle_d_attente_sur_ordinateur_et_telephone(ecran, settings):
    # Past capacity (SalleAttenteMiddleware): the page a family gets instead of a timeout.
    settings.ORIENTATION_ATTENTE_MAX_MS = 1000
    ecran.set_extra_http_headers({"X-Request-Start": f"t={time.time() - 30:.3f}"})
    reponse = ecran.goto("/")
    assert reponse.status == 503 and reponse.headers["retry-after"]
    assert ecran.locator("html").get_attribute("lang") == "fr"
    assert "très demandé" in ecran.title()
    contenu, largeur = largeur_sans_defilement(ecran)
    assert contenu <= largeur, f"défilement horizontal : {contenu}px pour {largeur}px"
    if ecran.viewport_size["width"] <= 375:
        assert not petites_cibles(ecran)
    axe_check(ecran, "salle-attente")
