"""Fault: two members of staff save the same dossier (docs/securite.md, « Pannes »).

No lost update: the council's grid sends the version of the pupil's answers it was built from
(workflow.version_conseil); a save over a colleague's newer entry is refused with a French message
naming the colleague, and nothing is written. The head's steps (interview, decision) are
serialised by the row lock and the state machine: the second is refused with a message saying who
moved the dossier on. The stale-form tests run everywhere; the "same instant" tests need two real
PostgreSQL connections and are skipped on SQLite.
"""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.campagnes.models import Phase, Voie
from orientation.dialogue import workflow
from orientation.dialogue.models import Avis, Decision, Entretien, Etat, Evenement, Proposition
from orientation.dialogue.regles import VoeuSaisi
from tests.concurrence import en_meme_temps
from tests.factories import CampagneFactory, DivisionFactory, PersonnelFactory, famille

INTENTIONS = [VoeuSaisi("technologique", "STMG"), VoeuSaisi("technologique", "STI2D")]
CONFLIT = "a modifié les réponses du conseil pour cet élève"


def _personnel(etablissement, role, prenom, nom, divisions=()):
    return PersonnelFactory(
        etablissement=etablissement,
        role=role,
        divisions=list(divisions),
        user__first_name=prenom,
        user__last_name=nom,
    ).user


def _connecte(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _grille_provisoire():
    """A division, its professeur principal and head, one pupil with two validated intentions."""
    campagne = CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement, code="2DE3")
    pp = _personnel(campagne.etablissement, Role.PROFESSEUR_PRINCIPAL, "Paul", "Prof", [division])
    chef = _personnel(campagne.etablissement, Role.CHEF_ETABLISSEMENT, "Claire", "Cheffe")
    dossier, (r,) = famille(campagne, representants=1, eleve__division=division)
    workflow.valider_voeux(dossier, r.user, Phase.PROVISOIRE, INTENTIONS)
    v1, v2 = dossier.voeux.filter(phase=Phase.PROVISOIRE).order_by("rang")
    return division, dossier, pp, chef, v1, v2


def _urls(division, dossier, phase="provisoire"):
    return (
        reverse("dialogue:conseil", args=[division.pk, phase]),
        reverse("dialogue:conseil_enregistrer", args=[division.pk, phase, dossier.pk]),
    )


def _version(page: str, dossier) -> str:
    """The version field of the pupil's form, as a browser would post it."""
    section = page.split(f'id="eleve-{dossier.pk}"', 1)[1]
    return re.search(r'name="version" value="([0-9a-f]+)"', section).group(1)


def _evenements(dossier, action):
    return list(
        Evenement.objects.filter(dossier=dossier, action=action)
        .order_by("pk")
        .values_list("acteur__last_name", flat=True)
    )


# --- A stale form: the lost update, step by step (every database) --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("par_fetch", [False, True], ids=["formulaire", "fetch"])
def test_un_formulaire_perime_du_conseil_n_ecrase_pas_la_saisie_d_un_collegue(par_fetch):
    division, dossier, pp, chef, v1, v2 = _grille_provisoire()
    grille, enregistrer = _urls(division, dossier)
    c_pp, c_chef = _connecte(pp), _connecte(chef)
    entetes = {"HTTP_X_REQUESTED_WITH": "fetch"} if par_fetch else {}
    # Earlier in the meeting the PP answered intention 1: favorable.
    version = _version(c_pp.get(grille).content.decode(), dossier)
    c_pp.post(enregistrer, {f"avis-{v1.pk}": "favorable", "version": version})
    # Both open the grid now: the same picture.
    version_pp = _version(c_pp.get(grille).content.decode(), dossier)
    version_chef = _version(c_chef.get(grille).content.decode(), dossier)
    assert version_pp == version_chef
    # The PP changes intention 1 to "réservé".
    reponse = c_pp.post(
        enregistrer,
        {f"avis-{v1.pk}": "reserve", f"motif-{v1.pk}": "Résultats fragiles", "version": version_pp},
        **entetes,
    )
    assert reponse.status_code == (200 if par_fetch else 302)
    # The head answers intention 2; his form still shows intention 1 as "favorable".
    donnees_chef = {
        f"avis-{v1.pk}": "favorable",
        f"avis-{v2.pk}": "defavorable",
        f"motif-{v2.pk}": "Projet à construire",
        "version": version_chef,
    }
    refus = c_chef.post(enregistrer, donnees_chef, **entetes)
    assert refus.status_code == 409
    page = refus.content.decode()
    assert "Pendant votre saisie, Paul Prof a modifié les réponses du conseil" in page
    assert "rien n&#x27;a été enregistré" in page
    # Nothing of the head's stale form was written: the PP's answer stands.
    assert Avis.objects.get(voeu=v1).valeur == "reserve"
    assert not Avis.objects.filter(voeu=v2).exists()
    assert _evenements(dossier, "saisir_avis") == ["Prof", "Prof"]
    # The page shows what is saved now (the PP's "réservé") with the new version: the head
    # redoes his change on top of it, and both saves are in the audit trail.
    assert f'id="avis-{v1.pk}-reserve" name="avis-{v1.pk}" value="reserve" checked' in page
    nouvelle = _version(page, dossier)
    assert nouvelle != version_chef
    donnees_chef.update(
        {
            f"avis-{v1.pk}": "reserve",
            f"motif-{v1.pk}": "Résultats fragiles",
            "version": nouvelle,
        }
    )
    assert c_chef.post(enregistrer, donnees_chef, **entetes).status_code in (200, 302)
    assert Avis.objects.get(voeu=v1).valeur == "reserve"
    assert Avis.objects.get(voeu=v2).valeur == "defavorable"
    assert _evenements(dossier, "saisir_avis") == ["Prof", "Prof", "Cheffe"]


@pytest.mark.django_db
def test_propositions_un_formulaire_perime_n_ecrase_pas_la_saisie_d_un_collegue():
    campagne = CampagneFactory(definitive_ouverte=True)
    division = DivisionFactory(etablissement=campagne.etablissement, code="2DE4")
    pp = _personnel(campagne.etablissement, Role.PROFESSEUR_PRINCIPAL, "Paul", "Prof", [division])
    chef = _personnel(campagne.etablissement, Role.CHEF_ETABLISSEMENT, "Claire", "Cheffe")
    dossier, _ = famille(campagne, representants=1, eleve__division=division, voeux_valides=True)
    voeu = dossier.voeux.get(phase=Phase.DEFINITIVE)
    generale = Voie.objects.get(code="GENERALE")
    grille, enregistrer = _urls(division, dossier, "definitive")
    c_pp, c_chef = _connecte(pp), _connecte(chef)
    version = _version(c_chef.get(grille).content.decode(), dossier)
    c_chef.post(enregistrer, {f"reponse-{voeu.pk}": "oui", "version": version})
    version = _version(c_chef.get(grille).content.decode(), dossier)
    assert _version(c_pp.get(grille).content.decode(), dossier) == version
    assert (
        c_pp.post(
            enregistrer,
            {
                f"reponse-{voeu.pk}": "non",
                f"commentaire-{voeu.pk}": "Vu en conseil",
                "version": version,
            },
        ).status_code
        == 302
    )
    # The head's form still says "oui"; he adds a proposal.
    refus = c_chef.post(
        enregistrer,
        {f"reponse-{voeu.pk}": "oui", "proposer": [str(generale.pk)], "version": version},
    )
    assert refus.status_code == 409
    assert "Pendant votre saisie, Paul Prof a modifié" in refus.content.decode()
    assert Proposition.objects.get(voeu=voeu).reponse == "non"
    assert not Proposition.objects.filter(dossier=dossier, voeu__isnull=True).exists()
    assert _evenements(dossier, "saisir_propositions") == ["Cheffe", "Prof"]


@pytest.mark.django_db
@pytest.mark.parametrize("par_fetch", [False, True], ids=["formulaire", "fetch"])
def test_la_famille_change_ses_choix_pendant_la_saisie_du_conseil(par_fetch):
    """The family validated another list after the grid was read: the answers typed were for
    wishes that are gone. Refused (409), nothing written, the new list shown, with a message
    that says why; not a success message over answers silently dropped."""
    division, dossier, pp, _chef, v1, v2 = _grille_provisoire()
    grille, enregistrer = _urls(division, dossier)
    c_pp = _connecte(pp)
    version = _version(c_pp.get(grille).content.decode(), dossier)
    representant = dossier.campagne.etablissement.responsables.get().user
    workflow.valider_voeux(
        dossier, representant, Phase.PROVISOIRE, [VoeuSaisi("technologique", "STL")]
    )
    entetes = {"HTTP_X_REQUESTED_WITH": "fetch"} if par_fetch else {}
    reponse = c_pp.post(
        enregistrer,
        {f"avis-{v1.pk}": "favorable", f"avis-{v2.pk}": "favorable", "version": version},
        **entetes,
    )
    assert reponse.status_code == 409
    html = reponse.content.decode().replace("&#x27;", "'")
    assert "La famille a modifié ses choix depuis l'ouverture de la grille" in html
    assert "STL" in html  # the list as it is now
    assert not Avis.objects.filter(voeu__dossier=dossier).exists()
    # With the grid read again, the answers to the new list are saved.
    (nouveau,) = dossier.voeux.filter(phase=Phase.PROVISOIRE)
    version = _version(c_pp.get(grille).content.decode(), dossier)
    reponse = c_pp.post(enregistrer, {f"avis-{nouveau.pk}": "favorable", "version": version})
    assert reponse.status_code == 302
    assert Avis.objects.get(voeu__dossier=dossier).voeu == nouveau


# --- The same instant, two real connections (PostgreSQL) -----------------------------------------


@pytest.fixture
def _postgresql_seulement():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


def _elargir(monkeypatch, nom):
    """Sleep inside the transaction, once `nom` has checked what it read and before anything is
    written: without the row lock, both requests would pass the check on the same old state and
    both would write."""
    original = getattr(workflow, nom)

    def lent(*args, **kwargs):
        resultat = original(*args, **kwargs)
        time.sleep(0.4)
        return resultat

    monkeypatch.setattr(workflow, nom, lent)


@pytest.mark.usefixtures("_postgresql_seulement")
@pytest.mark.parametrize("par_fetch", [False, True], ids=["formulaire", "fetch"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_le_pp_et_le_chef_enregistrent_la_meme_ligne_au_meme_instant(monkeypatch, par_fetch):
    division, dossier, pp, chef, v1, _v2 = _grille_provisoire()
    grille, enregistrer = _urls(division, dossier)
    c_pp, c_chef = _connecte(pp), _connecte(chef)
    version = _version(c_pp.get(grille).content.decode(), dossier)
    _elargir(monkeypatch, "_exiger_version")  # the answers were read, not yet written
    entetes = {"HTTP_X_REQUESTED_WITH": "fetch"} if par_fetch else {}
    reponses = en_meme_temps(
        [
            (c_pp, enregistrer, {f"avis-{v1.pk}": "favorable", "version": version}, entetes),
            (
                c_chef,
                enregistrer,
                {f"avis-{v1.pk}": "defavorable", f"motif-{v1.pk}": "Absences", "version": version},
                entetes,
            ),
        ]
    )
    statuts = sorted(r.status_code for r in reponses)
    assert statuts == sorted([200 if par_fetch else 302, 409])
    gagnant, perdant = (0, 1) if reponses[1].status_code == 409 else (1, 0)
    noms = ["Paul Prof", "Claire Cheffe"]
    assert f"Pendant votre saisie, {noms[gagnant]} a modifié" in reponses[perdant].content.decode()
    # Exactly the winner's answer, saved once, audited once.
    assert Avis.objects.get(voeu=v1).valeur == ["favorable", "defavorable"][gagnant]
    assert _evenements(dossier, "saisir_avis") == [["Prof", "Cheffe"][gagnant]]


def _entretien_tenu_ou_requis(tenu: bool):
    campagne = CampagneFactory(definitive_ouverte=True)
    dossier, (r1, _r2) = famille(campagne, propositions_publiees=True)
    etab = campagne.etablissement
    chef = _personnel(etab, Role.CHEF_ETABLISSEMENT, "Claire", "Cheffe")
    adjoint = _personnel(etab, Role.ADJOINT, "Adam", "Adjoint")
    workflow.repondre(dossier, r1.user, accepte=False)  # R22: the interview is required
    if tenu:
        workflow.tenir_entretien(
            dossier,
            chef,
            tenu_le=timezone.now(),
            participants="La mère, l'élève",
            compte_rendu="Projet discuté",
        )
    return dossier, chef, adjoint


@pytest.mark.usefixtures("_postgresql_seulement")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("etape", ["entretien", "decision"])
def test_le_chef_et_l_adjoint_enregistrent_la_meme_etape_au_meme_instant(monkeypatch, etape):
    dossier, chef, adjoint = _entretien_tenu_ou_requis(tenu=etape == "decision")
    url = reverse(f"dialogue:direction_{etape}", args=[dossier.pk])
    maintenant = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    if etape == "entretien":
        donnees = [
            {"tenu_le": maintenant, "participants": "La mère", "compte_rendu": "Version A"},
            {"tenu_le": maintenant, "participants": "Le père", "compte_rendu": "Version B"},
        ]
    else:
        donnees = [
            {"voies": ["STMG"]},
            {"voies": ["GENERALE"], "motivation": "Résultats suffisants en 1re générale."},
        ]
    _elargir(monkeypatch, "_exiger_direction")  # the state was read by the lock's SELECT
    reponses = en_meme_temps(
        [(_connecte(u), url, d, {}) for u, d in zip((chef, adjoint), donnees, strict=True)]
    )
    assert sorted(r.status_code for r in reponses) == [302, 409]
    gagnant = 0 if reponses[0].status_code == 302 else 1
    nom = ["Claire Cheffe", "Adam Adjoint"][gagnant]
    page = reponses[1 - gagnant].content.decode()
    assert f"Ce dossier a été modifié par {nom}" in page
    assert "rien n&#x27;a été enregistré de votre côté" in page
    dossier.refresh_from_db()
    derniere = ["Cheffe", "Adjoint"][gagnant]
    if etape == "entretien":
        assert dossier.etat == Etat.ENTRETIEN_TENU
        tenu = Entretien.objects.get(dossier=dossier, tenu_le__isnull=False)
        assert tenu.compte_rendu == donnees[gagnant]["compte_rendu"]
        assert _evenements(dossier, "tenir_entretien") == [derniere]
    else:
        assert dossier.etat == Etat.DECIDE
        decision = Decision.objects.get(dossier=dossier)
        assert [v.code for v in decision.voies.all()] == donnees[gagnant]["voies"]
        assert _evenements(dossier, "decider") == [derniere]
