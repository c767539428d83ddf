"""FranceConnect-like OpenID Connect login against a real provider on loopback (issue 11)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth.signals import user_logged_out
from django.utils import timezone

from orientation.accounts.models import ActivationCode
from orientation.accounts.permissions import est_representant_legal
from orientation.identite.models import Fournisseur, IdentiteFederee
from tests.factories import EleveFactory, LienFactory, ResponsableFactory

pytestmark = pytest.mark.django_db


def autoriser(client, utilisateur="marie") -> str:
    """Start a login in `client`, log in at the provider; return our callback path."""
    debut = client.get("/connexion/franceconnect/")
    assert debut.status_code == 302
    chez_le_fournisseur = requests.get(
        debut["Location"], headers={"X-Utilisateur": utilisateur}, allow_redirects=False
    )
    assert chez_le_fournisseur.status_code == 302, chez_le_fournisseur.text[:300]
    retour = chez_le_fournisseur.headers["Location"]
    assert retour.startswith("http://testserver/connexion/franceconnect/retour/")
    return retour.removeprefix("http://testserver")


def connecte(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def marie():
    """Marie Dupré, legal representative of a pupil, with the code of her school letter."""
    responsable = ResponsableFactory(nom="DUPRE", prenom="Marie")
    eleve = EleveFactory(etablissement=responsable.etablissement)
    LienFactory(eleve=eleve, responsable=responsable)
    code = ActivationCode.issue(responsable.user)
    return responsable, eleve, code


def test_premiere_connexion_demande_le_code_puis_lie_le_compte(client, franceconnect, marie):
    responsable, eleve, code = marie
    reponse = client.get(autoriser(client))
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/franceconnect/code/"
    assert not connecte(client)  # nobody is logged in before the code

    page = client.get("/connexion/franceconnect/code/")
    assert page.status_code == 200
    assert "Marie Anne Dupré" in page.content.decode()

    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 302
    assert connecte(client) == str(responsable.user.pk)
    lien = IdentiteFederee.objects.get(fournisseur=Fournisseur.FRANCECONNECT)
    assert lien.user == responsable.user
    assert ActivationCode.find_valid(code) is None  # single use


def test_connexion_suivante_par_le_sujet_sans_code(client, franceconnect, marie, django_user_model):
    responsable, _eleve, code = marie
    client.get(autoriser(client))
    client.post("/connexion/franceconnect/code/", {"code": code})
    client.logout()
    # Later: the stable subject alone, even if the SIECLE name changed meanwhile.
    responsable.nom = "DUPRE-LEROY"
    responsable.save()
    reponse = client.get(autoriser(client))
    assert reponse.status_code == 302
    assert reponse["Location"] == "/"
    assert connecte(client) == str(responsable.user.pk)


def test_code_d_un_autre_adulte_refuse_et_rien_ne_change(client, franceconnect, marie):
    """Never hand a child to the wrong adult: Paul's identity with Marie's code fails."""
    responsable, _eleve, code = marie
    client.get(autoriser(client, "paul"))
    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 400
    assert "ne correspond pas au représentant légal" in reponse.content.decode()
    assert not connecte(client)
    assert not IdentiteFederee.objects.exists()
    assert ActivationCode.find_valid(code) is not None


def test_code_inconnu_message_clair_et_essais_limites(client, franceconnect, marie, settings):
    settings.IDENTITE_ESSAIS_CODE = 3
    _responsable, _eleve, code = marie
    client.get(autoriser(client))
    for _ in range(3):
        reponse = client.post("/connexion/franceconnect/code/", {"code": "AAAA-BBBB-CCCC"})
        assert reponse.status_code == 400
        assert "inconnu, expiré ou déjà utilisé" in reponse.content.decode()
    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 400
    assert "Trop de codes erronés" in reponse.content.decode()
    assert not connecte(client)


def test_code_expire_refuse(client, franceconnect, marie):
    _responsable, _eleve, code = marie
    ActivationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.get(autoriser(client))
    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 400
    assert not connecte(client)


def test_deux_enfants_deux_lycees_un_seul_compte(client, franceconnect, marie):
    responsable, eleve, code = marie
    # The same mother in another school's SIECLE: another row, another account, another letter.
    autre = ResponsableFactory(nom="Dupré", prenom="Marie")
    cadet = EleveFactory(etablissement=autre.etablissement)
    LienFactory(eleve=cadet, responsable=autre)
    second_code = ActivationCode.issue(autre.user)

    client.get(autoriser(client))
    client.post("/connexion/franceconnect/code/", {"code": code})
    reponse = client.post("/connexion/franceconnect/code/", {"code": second_code})
    assert reponse.status_code == 302
    autre.refresh_from_db()
    assert autre.user == responsable.user
    assert est_representant_legal(responsable.user, eleve)
    assert est_representant_legal(responsable.user, cadet)


def test_page_du_code_sans_identite_franceconnect_redirige(client, franceconnect, marie):
    responsable, _eleve, code = marie
    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/franceconnect/"
    # A local session cannot add children through FranceConnect's page either.
    client.force_login(responsable.user)
    reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 302
    assert ActivationCode.find_valid(code) is not None


def test_jeton_expire_refuse(client, franceconnect, marie):
    retour = autoriser(client)
    # The provider's ID tokens live 60 s; we receive this one ten minutes later.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        reponse = client.get(retour)
    assert reponse.status_code == 400
    assert "pas pu être vérifiée" in reponse.content.decode()
    assert not connecte(client)
    assert "identite_personne" not in client.session


@pytest.mark.parametrize("mode", ["none", "autre-cle"])
def test_jeton_non_signe_ou_mal_signe_refuse(client, franceconnect, settings, marie, mode):
    settings.IDENTITE_OIDC = {
        **settings.IDENTITE_OIDC,
        "metadata_url": f"{franceconnect['base']}/alt/{mode}/.well-known/openid-configuration",
    }
    reponse = client.get(autoriser(client))
    assert reponse.status_code == 400
    assert not connecte(client)
    assert "identite_personne" not in client.session


def test_rejeu_du_retour_refuse(client, franceconnect, marie, django_user_model):
    responsable, _eleve, code = marie
    retour = autoriser(client)
    client.get(retour)
    client.post("/connexion/franceconnect/code/", {"code": code})
    assert connecte(client)
    # The same callback again, in this browser and in another one: the state is spent.
    assert client.get(retour).status_code == 400
    autre = type(client)()
    assert autre.get(retour).status_code == 400
    assert not connecte(autre)


def test_etat_falsifie_refuse(client, franceconnect, marie):
    retour = autoriser(client)
    morceaux = urlsplit(retour)
    code = parse_qs(morceaux.query)["code"][0]
    reponse = client.get(morceaux.path, {"code": code, "state": "etat-invente"})
    assert reponse.status_code == 400
    assert not connecte(client)


def test_nonce_d_une_autre_demande_refuse(client, franceconnect, marie):
    """Code injection: a code obtained for request A, played with request B's valid state."""
    retour_a = autoriser(client)
    code_a = parse_qs(urlsplit(retour_a).query)["code"][0]
    victime = type(client)()
    debut_b = victime.get("/connexion/franceconnect/")
    etat_b = parse_qs(urlsplit(debut_b["Location"]).query)["state"][0]
    reponse = victime.get("/connexion/franceconnect/retour/", {"code": code_a, "state": etat_b})
    assert reponse.status_code == 400
    assert not connecte(victime)


def test_deconnexion_termine_les_deux_sessions_et_signale_la_fin(client, franceconnect, marie):
    responsable, _eleve, code = marie
    client.get(autoriser(client))
    client.post("/connexion/franceconnect/code/", {"code": code})
    fins = []

    def recepteur(sender, user, **kwargs):
        fins.append(user)

    user_logged_out.connect(recepteur)
    try:
        reponse = client.post("/compte/deconnexion/")
    finally:
        user_logged_out.disconnect(recepteur)
    assert fins == [responsable.user]  # the R15 summary listens to this signal
    assert not connecte(client)
    fin_chez_le_fournisseur = reponse["Location"]
    assert fin_chez_le_fournisseur.startswith(franceconnect["base"])
    assert "id_token_hint=" in fin_chez_le_fournisseur
    chez_le_fournisseur = requests.get(
        fin_chez_le_fournisseur, headers={"X-Utilisateur": "marie"}, allow_redirects=False
    )
    assert chez_le_fournisseur.status_code == 302
    assert chez_le_fournisseur.headers["Location"].startswith(
        "http://testserver/connexion/franceconnect/deconnecte/"
    )


def test_fournisseur_non_configure_introuvable(client, settings):
    settings.IDENTITE_FOURNISSEURS = ["local"]
    assert client.get("/connexion/franceconnect/").status_code == 404
    assert client.get("/connexion/franceconnect/retour/?code=x&state=y").status_code == 404


def test_identite_desactivee_ne_connecte_plus(client, franceconnect, marie):
    responsable, _eleve, code = marie
    client.get(autoriser(client))
    client.post("/connexion/franceconnect/code/", {"code": code})
    client.logout()
    responsable.user.is_active = False
    responsable.user.save()
    reponse = client.get(autoriser(client))
    assert not connecte(client)
    assert reponse["Location"] == "/connexion/franceconnect/code/"


def test_identite_en_attente_du_code_expire_apres_15_minutes(client, franceconnect, marie):
    _responsable, _eleve, code = marie
    client.get(autoriser(client))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
        reponse = client.post("/connexion/franceconnect/code/", {"code": code})
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/franceconnect/"
    assert ActivationCode.find_valid(code) is not None
    assert not connecte(client)
