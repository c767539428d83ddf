"""The parts of the page skeleton that are the same for every visitor are rendered once per process
(layout/base.html, docs/performance.md « Fragments figés »); what depends on the visitor is not."""

import copy
import re

import pytest
from django.template import engines

from tests.factories import famille

FIGES = ("layout/skiplinks.html", "layout/footer.html")


@pytest.fixture
def fragments_vides(settings):
    """Templates compiled once and kept, as in production (the cached loader; the test settings
    read them again at each render), from a fresh engine: the fragments live in the compiled
    templates' nodes, so none is kept yet."""
    gabarits = copy.deepcopy(settings.TEMPLATES)
    options = gabarits[0]["OPTIONS"]
    if options["loaders"][0][0] != "django.template.loaders.cached.Loader":
        options["loaders"] = [("django.template.loaders.cached.Loader", options["loaders"])]
    settings.TEMPLATES = gabarits  # Django builds its engines again
    assert engines["django"].engine.template_loaders[0].__module__.endswith(".cached")


def _sans_jetons(html: str) -> str:
    """The page without what changes at every response: the CSP nonce and the CSRF token."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_les_parties_communes_sont_rendues_une_fois_et_a_l_identique(client, db, fragments_vides):
    premiere = client.get("/accessibilite/")
    seconde = client.get("/accessibilite/")
    rendus = [t.name for t in premiere.templates]
    assert all(nom in rendus for nom in FIGES)
    assert not any(t.name in FIGES for t in seconde.templates)
    assert _sans_jetons(seconde.content.decode()) == _sans_jetons(premiere.content.decode())
    html = seconde.content.decode()
    assert 'id="footer"' in html and "Accessibilité : partiellement conforme" in html
    assert 'href="#content"' in html  # the skip links
    assert "fr-header__service-title" in html  # the header's brand
    assert "dsfr.min.css" in html


def test_ce_qui_depend_du_visiteur_n_est_pas_fige(client, db, fragments_vides):
    anonyme = client.get("/accessibilite/").content.decode()
    assert "Se connecter" in anonyme and "Se déconnecter" not in anonyme

    _dossier, (responsable, _autre) = famille()
    client.force_login(responsable.user)
    connecte = client.get("/accessibilite/")
    html = connecte.content.decode()
    assert "Se déconnecter" in html and "Activer mon compte" not in html
    # The logout form carries this session's CSRF token; the scripts this response's nonce.
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)
    nonces = set(re.findall(r'nonce="([^"]+)"', html))
    assert len(nonces) == 1 and nonces <= set(
        re.findall(r"'nonce-([^']+)'", connecte.headers["Content-Security-Policy"])
    )
    # The current page of the menu is the request's, not the first visitor's.
    accueil = client.get("/").content.decode()
    assert re.search(r'href="/"\s+aria-current="page"', accueil)
    assert not re.search(r'aria-current="page"', html)


def test_le_pied_de_page_de_demonstration_n_est_pas_celui_de_la_production(
    client, db, settings, fragments_vides
):
    from orientation.context_processors import _site_config

    settings.ORIENTATION_DEMO = False
    _site_config.cache_clear()
    assert "Courriels envoyés" not in client.get("/accessibilite/").content.decode()
    settings.ORIENTATION_DEMO = True
    _site_config.cache_clear()
    try:
        assert "Courriels envoyés" in client.get("/accessibilite/").content.decode()
    finally:
        _site_config.cache_clear()


@pytest.mark.parametrize("nonce", [None, "", "AbC-12_x", 'a"<b>&'])
@pytest.mark.parametrize("autoescape", [True, False])
def test_scripts_dsfr_comme_la_balise_de_django_dsfr(nonce, autoescape):
    """{% scripts_dsfr %} writes what django-dsfr's {% dsfr_js %} writes, for any nonce."""
    from django.template import Context

    moteur = engines["django"].engine
    dsfr = moteur.from_string("{% load dsfr_tags %}{% dsfr_js nonce=n %}")
    service = moteur.from_string("{% load fragments %}{% scripts_dsfr n %}")
    attendu = dsfr.render(Context({"n": nonce}, autoescape=autoescape))
    assert "dsfr.module.min.js" in attendu and "integrity=" in attendu
    assert ("nonce=" in attendu) == bool(nonce)
    for _ in range(2):  # the first render, then the node's two kept renderings
        assert service.render(Context({"n": nonce}, autoescape=autoescape)) == attendu


def test_scripts_dsfr_rendus_une_fois_par_noeud(monkeypatch):
    """django-dsfr's tag is rendered for the node's first use only; each response then gets its
    own nonce, and a LazyNonce not drawn yet counts as none, as in django-dsfr's template."""
    from django.template import Context
    from django.utils.csp import LazyNonce

    appels = []
    moteur = engines["django"].engine
    service = moteur.from_string("{% load fragments %}{% scripts_dsfr n %}")
    from_string = moteur.from_string
    monkeypatch.setattr(
        moteur, "from_string", lambda texte: appels.append(texte) or from_string(texte)
    )
    premier = service.render(Context({"n": "un"}))
    second = service.render(Context({"n": "deux"}))
    assert len(appels) == 1
    assert premier.count('nonce="un"') == 2 and second.count('nonce="deux"') == 2
    assert "nonce" not in service.render(Context({"n": LazyNonce()}))
    tire = LazyNonce()
    assert f'nonce="{tire}"' in service.render(Context({"n": tire}))
