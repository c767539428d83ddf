"""R17–R23: the family's response, the agreement, the interview, the decision and the appeal
(workflow transitions; the pages are in test_reponse.py and test_direction.py)."""

import datetime

import pytest
from django.utils import timezone

from orientation.dialogue import workflow
from orientation.dialogue.jours_ouvrables import ajouter_jours_ouvrables, date_limite_recours
from orientation.dialogue.models import (
    Accord,
    Decision,
    Entretien,
    Etat,
    Evenement,
    Proposition,
    Recours,
)
from orientation.dialogue.workflow import Interdit, TransitionRefusee
from orientation.notifications.models import Notification
from tests.factories import CampagneFactory, famille

pytestmark = pytest.mark.django_db


def _oui(dossier, *codes):
    return [p.pk for p in Proposition.objects.filter(dossier=dossier, voie__code__in=codes)]


def _famille(representants=2, **kwargs):
    return famille(
        CampagneFactory(definitive_ouverte=True),
        representants=representants,
        propositions_publiees=True,
        **kwargs,
    )


def _emails(dossier, code):
    return sorted(
        Notification.objects.filter(dossier=dossier, evenement=code).values_list(
            "destinataire_email", flat=True
        )
    )


# Jours ouvrables ---------------------------------------------------------------------------------


def test_X_jours_ouvrables_sans_dimanche_ni_ferie():
    # Friday 10 May 2024 + 3: Saturday 11 counts, Sunday 12 not, Monday 13, Tuesday 14.
    assert ajouter_jours_ouvrables(datetime.date(2024, 5, 10), 3) == datetime.date(2024, 5, 14)
    # Receipt Tuesday 7 May 2024: 8 May (Victoire 1945) and 9 May (Ascension) are holidays,
    # Friday 10 and Saturday 11 count, Sunday 12 not, Monday 13 is the third.
    assert date_limite_recours(datetime.date(2024, 5, 7)) == datetime.date(2024, 5, 13)
    # 14 July 2025 is a Monday holiday: Saturday 12 → 15, 16, 17.
    assert date_limite_recours(datetime.date(2025, 7, 12)) == datetime.date(2025, 7, 17)


# R17 – R21 ----------------------------------------------------------------------------------------


def test_R17_R19_R21_acceptation_puis_accord_donne_la_decision():
    dossier, (r1, r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STMG"))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REPONSE_FAMILLE  # R20: waiting for the other representative
    assert not Decision.objects.filter(dossier=dossier).exists()
    workflow.conclure_accord(dossier, r2.user, d_accord=True)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    decision = Decision.objects.get(dossier=dossier)
    assert [v.code for v in decision.voies.all()] == ["STMG"]
    assert decision.conforme_a_la_demande
    assert _emails(dossier, "decision") == sorted([r1.email, r2.email])  # R21


def test_R17_plusieurs_propositions_acceptees_dont_une_proposee():
    dossier, (seul,) = _famille(representants=1)
    workflow.repondre(
        dossier, seul.user, accepte=True, propositions=_oui(dossier, "STMG", "GENERALE")
    )
    decision = Decision.objects.get(dossier=dossier)
    assert {v.code for v in decision.voies.all()} == {"STMG", "GENERALE"}


def test_R17_seules_les_reponses_oui_sont_acceptables():
    dossier, (r1, _r2) = _famille()
    with pytest.raises(TransitionRefusee, match="oui"):
        workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STI2D"))
    with pytest.raises(TransitionRefusee, match="au moins une"):
        workflow.repondre(dossier, r1.user, accepte=True, propositions=[])
    dossier.refresh_from_db()
    assert dossier.etat == Etat.PROPOSITIONS_PUBLIEES
    assert not Evenement.objects.filter(dossier=dossier).exists()


def test_R17_le_titulaire_repond_en_premier():
    dossier, (r1, r2) = _famille()
    dossier.titulaire_demandes = r1
    dossier.save()
    with pytest.raises(Interdit):
        workflow.repondre(dossier, r2.user, accepte=True, propositions=_oui(dossier, "STMG"))


def test_R17_R22_refus_exige_un_entretien():
    dossier, (r1, r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=False)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS
    assert Entretien.objects.get(dossier=dossier).motif == Entretien.Motif.REFUS
    assert _emails(dossier, "entretien_requis") == sorted([r1.email, r2.email])
    actions = list(Evenement.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == ["repondre", "exiger_entretien"]


def test_R19_R22_desaccord_exige_un_entretien():
    dossier, (r1, r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STMG"))
    workflow.conclure_accord(dossier, r2.user, d_accord=False)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS
    assert Entretien.objects.get(dossier=dossier).motif == Entretien.Motif.DESACCORD
    assert not Decision.objects.filter(dossier=dossier).exists()
    assert _emails(dossier, "entretien_requis") == sorted([r1.email, r2.email])


def test_R19_le_repondant_ne_donne_pas_son_propre_accord():
    dossier, (r1, _r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STMG"))
    with pytest.raises(Interdit):
        workflow.conclure_accord(dossier, r1.user, d_accord=True)
    assert not Accord.objects.exists()


def test_X_representant_unique_pas_d_etape_d_accord():
    dossier, (seul,) = _famille(representants=1)
    workflow.repondre(dossier, seul.user, accepte=True, propositions=_oui(dossier, "STMG"))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    assert _emails(dossier, "decision") == [seul.email]


def test_X_eleve_majeur_repond_seul(django_user_model):
    dossier, (r1, _r2) = _famille()
    eleve = dossier.eleve
    eleve.date_naissance = datetime.date(2000, 1, 1)
    eleve.user = django_user_model.objects.create_user("eleve-majeur", email="e@exemple.fr")
    eleve.save()
    with pytest.raises(Interdit):
        workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STMG"))
    workflow.repondre(dossier, eleve.user, accepte=True, propositions=_oui(dossier, "STMG"))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE


def test_X_le_silence_ne_vaut_pas_accord(chef_de):
    dossier, (r1, _r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=True, propositions=_oui(dossier, "STMG"))
    chef = chef_de(dossier)
    # Before the deadline the head cannot cut the wait short.
    with pytest.raises(TransitionRefusee, match="date limite"):
        workflow.exiger_entretien(dossier, chef)
    dossier.campagne.reponse_limite = timezone.now() - datetime.timedelta(hours=1)
    dossier.campagne.save()
    workflow.exiger_entretien(dossier, chef)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS  # never DECIDE without the express agreement
    assert Entretien.objects.get(dossier=dossier).motif == Entretien.Motif.SANS_REPONSE
    assert len(_emails(dossier, "entretien_requis")) == 2


# R22, X: interview and decision -------------------------------------------------------------------


def _apres_entretien(chef_de):
    dossier, (r1, r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=False)
    chef = chef_de(dossier)
    workflow.tenir_entretien(
        dossier,
        chef,
        tenu_le=timezone.now() - datetime.timedelta(hours=2),
        participants="M. et Mme, l'élève",
        compte_rendu="La famille maintient sa demande de 1re STI2D.",
    )
    return dossier, r1, r2, chef


def test_R22_entretien_enregistre(chef_de):
    dossier, _r1, _r2, chef = _apres_entretien(chef_de)
    entretien = Entretien.objects.get(dossier=dossier)
    assert entretien.participants == "M. et Mme, l'élève"
    assert entretien.conduit_par == chef
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_TENU


def test_X_decision_differente_exige_une_motivation(chef_de):
    dossier, r1, r2, chef = _apres_entretien(chef_de)
    with pytest.raises(TransitionRefusee, match="motivation"):
        workflow.decider(dossier, chef, voies=["GENERALE"])
    # GENERALE was proposed, not accepted, not asked for: it differs from the request.
    decision = workflow.decider(dossier, chef, voies=["GENERALE"], motivation="Projet solide.")
    assert not decision.conforme_a_la_demande
    assert decision.date_limite_recours == date_limite_recours(timezone.localdate())
    assert _emails(dossier, "decision_apres_entretien") == sorted([r1.email, r2.email])
    corps = Notification.objects.filter(evenement="decision_apres_entretien").first().corps_texte
    assert "3 jours ouvrables" in corps


def test_X_decision_conforme_sans_motivation_ni_recours(chef_de):
    dossier, _r1, _r2, chef = _apres_entretien(chef_de)
    decision = workflow.decider(dossier, chef, voies=["STI2D"])
    assert decision.conforme_a_la_demande and decision.date_limite_recours is None
    with pytest.raises(TransitionRefusee, match="diffère"):
        workflow.engager_recours(dossier, chef)


def test_R23_recours_puis_decision_de_la_commission(chef_de):
    dossier, r1, r2, chef = _apres_entretien(chef_de)
    workflow.decider(dossier, chef, voies=["GENERALE"], motivation="Projet solide.")
    recours = workflow.engager_recours(dossier, chef)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.RECOURS
    with pytest.raises(TransitionRefusee, match="date"):
        workflow.statuer_recours(dossier, chef, maintien=False, voie="STI2D")
    decision = workflow.statuer_recours(
        dossier, chef, maintien=False, voie="STI2D", date_commission=timezone.localdate()
    )
    dossier.refresh_from_db()
    recours.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    assert recours.voie_decidee.code == "STI2D"
    assert workflow.decision_en_vigueur(dossier) == decision
    assert decision.conforme_a_la_demande


def test_R23_X_maintien_de_droit(chef_de):
    dossier, _r1, _r2, chef = _apres_entretien(chef_de)
    workflow.decider(dossier, chef, voies=["GENERALE"], motivation="Projet solide.")
    workflow.engager_recours(dossier, chef, maintien=True)
    decision = workflow.statuer_recours(dossier, chef, maintien=True)
    assert decision.maintien and not decision.voies.exists()
    assert Recours.objects.get(dossier=dossier).maintien


def test_R23_recours_hors_delai_refuse(chef_de):
    dossier, _r1, _r2, chef = _apres_entretien(chef_de)
    decision = workflow.decider(dossier, chef, voies=["GENERALE"], motivation="Projet solide.")
    tard = timezone.now() + datetime.timedelta(days=10)
    with pytest.raises(TransitionRefusee, match="délai"):
        workflow.engager_recours(dossier, chef, depose_le=tard)
    assert decision.date_limite_recours < timezone.localdate(tard)


def test_la_direction_seule_mene_l_entretien_et_decide(chef_de):
    from orientation.accounts.models import Role

    dossier, (r1, _r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=False)
    for intrus in (r1.user, chef_de(dossier, Role.PROFESSEUR_PRINCIPAL)):
        with pytest.raises(Interdit):
            workflow.tenir_entretien(
                dossier,
                intrus,
                tenu_le=timezone.now(),
                participants="x",
                compte_rendu="y",
            )


@pytest.mark.parametrize(
    ("etape", "etat"),
    [
        ("reponse_famille", Etat.REPONSE_FAMILLE),
        ("decide", Etat.DECIDE),
        ("entretien_requis", Etat.ENTRETIEN_REQUIS),
        ("entretien_tenu", Etat.ENTRETIEN_TENU),
        ("decide_apres_entretien", Etat.DECIDE),
        ("recours", Etat.RECOURS),
        ("decide_apres_recours", Etat.DECIDE),
    ],
)
def test_la_fabrique_atteint_chaque_etape_par_les_transitions(etape, etat):
    """tests/factories.apres_le_conseil, used by the accessibility sweep: real transitions only."""
    from tests.factories import apres_le_conseil

    dossier, _responsables = apres_le_conseil(etape)
    assert dossier.etat == etat
    assert Evenement.objects.filter(dossier=dossier).exists()
