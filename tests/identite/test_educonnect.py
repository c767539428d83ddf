"""EduConnect-like SAML 2.0 login against pysaml2's IdP on loopback (issue 11)."""

import datetime
import html
import re

import pytest
import requests
import time_machine
from django.contrib.auth.signals import user_logged_out
from django.utils import timezone

from orientation.accounts.permissions import est_representant_legal
from orientation.etablissements.models import Lien
from orientation.identite.models import Fournisseur, IdentiteFederee
from orientation.identite.views import COOKIE_SAML
from tests.factories import EleveFactory, LienFactory, ResponsableFactory

pytestmark = pytest.mark.django_db


def reponse_de_l_idp(client, idp, sujet, nom, prenom, ines, profil="responsable") -> dict:
    """Start a login in `client`; the IdP authenticates the person; return the POST it makes."""
    idp.etat.update(
        sujet=sujet,
        attributs={
            "sn": [nom],
            "givenName": [prenom],
            "FrEduCtEleveINE": list(ines),
            "FrEduCtPersonAffiliation": [profil],
        },
    )
    debut = client.get("/connexion/educonnect/")
    assert debut.status_code == 302
    assert debut["Location"].startswith(f"{idp.base}/sso?SAMLRequest=")
    assert "Signature=" in debut["Location"]  # our AuthnRequest is signed
    page = requests.get(debut["Location"])
    assert page.status_code == 200
    valeur = re.search(r'name="SAMLResponse" value="([^"]+)"', page.text).group(1)
    return {"SAMLResponse": html.unescape(valeur)}


def connecte(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def famille():
    """A pupil with two legal representatives, and a contact who is not one."""
    mere = ResponsableFactory(nom="DUPRÉ", prenom="Marie")
    eleve = EleveFactory(etablissement=mere.etablissement)
    LienFactory(eleve=eleve, responsable=mere)
    pere = ResponsableFactory(nom="Dupré", prenom="Jean", etablissement=mere.etablissement)
    LienFactory(eleve=eleve, responsable=pere, code_parente="20")
    return eleve, mere, pere


def test_metadonnees_a_une_adresse_stable(client, educonnect):
    reponse = client.get("/connexion/educonnect/metadonnees/")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/samlmetadata+xml"
    xml = reponse.content.decode()
    assert 'entityID="http://testserver/connexion/educonnect/metadonnees/"' in xml
    assert "http://testserver/connexion/educonnect/acs/" in xml
    assert "http://testserver/connexion/educonnect/sls/" in xml
    assert "X509Certificate" in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_metadonnees_introuvables_sans_configuration(client, settings):
    settings.IDENTITE_SAML = {**settings.IDENTITE_SAML, "cle": "", "certificat": ""}
    assert client.get("/connexion/educonnect/metadonnees/").status_code == 404
    assert client.get("/connexion/educonnect/").status_code == 404


def test_premiere_connexion_par_les_ine_et_l_identite(client, educonnect, famille):
    eleve, mere, pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    reponse = client.post("/connexion/educonnect/acs/", post)
    assert reponse.status_code == 302
    assert connecte(client) == str(mere.user.pk)
    assert IdentiteFederee.objects.get(fournisseur=Fournisseur.EDUCONNECT).sujet == "ec-marie"
    assert COOKIE_SAML not in client.cookies or not client.cookies[COOKIE_SAML].value


def test_les_deux_parents_de_meme_enfant_ne_sont_pas_confondus(client, educonnect, famille):
    eleve, mere, pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-jean", "DUPRE", "Jean", [eleve.ine])
    client.post("/connexion/educonnect/acs/", post)
    assert connecte(client) == str(pere.user.pk)


def test_nom_seul_ne_suffit_pas_et_message_avec_l_etablissement(client, educonnect, famille):
    eleve, mere, _pere = famille
    eleve.etablissement.email_contact = "secretariat@lycee.example"
    eleve.etablissement.save()
    # Right name, but a pupil she is not the legal representative of.
    autre_eleve = EleveFactory(etablissement=eleve.etablissement)
    post = reponse_de_l_idp(client, educonnect, "ec-x", "Dupré", "Marie", [autre_eleve.ine])
    reponse = client.post("/connexion/educonnect/acs/", post)
    assert reponse.status_code == 403
    contenu = reponse.content.decode()
    assert "Nous ne retrouvons pas votre fiche" in contenu
    assert "secretariat@lycee.example" in contenu
    assert not connecte(client)
    assert not IdentiteFederee.objects.exists()


def test_un_contact_de_niveau_2_n_obtient_pas_l_enfant(client, educonnect, famille):
    eleve, _mere, _pere = famille
    contact = ResponsableFactory(nom="Martin", prenom="Paul", etablissement=eleve.etablissement)
    LienFactory(eleve=eleve, responsable=contact, niveau=Lien.Niveau.EN_CHARGE)
    post = reponse_de_l_idp(client, educonnect, "ec-paul", "Martin", "Paul", [eleve.ine])
    assert client.post("/connexion/educonnect/acs/", post).status_code == 403
    assert not connecte(client)


def test_deux_enfants_deux_lycees_un_compte(client, educonnect, famille):
    eleve, mere, _pere = famille
    ailleurs = ResponsableFactory(nom="Dupré", prenom="Marie")  # another school, another account
    cadet = EleveFactory(etablissement=ailleurs.etablissement)
    LienFactory(eleve=cadet, responsable=ailleurs)
    post = reponse_de_l_idp(
        client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine, cadet.ine]
    )
    client.post("/connexion/educonnect/acs/", post)
    user = mere.user
    assert connecte(client) == str(user.pk)
    ailleurs.refresh_from_db()
    assert ailleurs.user == user
    assert est_representant_legal(user, eleve) and est_representant_legal(user, cadet)


def test_connexion_suivante_par_le_sujet_et_nouvel_enfant_ajoute(client, educonnect, famille):
    eleve, mere, _pere = famille
    client.post(
        "/connexion/educonnect/acs/",
        reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine]),
    )
    client.logout()
    cadet_ailleurs = ResponsableFactory(nom="Dupré", prenom="Marie", user=None)
    cadet = EleveFactory(etablissement=cadet_ailleurs.etablissement)
    LienFactory(eleve=cadet, responsable=cadet_ailleurs)
    client.post(
        "/connexion/educonnect/acs/",
        reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine, cadet.ine]),
    )
    assert connecte(client) == str(mere.user.pk)
    assert est_representant_legal(mere.user, cadet)
    assert IdentiteFederee.objects.count() == 1


def test_eleve_se_connecte_a_son_propre_dossier(client, educonnect, famille):
    eleve, _mere, _pere = famille
    post = reponse_de_l_idp(
        client, educonnect, "ec-eleve", eleve.nom, eleve.prenom, [eleve.ine], profil="eleve"
    )
    client.post("/connexion/educonnect/acs/", post)
    eleve.refresh_from_db()
    assert eleve.user is not None
    assert connecte(client) == str(eleve.user.pk)


def test_la_connexion_passe_en_lecture_seule(client, educonnect, famille, settings):
    """ÉduConnect posts its assertion (SAML POST binding): that POST is the login, which the
    read-only mode lets through (orientation/middleware.py); the family can then read."""
    settings.ORIENTATION_LECTURE_SEULE = True
    eleve, mere, _pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    reponse = client.post("/connexion/educonnect/acs/", post)
    assert reponse.status_code == 302
    assert connecte(client) == str(mere.user.pk)
    assert client.get("/").status_code == 200


def test_assertion_non_signee_refusee(client, educonnect, famille):
    eleve, _mere, _pere = famille
    educonnect.etat["signer"] = False
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    educonnect.etat["signer"] = True
    reponse = client.post("/connexion/educonnect/acs/", post)
    assert reponse.status_code == 400
    assert "pas pu être vérifiée" in reponse.content.decode()
    assert not connecte(client)


def test_assertion_expiree_refusee(client, educonnect, famille):
    eleve, _mere, _pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        reponse = client.post("/connexion/educonnect/acs/", post)
    assert reponse.status_code == 400
    assert not connecte(client)


def test_assertion_alteree_refusee(client, educonnect, famille):
    import base64

    eleve, _mere, _pere = famille
    autre = EleveFactory()
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    xml = base64.b64decode(post["SAMLResponse"]).decode()
    post["SAMLResponse"] = base64.b64encode(xml.replace(eleve.ine, autre.ine).encode()).decode()
    assert client.post("/connexion/educonnect/acs/", post).status_code == 400
    assert not connecte(client)


def test_rejeu_refuse_meme_depuis_un_autre_navigateur(client, educonnect, famille):
    eleve, _mere, _pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    biscuit = client.cookies[COOKIE_SAML].value
    assert client.post("/connexion/educonnect/acs/", post).status_code == 302
    client.logout()
    client.cookies[COOKIE_SAML] = biscuit
    assert client.post("/connexion/educonnect/acs/", post).status_code == 400
    assert not connecte(client)


def test_reponse_non_sollicitee_refusee(client, educonnect, famille):
    eleve, _mere, _pere = famille
    post = reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine])
    autre = type(client)()  # never asked the IdP anything
    assert autre.post("/connexion/educonnect/acs/", post).status_code == 400
    assert not connecte(autre)


def test_deconnexion_unique_et_recapitulatif(client, educonnect, famille):
    eleve, mere, _pere = famille
    client.post(
        "/connexion/educonnect/acs/",
        reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine]),
    )
    fins = []

    def recepteur(sender, user, **kwargs):
        fins.append(user)

    user_logged_out.connect(recepteur)
    try:
        reponse = client.post("/compte/deconnexion/")
    finally:
        user_logged_out.disconnect(recepteur)
    assert fins == [mere.user]  # R15: the summary listens to this signal
    assert not connecte(client)
    assert reponse["Location"].startswith(f"{educonnect.base}/slo?SAMLRequest=")
    chez_l_idp = requests.get(reponse["Location"], allow_redirects=False)
    assert educonnect.etat["deconnexions"] == ["ec-marie"]
    retour = chez_l_idp.headers["Location"]
    assert retour.startswith("http://testserver/connexion/educonnect/sls/?SAMLResponse=")
    fin = client.get(retour.removeprefix("http://testserver"))
    assert fin.status_code == 302


def test_deconnexion_demandee_par_l_idp(client, educonnect, famille):
    eleve, mere, _pere = famille
    client.post(
        "/connexion/educonnect/acs/",
        reponse_de_l_idp(client, educonnect, "ec-marie", "Dupré", "Marie", [eleve.ine]),
    )
    url = educonnect.demande_de_deconnexion(
        "http://testserver/connexion/educonnect/metadonnees/", "ec-marie"
    )
    reponse = client.get(url.removeprefix("http://testserver"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(f"{educonnect.base}/slo?SAMLResponse=")
    assert not connecte(client)


def test_deconnexion_d_un_compte_local(client, famille):
    _eleve, mere, _pere = famille
    client.force_login(mere.user)
    reponse = client.post("/compte/deconnexion/")
    assert reponse.status_code == 302
    assert not connecte(client)
    assert client.get("/compte/deconnexion/").status_code == 405
