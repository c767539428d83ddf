"""The end of a session: the page warns before it and « Rester connecté » restarts the idle timeout
(RGAA 13.1, WCAG 2.2.1); a form sent after it is not lost — kept for the login that follows and
given back on its page, to the same account only, never saved on its behalf."""

import json
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from orientation.accounts import reprise
from orientation.accounts.middleware import DEBUT, DERNIERE_ACTIVITE, EXPIREE
from orientation.dialogue.models import Avis, Saisie, Voeu
from tests.dialogue.test_famille_saisie import STMG, liste
from tests.factories import UserFactory, classe_du_conseil, famille

pytestmark = pytest.mark.django_db

CONNEXION = reverse("accounts:login")
PROLONGER = reverse("accounts:prolonger")


def inactif_depuis(client, secondes):
    session = client.session
    session[DERNIERE_ACTIVITE] = int(time.time()) - secondes
    session.save()


def expirer(client):
    inactif_depuis(client, settings.SESSION_IDLE_TIMEOUT + 1)


def url_intentions(dossier):
    return reverse("dialogue:famille_intentions", args=[dossier.pk])


def envoyer_apres_la_fin(client, dossier, donnees=None, **kwargs):
    """The family's list (1re STMG, or `donnees`) sent once the session has ended."""
    expirer(client)
    return client.post(url_intentions(dossier), donnees or liste(STMG), **kwargs)


@pytest.fixture
def fam(client):
    dossier, (r1, r2) = famille()
    client.force_login(r1.user)
    return dossier, r1, r2


# --- the warning and « Rester connecté » ----------------------------------------------------------


def test_la_page_donne_le_temps_restant_et_le_preavis(client, fam):
    # The page's own request is activity, written down once a minute: 30 s ago stays.
    inactif_depuis(client, 30)
    page = client.get(reverse("accueil")).content.decode()
    assert 'id="fin-de-session"' in page and 'role="alertdialog"' in page
    restant = int(page.split('data-restant="')[1].split('"')[0])
    assert settings.SESSION_IDLE_TIMEOUT - 32 <= restant <= settings.SESSION_IDLE_TIMEOUT - 30
    assert f'data-preavis="{settings.SESSION_PREAVIS}"' in page
    assert "Rester connecté" in page


def test_pas_d_avertissement_sans_session():
    page = Client().get(CONNEXION).content.decode()
    assert 'id="fin-de-session"' not in page


def test_rester_connecte_repart_de_zero(client, fam):
    inactif_depuis(client, settings.SESSION_IDLE_TIMEOUT - 30)
    reponse = client.post(PROLONGER)
    assert reponse.status_code == 200
    restant = reponse.json()["restant"]
    assert settings.SESSION_IDLE_TIMEOUT - 2 <= restant <= settings.SESSION_IDLE_TIMEOUT
    assert time.time() - client.session[DERNIERE_ACTIVITE] < 5
    # Sixty seconds after the announced end, the session would have ended without it.
    inactif_depuis(client, 60)
    assert client.get(reverse("accueil")).status_code == 200


def test_rester_connecte_ne_passe_pas_la_duree_absolue(client, fam):
    session = client.session
    session[DEBUT] = int(time.time()) - settings.SESSION_ABSOLUTE_TIMEOUT + 50
    session.save()
    restant = client.post(PROLONGER).json()["restant"]
    assert 45 <= restant <= 50


def test_rester_connecte_apres_la_fin_ne_rouvre_rien(client, fam):
    expirer(client)
    reponse = client.post(PROLONGER)
    assert reponse.status_code == 401 and reponse.json() == {"restant": 0}
    assert client.get(reverse("accueil")).status_code == 302  # signed out
    assert reprise.CLE not in client.session  # nothing to give back


def test_rester_connecte_sans_session_ni_get(client):
    assert client.post(PROLONGER).status_code == 401
    client.force_login(UserFactory())
    assert client.get(PROLONGER).status_code == 405


def test_rester_connecte_exige_le_jeton_csrf(fam):
    _dossier, r1, _r2 = fam
    client = Client(enforce_csrf_checks=True)
    client.force_login(r1.user)
    assert client.post(PROLONGER).status_code == 403


# --- an entry sent after the end --------------------------------------------------------------


def test_la_liste_envoyee_apres_la_fin_est_rendue_apres_la_connexion(client, fam):
    dossier, r1, _r2 = fam
    reponse = envoyer_apres_la_fin(client, dossier)
    assert reponse.status_code == 302
    assert reponse.url == f"{CONNEXION}?next={url_intentions(dossier)}"
    assert not Voeu.objects.filter(dossier=dossier).exists()  # nothing saved
    assert not Saisie.objects.filter(dossier=dossier).exists()
    connexion = client.get(reponse.url).content.decode()
    assert "votre saisie vous sera présentée à nouveau après la connexion" in connexion

    client.force_login(r1.user)
    page = client.get(url_intentions(dossier)).content.decode()
    assert 'id="saisie-reprise"' in page and "a été remise dans le formulaire" in page
    assert 'value="STMG" selected' in page  # the list as it was sent
    assert 'data-avertir-depart="modifie"' in page
    assert "saisie-reprise-donnees" not in page  # the view filled its form itself
    assert not Voeu.objects.filter(dossier=dossier).exists()  # still nothing saved
    # Given back once.
    page = client.get(url_intentions(dossier)).content.decode()
    assert 'id="saisie-reprise"' not in page and 'value="STMG" selected' not in page


def test_la_saisie_gardee_ne_va_pas_a_un_autre_compte(client, fam):
    dossier, _r1, r2 = fam
    envoyer_apres_la_fin(client, dossier)
    assert reprise.CLE in client.session
    client.force_login(r2.user)  # the other parent, on the same computer
    assert reprise.CLE not in client.session
    page = client.get(url_intentions(dossier)).content.decode()
    assert 'id="saisie-reprise"' not in page and 'value="STMG" selected' not in page


def test_la_saisie_gardee_ne_dure_qu_une_heure(client, fam):
    dossier, r1, _r2 = fam
    envoyer_apres_la_fin(client, dossier)
    session = client.session
    session[reprise.CLE]["instant"] -= reprise.DUREE + 1
    session.save()
    client.force_login(r1.user)
    page = client.get(url_intentions(dossier)).content.decode()
    assert 'id="saisie-reprise"' not in page and 'value="STMG" selected' not in page


def test_sans_jeton_csrf_rien_n_est_garde(fam):
    dossier, r1, _r2 = fam
    client = Client(enforce_csrf_checks=True)
    client.force_login(r1.user)
    reponse = envoyer_apres_la_fin(client, dossier)
    assert reponse.status_code == 403
    assert reprise.CLE not in client.session


def test_un_fichier_n_est_pas_garde(client, fam):
    dossier, *_ = fam
    fichier = SimpleUploadedFile("intentions.csv", b"a;b\n", content_type="text/csv")
    reponse = envoyer_apres_la_fin(client, dossier, {**liste(STMG), "fichier": fichier})
    assert reponse.status_code == 302 and reprise.CLE not in client.session


def test_un_formulaire_trop_long_n_est_pas_garde(client, fam):
    dossier, *_ = fam
    envoyer_apres_la_fin(client, dossier, {**liste(STMG), "texte": "x" * reprise.TAILLE_MAX})
    assert reprise.CLE not in client.session


def test_l_avis_de_la_grille_envoye_apres_la_fin_revient_dans_sa_grille(client):
    """The grid saves a pupil by fetch to another address: the login brings back to the grid (the
    Referer), whose page carries the entry for orientation.js to put back into that pupil's form."""
    division, pp, (dossier,) = classe_du_conseil()
    voeu = Voeu.objects.get(dossier=dossier, rang=1)
    grille = reverse("dialogue:conseil", args=[division.pk, "provisoire"])
    enregistrer = reverse(
        "dialogue:conseil_enregistrer", args=[division.pk, "provisoire", dossier.pk]
    )
    client.force_login(pp)
    expirer(client)
    donnees = {f"avis-{voeu.pk}": "defavorable", f"motif-{voeu.pk}": "Résultats fragiles"}
    reponse = client.post(
        enregistrer,
        donnees,
        headers={"referer": f"http://testserver{grille}?vue=1", "x-requested-with": "fetch"},
    )
    assert reponse.status_code == 302
    assert reponse.url == f"{CONNEXION}?next={grille}%3Fvue%3D1"
    assert not Avis.objects.exists()

    client.force_login(pp)
    page = client.get(grille).content.decode()
    assert f'data-action="{enregistrer}" hidden' in page
    gardee = page.split('id="saisie-reprise-donnees" type="application/json">')[1]
    assert dict(json.loads(gardee.split("</script>")[0])) == {
        f"avis-{voeu.pk}": ["defavorable"],
        f"motif-{voeu.pk}": ["Résultats fragiles"],
    }
    assert not Avis.objects.exists()


def test_un_referer_d_un_autre_site_n_est_pas_suivi(client, fam):
    dossier, *_ = fam
    reponse = envoyer_apres_la_fin(
        client, dossier, headers={"referer": "https://ailleurs.example/x"}
    )
    assert reponse.url == f"{CONNEXION}?next={url_intentions(dossier)}"


def test_un_bouton_seul_envoye_apres_la_fin_ramene_a_sa_page(client, fam):
    """A POST-only address (here the logout button) is not where the login should bring back:
    the page the button was on is."""
    dossier, *_ = fam
    page = reverse("dialogue:famille_dossier", args=[dossier.pk])
    expirer(client)
    reponse = client.post(reverse("accounts:logout"), headers={"referer": page})
    assert reponse.url == f"{CONNEXION}?next={page}"
    assert reprise.CLE not in client.session  # nothing to give back


def test_la_page_de_connexion_dit_la_fin_jusqu_a_la_connexion(client, fam):
    _dossier, r1, _r2 = fam
    expirer(client)
    client.get(reverse("accueil"))
    for _fois in range(2):  # the grid's script reads the page once before opening it
        assert "Votre session a expiré" in client.get(CONNEXION).content.decode()
    client.force_login(r1.user)
    assert EXPIREE not in client.session
