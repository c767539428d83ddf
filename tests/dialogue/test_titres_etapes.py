"""RGAA 8.5, 8.6: the <title> of each page of the family's journeys says the journey and the step
(orientation/dialogue/parcours.py), keeps « Erreur : » first when a form comes back with errors,
and the page shows the same step in the DSFR stepper."""

import html
import re

import pytest
from django.urls import reverse

from orientation.dialogue import workflow
from orientation.dialogue.models import Dossier, Proposition
from tests.factories import CampagneFactory, famille

pytestmark = pytest.mark.django_db

SERVICE = "Orientation après la 2de"
INTENTIONS = "Intentions d'orientation"
DEMANDES = "Demandes d'orientation définitives"
REPONSE = "Réponse aux propositions du conseil de classe"


def _titre(reponse) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", reponse.content.decode(), re.S)[1])


def _stepper(reponse) -> str:
    """The text of the DSFR stepper, spaces collapsed; empty without one."""
    bloc = re.search(
        r'<div class="fr-stepper">(.*?fr-stepper__steps.*?</div>\s*'
        r'(?:<p class="fr-stepper__details">.*?</p>)?)',
        reponse.content.decode(),
        re.S,
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", bloc[1])).split()) if bloc else ""


def _url(nom, dossier, *args):
    return reverse(f"dialogue:{nom}", args=[dossier.pk, *args])


def _stmg(dossier):
    return [Proposition.objects.get(dossier=dossier, voie__code="STMG").pk]


# --- Entering the wishes: the form, then the récapitulatif ----------------------------------------


def test_saisie_des_intentions_etape_1_puis_recapitulatif_etape_2(client):
    dossier, (r1, _r2) = famille()
    client.force_login(r1.user)
    page = client.get(_url("famille_intentions", dossier))
    assert _titre(page) == f"{INTENTIONS} — Étape 1 sur 2 : saisie des choix — {SERVICE}"
    assert _stepper(page) == (
        "Étape 1 sur 2 Saisie des choix Étape suivante : Récapitulatif des choix validés"
    )
    # The step is a second-level heading under the page's h1 (heading structure, RGAA 9.1).
    assert '<h2 class="fr-stepper__title">' in page.content.decode()
    # A list button (R12) re-displays the form: still step 1.
    donnees = {"nb_lignes": "1", "v1-famille": "technologique", "v1-serie": "STMG"}
    page = client.post(_url("famille_intentions", dossier), {**donnees, "action": "ajouter"})
    assert _titre(page).startswith(f"{INTENTIONS} — Étape 1 sur 2")
    page = client.post(_url("famille_intentions", dossier), {**donnees, "action": "valider"})
    assert page.status_code == 302
    recapitulatif = client.get(page.url)
    assert _titre(recapitulatif) == (
        f"{INTENTIONS} — Étape 2 sur 2 : récapitulatif des choix validés — {SERVICE}"
    )
    assert _stepper(recapitulatif).startswith("Étape 2 sur 2 Récapitulatif des choix validés")
    assert "Étape suivante" not in _stepper(recapitulatif)


def test_saisie_en_erreur_garde_erreur_en_tete_du_titre(client):
    dossier, (r1, _r2) = famille()
    client.force_login(r1.user)
    page = client.post(
        _url("famille_intentions", dossier),
        {"nb_lignes": "1", "v1-famille": "technologique", "action": "valider"},  # R10: no series
    )
    assert page.status_code == 400
    assert _titre(page) == (f"Erreur : {INTENTIONS} — Étape 1 sur 2 : saisie des choix — {SERVICE}")


def test_saisie_des_demandes_dit_sa_phase(client):
    dossier, (r1, _r2) = famille(CampagneFactory(definitive_ouverte=True), avis_accuse=True)
    client.force_login(r1.user)
    page = client.get(_url("famille_demandes", dossier))
    assert _titre(page) == f"{DEMANDES} — Étape 1 sur 2 : saisie des choix — {SERVICE}"


def test_la_fiche_dialogue_n_est_pas_une_etape(client):
    dossier, (r1, _r2) = famille()
    client.force_login(r1.user)
    page = client.get(_url("famille_dossier", dossier))
    assert "Étape" not in _titre(page)
    assert not _stepper(page)


# --- Answering the council: the response, then the response saved ------------------------------


def test_reponse_au_conseil_etape_1_erreur_puis_etape_2(client):
    dossier, (r1, _r2) = famille(
        CampagneFactory(definitive_ouverte=True), propositions_publiees=True
    )
    client.force_login(r1.user)
    url = _url("reponse", dossier)
    assert _titre(client.get(url)) == f"{REPONSE} — Étape 1 sur 2 : votre réponse — {SERVICE}"
    erreur = client.post(url, {})
    assert erreur.status_code == 400
    assert _titre(erreur) == f"Erreur : {REPONSE} — Étape 1 sur 2 : votre réponse — {SERVICE}"
    assert _stepper(erreur).startswith("Étape 1 sur 2 Votre réponse")
    client.post(url, {"choix": "accepte", "propositions": _stmg(dossier)})
    page = client.get(url)
    assert _titre(page) == f"{REPONSE} — Étape 2 sur 2 : réponse enregistrée — {SERVICE}"
    assert _stepper(page) == "Étape 2 sur 2 Réponse enregistrée"


def test_accord_du_second_representant_etape_1_erreur_puis_etape_2(client):
    dossier, (r1, r2) = famille(
        CampagneFactory(definitive_ouverte=True), propositions_publiees=True
    )
    workflow.repondre(dossier, r1.user, accepte=True, propositions=_stmg(dossier))
    client.force_login(r2.user)
    url = _url("reponse", dossier)
    assert _titre(client.get(url)) == f"{REPONSE} — Étape 1 sur 2 : votre accord — {SERVICE}"
    erreur = client.post(_url("accord", dossier), {})
    assert erreur.status_code == 400
    assert _titre(erreur) == f"Erreur : {REPONSE} — Étape 1 sur 2 : votre accord — {SERVICE}"
    client.post(_url("accord", dossier), {"d_accord": "oui"})
    assert _titre(client.get(url)) == (f"{REPONSE} — Étape 2 sur 2 : accord enregistré — {SERVICE}")


def test_sans_rien_a_repondre_pas_d_etape(client):
    """The other representative while the holder of the demandes has not answered (R17)."""
    dossier, (r1, r2) = famille(
        CampagneFactory(definitive_ouverte=True), propositions_publiees=True
    )
    Dossier.objects.filter(pk=dossier.pk).update(titulaire_demandes=r1)
    client.force_login(r2.user)
    page = client.get(_url("reponse", dossier))
    assert _titre(page) == f"{REPONSE} — {SERVICE}"
    assert not _stepper(page)
