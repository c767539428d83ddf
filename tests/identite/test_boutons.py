"""The login page's buttons: configuration alone decides which providers are offered."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from orientation.identite import fournisseurs


def rendre(path="/compte/connexion/"):
    return render_to_string("identite/boutons_connexion.html", request=RequestFactory().get(path))


def test_demo_en_comptes_locaux_aucun_bouton(settings):
    settings.IDENTITE_FOURNISSEURS = ["local"]
    assert fournisseurs.contexte_connexion()["identite_federee"] is False
    assert rendre().strip() == ""


def test_fournisseur_liste_mais_non_configure_non_propose(settings):
    settings.IDENTITE_FOURNISSEURS = ["local", "franceconnect", "educonnect"]
    settings.IDENTITE_OIDC = {**settings.IDENTITE_OIDC, "metadata_url": "", "client_id": ""}
    settings.IDENTITE_SAML = {**settings.IDENTITE_SAML, "idp_metadata": ""}
    assert rendre().strip() == ""


@pytest.mark.parametrize(
    ("code", "url"),
    [("franceconnect", "/connexion/franceconnect/"), ("educonnect", "/connexion/educonnect/")],
)
def test_bouton_du_fournisseur_configure(settings, code, url):
    settings.IDENTITE_FOURNISSEURS = ["local", code]
    settings.IDENTITE_OIDC = {
        **settings.IDENTITE_OIDC,
        "metadata_url": "https://fc.example/.well-known/openid-configuration",
        "client_id": "x",
    }
    settings.IDENTITE_SAML = {
        **settings.IDENTITE_SAML,
        "idp_metadata": "/etc/idp.xml",
        "cle": "/etc/sp.key",
        "certificat": "/etc/sp.crt",
    }
    html = rendre("/compte/connexion/?next=/dossier/")
    if code == "franceconnect":
        # The DSFR FranceConnect button: a GET form that keeps where the person was going.
        assert f'action="{url}"' in html
        assert 'class="fr-connect"' in html
        assert 'name="next" value="/dossier/"' in html
    else:
        assert f'href="{url}?next=/dossier/"' in html
    assert "<h2" in html
    autre = "/connexion/educonnect/" if code == "franceconnect" else "/connexion/franceconnect/"
    assert autre not in html
