from html import unescape

import pytest


@pytest.mark.parametrize(
    "url,titre",
    [
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
    ],
)
def test_pages_publiques(client, db, url, titre):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert titre in html
    # The footer carries the accessibility mention and links to the statement (RGAA).
    assert "Accessibilité : partiellement conforme" in html
    assert 'href="/accessibilite/"' in html


def test_declaration_accessibilite_contient_contact_et_recours(client, db):
    html = client.get("/accessibilite/").content.decode()
    for part in (
        "État de conformité",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert part in html


def test_page_404_en_francais_avec_reference(client, db, settings):
    settings.DEBUG = False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html
    assert "référence" in html
    assert "Traceback" not in html


def test_page_500_generique_sans_trace(client, db, settings):
    from django.test import RequestFactory

    from orientation.views import erreur_500

    request = RequestFactory().get("/")
    response = erreur_500(request)
    assert response.status_code == 500
    html = unescape(response.content.decode())
    assert "Rien n'a été enregistré" in html
    assert "Traceback" not in html


def test_en_tetes_de_securite(client, db):
    response = client.get("/accessibilite/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
