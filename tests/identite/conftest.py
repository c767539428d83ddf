import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ICI = Path(__file__).parent
RETOUR = "http://testserver/connexion/franceconnect/retour/"
APRES_DECONNEXION = "http://testserver/connexion/franceconnect/deconnecte/"
UTILISATEURS_OIDC = {
    "marie": {"given_name": "Marie Anne", "family_name": "Dupré", "birthdate": "1980-02-03"},
    "paul": {"given_name": "Paul", "family_name": "Martin", "birthdate": "1978-06-01"},
}


def cle_rsa_pem() -> str:
    cle = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return cle.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.identite.urls_de_test"


@pytest.fixture(scope="session")
def fournisseur_oidc(tmp_path_factory):
    """django-oauth-toolkit's OpenID provider in a process of its own, on loopback."""
    dossier = tmp_path_factory.mktemp("op")
    config = {
        "cle": cle_rsa_pem(),
        "client_id": "orientation-test",
        "client_secret": "secret-du-client-de-test",
        "redirect_uris": [RETOUR],
        "post_logout_redirect_uris": [APRES_DECONNEXION],
        "utilisateurs": UTILISATEURS_OIDC,
    }
    (dossier / "config.json").write_text(json.dumps(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    with open(dossier / "stderr.log", "w") as journal:
        processus = subprocess.Popen(
            [sys.executable, str(ICI / "fournisseur_oidc.py"), str(dossier)],
            stdout=subprocess.PIPE,
            stderr=journal,
            env=env,
            text=True,
        )
        base = processus.stdout.readline().strip()
        if not base.startswith("http://"):
            processus.kill()
            raise RuntimeError((dossier / "stderr.log").read_text())
        yield {**config, "base": base}
        processus.terminate()
        processus.wait(timeout=10)


@pytest.fixture
def franceconnect(settings, fournisseur_oidc):
    settings.IDENTITE_FOURNISSEURS = ["local", "franceconnect"]
    settings.IDENTITE_OIDC = {
        "metadata_url": f"{fournisseur_oidc['base']}/o/.well-known/openid-configuration",
        "client_id": fournisseur_oidc["client_id"],
        "client_secret": fournisseur_oidc["client_secret"],
        "scopes": "openid given_name family_name birthdate",
        "acr_values": "",
        "token_auth": "client_secret_post",
        "algorithmes": ["RS256"],
    }
    return fournisseur_oidc


@pytest.fixture(scope="session")
def fournisseur_saml(tmp_path_factory):
    from tests.identite.fournisseur_saml import FournisseurSaml, cle_et_certificat

    dossier = tmp_path_factory.mktemp("idp")
    idp = FournisseurSaml(dossier)
    idp.cle_sp, idp.certificat_sp = cle_et_certificat(dossier, "sp")
    yield idp
    idp.arreter()


@pytest.fixture
def educonnect(settings, fournisseur_saml):
    from orientation.identite import saml

    settings.SITE_URL = "http://testserver"
    settings.IDENTITE_FOURNISSEURS = ["local", "educonnect"]
    settings.IDENTITE_SAML = {
        **settings.IDENTITE_SAML,
        "entity_id": "http://testserver/connexion/educonnect/metadonnees/",
        "cle": str(fournisseur_saml.cle_sp),
        "certificat": str(fournisseur_saml.certificat_sp),
        # A placeholder until the IdP has read our metadata and published its own.
        "idp_metadata": str(fournisseur_saml.dossier / "idp.xml"),
    }
    if not (fournisseur_saml.dossier / "idp.xml").exists():
        (fournisseur_saml.dossier / "idp.xml").write_text(
            '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>'
        )
    fournisseur_saml.configurer(saml.metadonnees())
    fournisseur_saml.reinitialiser()
    return fournisseur_saml
