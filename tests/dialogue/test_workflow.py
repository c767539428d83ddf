"""The transitions of a Dossier (ARCHITECTURE.md rule 1) and the rules they enforce: R1, R3,
R5–R7, R12–R15, the adult pupil and the single representative (X)."""

import datetime

import pytest
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.campagnes.models import Campagne, Phase
from orientation.dialogue import workflow
from orientation.dialogue.models import Dossier, Etat, Evenement, Saisie, Voeu
from orientation.dialogue.regles import VoeuSaisi
from orientation.dialogue.workflow import (
    Interdit,
    TransitionRefusee,
    VoeuxInvalides,
    accuser_reception,
    envoyer_recapitulatif,
    publier_avis,
    valider_voeux,
)
from orientation.notifications.models import Notification
from tests.factories import CampagneFactory, DossierFactory, LienFactory, UserFactory, famille

from .conftest import DEMANDES, INTENTIONS

pytestmark = pytest.mark.django_db


def traces(dossier):
    """Everything a transition may write about a dossier."""
    dossier.refresh_from_db()
    return (
        dossier.etat,
        dossier.titulaire_intentions_id,
        dossier.titulaire_demandes_id,
        dossier.avis_accuse_le,
        Evenement.objects.filter(dossier=dossier).count(),
        list(Voeu.objects.filter(dossier=dossier).values_list("phase", "rang", "voie__code")),
        list(Saisie.objects.filter(dossier=dossier).values_list("phase", "nb_validations")),
        Notification.objects.filter(dossier=dossier).count(),
    )


def codes(dossier, phase):
    return list(
        Voeu.objects.filter(dossier=dossier, phase=phase)
        .order_by("rang")
        .values_list("voie__code", flat=True)
    )


def famille_en_definitive(representants=2, **kwargs):
    return famille(CampagneFactory(definitive_ouverte=True), representants=representants, **kwargs)


# R1 ---------------------------------------------------------------------------------------------


def test_R1_saisie_refusee_hors_fenetre(intentions):
    dossier, (r1, _r2) = famille(CampagneFactory(fermee=True))
    avant = traces(dossier)
    with pytest.raises(TransitionRefusee, match="fermé"):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    assert traces(dossier) == avant


def test_R1_fermeture_anticipee_et_reouverture(intentions):
    dossier, (r1, _r2) = famille(CampagneFactory(forcage="ferme"))
    with pytest.raises(TransitionRefusee):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    reouverte, (p1, _p2) = famille(CampagneFactory(fermee=True, forcage="ouvert"))
    assert valider_voeux(reouverte, p1.user, Phase.PROVISOIRE, intentions).modifie


def test_R1_la_phase_definitive_a_sa_propre_fenetre(demandes):
    # The provisional window is open, the definitive one is not.
    dossier, (r1, _r2) = famille(avis_accuse=True)
    with pytest.raises(TransitionRefusee, match="fermé"):
        valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes)


# R3, R7 -----------------------------------------------------------------------------------------


def test_R3_un_seul_representant_saisit_les_intentions(intentions):
    dossier, (r1, r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions == r1
    assert dossier.etat == Etat.INTENTIONS_VALIDEES
    avant = traces(dossier)
    with pytest.raises(Interdit, match="autre représentant"):
        valider_voeux(dossier, r2.user, Phase.PROVISOIRE, intentions[:1])
    assert traces(dossier) == avant


def test_R7_le_premier_a_valider_les_demandes_detient_le_droit(demandes):
    # r1 held the intentions; the definitive right goes to whoever validates first: r2.
    dossier, (r1, r2) = famille_en_definitive(avis_accuse=True)
    Dossier.objects.filter(pk=dossier.pk).update(titulaire_intentions=r1)
    valider_voeux(dossier, r2.user, Phase.DEFINITIVE, demandes)
    dossier.refresh_from_db()
    assert dossier.titulaire_demandes == r2
    avant = traces(dossier)
    with pytest.raises(Interdit):
        valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes[:1])
    assert traces(dossier) == avant
    assert codes(dossier, Phase.DEFINITIVE) == ["STI2D", "GENERALE", "PRO"]


def test_R7_l_eleve_et_les_tiers_ne_saisissent_pas(intentions):
    dossier, (r1, _r2) = famille()
    dossier.eleve.user = UserFactory()
    dossier.eleve.save()
    autre_famille, (etranger, _x) = famille(dossier.campagne)
    avant = traces(dossier)
    for user in (dossier.eleve.user, etranger.user, UserFactory()):
        with pytest.raises(Interdit):
            valider_voeux(dossier, user, Phase.PROVISOIRE, intentions)
    assert traces(dossier) == avant


def test_R7_un_contact_non_legal_ne_saisit_pas(intentions):
    dossier, _ = famille(representants=1)
    contact = LienFactory(eleve=dossier.eleve, niveau=2).responsable
    with pytest.raises(Interdit):
        valider_voeux(dossier, contact.user, Phase.PROVISOIRE, intentions)


# R5, R6 -----------------------------------------------------------------------------------------


def test_R5_accuse_de_reception_par_un_representant():
    dossier, (r1, r2) = famille(avis_publie=True)
    Dossier.objects.filter(pk=dossier.pk).update(titulaire_intentions=r1)
    # R5: r1 entered the intentions but did not acknowledge; r2, who comes first, does.
    accuser_reception(dossier, r2.user, ip="192.0.2.7")
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_ACCUSE
    assert dossier.avis_accuse_par == r2.user
    assert dossier.avis_accuse_le is not None
    evenement = Evenement.objects.get(dossier=dossier)
    assert (evenement.action, evenement.etat_avant, evenement.etat_apres) == (
        "accuser_reception",
        Etat.AVIS_PUBLIE,
        Etat.AVIS_ACCUSE,
    )
    assert evenement.adresse_ip == "192.0.2.7"
    assert evenement.acteur == r2.user


def test_R5_seule_la_famille_accuse_reception(chef_de):
    dossier, _ = famille(avis_publie=True)
    avant = traces(dossier)
    for user in (chef_de(dossier), UserFactory()):
        with pytest.raises(Interdit):
            accuser_reception(dossier, user)
    assert traces(dossier) == avant


def test_R6_demandes_refusees_tant_que_l_avis_n_est_pas_accuse(demandes):
    dossier, (r1, _r2) = famille_en_definitive(avis_publie=True)
    avant = traces(dossier)
    with pytest.raises(TransitionRefusee, match="Accusez d'abord réception"):
        valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes)
    assert traces(dossier) == avant
    accuser_reception(dossier, r1.user)
    assert valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes).modifie
    dossier.refresh_from_db()
    assert dossier.etat == Etat.VOEUX_VALIDES


def test_R6_demandes_refusees_avant_meme_l_avis(demandes):
    dossier, (r1, _r2) = famille_en_definitive(intentions_validees=True)
    with pytest.raises(TransitionRefusee):
        valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes)


# R8–R11 through the transition -------------------------------------------------------------------


def test_R8_liste_invalide_refusee_sans_rien_enregistrer(intentions):
    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    avant = traces(dossier)
    doublon = [VoeuSaisi("technologique", "STMG"), VoeuSaisi("technologique", "STMG")]
    with pytest.raises(VoeuxInvalides) as refus:
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, doublon)
    assert [(e.rang, e.champ) for e in refus.value.erreurs] == [(2, "voie")]
    assert traces(dossier) == avant


def test_R8_rangs_saisis_donnent_l_ordre_enregistre():
    dossier, (r1, _r2) = famille()
    voeux = [VoeuSaisi("technologique", "STMG", rang=2), VoeuSaisi("bt", "BT_MUSIQUE", rang=1)]
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, voeux)
    assert codes(dossier, Phase.PROVISOIRE) == ["BT_MUSIQUE", "STMG"]


def test_R9_comptes_et_offre_de_la_campagne():
    campagne = CampagneFactory(definitive_ouverte=True, nb_specialites_definitif=2)
    dossier, (r1, _r2) = famille(campagne, avis_accuse=True)
    deux = [VoeuSaisi("generale", "GENERALE", ("MATHS", "SI"))]
    valider_voeux(dossier, r1.user, Phase.DEFINITIVE, deux)
    voeu = Voeu.objects.get(dossier=dossier, phase=Phase.DEFINITIVE)
    assert set(voeu.specialites.values_list("code", flat=True)) == {"MATHS", "SI"}


def test_R9_provisoire_hors_etablissement_selon_l_offre():
    dossier, (r1, _r2) = famille()
    # SI is not in the factory campaign's offer: 4 with one outside is refused, 5 accepted.
    with pytest.raises(VoeuxInvalides):
        valider_voeux(
            dossier,
            r1.user,
            Phase.PROVISOIRE,
            [VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SI"))],
        )
    valider_voeux(
        dossier,
        r1.user,
        Phase.PROVISOIRE,
        [VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SES", "SI"))],
    )


def test_R10_serie_technologique_obligatoire():
    dossier, (r1, _r2) = famille()
    with pytest.raises(VoeuxInvalides) as refus:
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, [VoeuSaisi("technologique", "")])
    assert refus.value.erreurs[0].champ == "serie"
    assert not Voeu.objects.filter(dossier=dossier).exists()


def test_R11_formation_professionnelle_enregistree_a_part():
    dossier, (r1, _r2) = famille()
    with pytest.raises(VoeuxInvalides):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, [VoeuSaisi("professionnelle", "PRO")])
    valider_voeux(
        dossier, r1.user, Phase.PROVISOIRE, [VoeuSaisi("professionnelle", "PRO", option_pro="cap")]
    )
    voeu = Voeu.objects.get(dossier=dossier)
    assert (voeu.voie.code, voeu.option_pro) == ("PRO", "cap")
    assert voeu.libelle == "Accès à la voie professionnelle — CAP"


# R12, R13 ---------------------------------------------------------------------------------------


def test_R12_la_liste_remplacee_part_avec_ses_specialites_et_les_reponses_du_conseil(intentions):
    """A list validated again replaces the whole previous one: its wishes, their spécialités and,
    when the council had already answered them, its Avis (with their recommendations); the
    other phase and the other families keep theirs."""
    from orientation.campagnes.models import Specialite
    from orientation.dialogue.models import Avis

    dossier, (r1, _r2) = famille()
    voisin, (v1, _v2) = famille(dossier.campagne)
    for d, r in ((dossier, r1), (voisin, v1)):
        valider_voeux(d, r.user, Phase.PROVISOIRE, intentions)
    Voeu.objects.create(
        dossier=dossier, phase=Phase.DEFINITIVE, rang=1, voie_id=codes_voies()["STMG"]
    )
    liens = Voeu.specialites.through.objects
    assert liens.filter(voeu__dossier=dossier).count() == 4

    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions[1:])
    assert codes(dossier, Phase.PROVISOIRE) == ["STMG"]
    assert not liens.filter(voeu__dossier=dossier).exists()
    assert liens.filter(voeu__dossier=voisin).count() == 4
    assert codes(dossier, Phase.DEFINITIVE) == ["STMG"]

    # The council answered the list (avis entered, not yet published): they go with it.
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    for voeu in Voeu.objects.filter(dossier__in=[dossier, voisin], phase=Phase.PROVISOIRE):
        avis = Avis.objects.create(voeu=voeu, valeur="favorable")
        avis.specialites_recommandees.set(Specialite.objects.filter(code="MATHS"))
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions[1:])
    assert codes(dossier, Phase.PROVISOIRE) == ["STMG"]
    assert not Avis.objects.filter(voeu__dossier=dossier).exists()
    assert not liens.filter(voeu__dossier=dossier).exists()
    assert Avis.objects.filter(voeu__dossier=voisin).count() == 2
    recommandees = Avis.specialites_recommandees.through.objects
    assert recommandees.filter(avis__voeu__dossier=voisin).count() == 2
    assert recommandees.count() == 2


def test_R12_la_liste_remplacee_sans_compiler_ses_suppressions(intentions):
    """A list nobody answered goes by two DELETEs written once per process (workflow
    _SUPPRIMER_SPECIALITES, _SUPPRIMER_VOEUX): the ORM compiles no DELETE at the next
    validation."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLDeleteCompiler

    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    with mock.patch.object(
        SQLDeleteCompiler, "as_sql", autospec=True, side_effect=SQLDeleteCompiler.as_sql
    ) as compile_:
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions[1:])
    assert not compile_.called
    assert codes(dossier, Phase.PROVISOIRE) == ["STMG"]
    assert not Voeu.specialites.through.objects.filter(voeu__dossier=dossier).exists()


def codes_voies():
    from orientation.campagnes.models import Voie

    return dict(Voie.objects.values_list("code", "pk"))


def test_R12_rien_n_est_enregistre_avant_validation(intentions):
    dossier, (r1, _r2) = famille()
    with pytest.raises(VoeuxInvalides):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, [])
    assert traces(dossier)[4:] == (0, [], [], 0)
    validation = valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions, ip="2001:db8::1")
    assert validation.modifie and validation.premiere
    saisie = Saisie.objects.get(dossier=dossier, phase=Phase.PROVISOIRE)
    assert (saisie.valide_par, saisie.valide_par_compte, saisie.canal, saisie.nb_validations) == (
        r1,
        r1.user,
        Saisie.Canal.EN_LIGNE,
        1,
    )
    evenement = Evenement.objects.get(dossier=dossier)
    assert evenement.action == "valider_intentions"
    assert (evenement.etat_avant, evenement.etat_apres) == (
        Etat.INTENTIONS_OUVERTES,
        Etat.INTENTIONS_VALIDEES,
    )
    assert evenement.adresse_ip == "2001:db8::1"
    assert [v["voie"] for v in evenement.details["voeux"]] == ["GENERALE", "STMG"]


def test_R13_confirmation_au_seul_representant_qui_a_valide(intentions):
    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    notification = Notification.objects.get(dossier=dossier)
    assert notification.evenement == "confirmation"
    assert notification.destinataire_email == r1.user.email
    assert notification.statut == Notification.Statut.EN_ATTENTE
    assert "1re technologique STMG" in notification.corps_texte


def test_R13_la_confirmation_nomme_les_voeux_comme_le_recapitulatif():
    """The e-mail's labels are built from the catalogue in memory: the same as the saved voeux'
    (voie, pro option, spécialités in the catalogue's order whatever the order ticked)."""
    dossier, (r1, _r2) = famille()
    liste = [
        VoeuSaisi("generale", "GENERALE", ("SVT", "MATHS", "PC", "SES")),
        VoeuSaisi("professionnelle", "PRO", option_pro="cap"),
        VoeuSaisi("technologique", "STMG"),
    ]
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, liste)
    corps = Notification.objects.get(dossier=dossier).corps_texte
    attendus = workflow.libelles_voeux(dossier, Phase.PROVISOIRE)
    assert len(attendus) == 3 and "CAP" in attendus[1] and "Mathématiques" in attendus[0]
    assert attendus[0].index("Mathématiques") < attendus[0].index("Sciences de la vie")
    for libelle in attendus:
        assert libelle in corps


def test_R13_sans_adresse_valide_rien_n_est_envoye(intentions):
    dossier, (r1, _r2) = famille()
    r1.email = ""
    r1.save()
    r1.user.email = ""
    r1.user.save()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    notification = Notification.objects.get(dossier=dossier)
    assert notification.statut == Notification.Statut.SANS_ADRESSE


# R14 and idempotence ----------------------------------------------------------------------------


def test_R14_le_titulaire_modifie_jusqu_a_la_fermeture(intentions, demandes):
    dossier, (r1, _r2) = famille_en_definitive(avis_accuse=True)
    valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes)
    validation = valider_voeux(dossier, r1.user, Phase.DEFINITIVE, list(reversed(demandes)))
    assert validation.modifie and not validation.premiere
    dossier.refresh_from_db()
    assert dossier.etat == Etat.VOEUX_VALIDES
    assert codes(dossier, Phase.DEFINITIVE) == ["PRO", "GENERALE", "STI2D"]
    assert Saisie.objects.get(dossier=dossier, phase=Phase.DEFINITIVE).nb_validations == 2
    evenements = Evenement.objects.filter(dossier=dossier).order_by("id")
    assert [(e.etat_avant, e.etat_apres) for e in evenements] == [
        (Etat.AVIS_ACCUSE, Etat.VOEUX_VALIDES),
        (Etat.VOEUX_VALIDES, Etat.VOEUX_VALIDES),
    ]
    # The window closes: the holder can no longer change anything.
    dossier.campagne.forcage = "ferme"
    dossier.campagne.save()
    avant = traces(dossier)
    with pytest.raises(TransitionRefusee):
        valider_voeux(dossier, r1.user, Phase.DEFINITIVE, demandes)
    assert traces(dossier) == avant


def test_double_soumission_du_meme_formulaire_enregistre_une_fois(intentions):
    dossier, (r1, _r2) = famille()
    premiere = valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    avant = traces(dossier)
    # Same list, with the spécialités in another order: still the same list.
    meme = [
        VoeuSaisi("generale", "GENERALE", ("SES", "SVT", "PC", "MATHS")),
        VoeuSaisi("technologique", "STMG"),
    ]
    seconde = valider_voeux(dossier, r1.user, Phase.PROVISOIRE, meme)
    assert premiere.modifie and not seconde.modifie
    assert traces(dossier) == avant


# R15 --------------------------------------------------------------------------------------------


class FausseSession(dict):
    session_key = "cle-de-session"


def test_R15_recapitulatif_aux_deux_representants_une_fois_par_session(intentions):
    dossier, (r1, r2) = famille()
    session = FausseSession()
    validation = valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    workflow.noter_modification(session, validation)
    workflow.noter_modification(
        session, valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions[:1])
    )
    assert session[workflow.SESSION_DOSSIERS_MODIFIES] == [dossier.pk]
    modifies = session[workflow.SESSION_DOSSIERS_MODIFIES]
    assert envoyer_recapitulatif(r1.user, modifies, session.session_key) == 1
    assert envoyer_recapitulatif(r1.user, modifies, session.session_key) == 0
    recaps = Notification.objects.filter(dossier=dossier, evenement="recapitulatif")
    assert sorted(recaps.values_list("destinataire_email", flat=True)) == sorted(
        [r1.user.email, r2.user.email]
    )
    # The summary shows what is saved now: the second list (1re générale alone).
    assert all("1re générale" in n.corps_texte and "STMG" not in n.corps_texte for n in recaps)
    # A new session with changes: a new summary.
    assert envoyer_recapitulatif(r1.user, modifies, "autre-session") == 1
    assert recaps.all().count() == 4


def test_R15_pas_de_recapitulatif_sans_changement(intentions):
    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    session = FausseSession()
    workflow.noter_modification(
        session, valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    )
    assert workflow.SESSION_DOSSIERS_MODIFIES not in session


def test_R15_recapitulatif_ignore_le_dossier_d_une_autre_famille(intentions):
    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    _autre, (etranger, _x) = famille(dossier.campagne)
    assert envoyer_recapitulatif(etranger.user, [dossier.pk], "s") == 0
    assert not Notification.objects.filter(evenement="recapitulatif").exists()


# publier_avis (R4, for the council engineer) ----------------------------------------------------


def test_R4_publier_avis_par_la_direction_previent_la_famille(chef_de):
    dossier, (r1, r2) = famille(intentions_validees=True)
    publier_avis(dossier, chef_de(dossier, Role.ADJOINT))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_PUBLIE
    emails = Notification.objects.filter(dossier=dossier, evenement="resultats_disponibles")
    assert sorted(emails.values_list("destinataire_email", flat=True)) == sorted(
        [r1.user.email, r2.user.email]
    )


@pytest.mark.parametrize("role", [Role.PROFESSEUR_PRINCIPAL, Role.SECRETARIAT])
def test_R4_publier_avis_interdit_hors_direction(chef_de, role):
    dossier, (r1, _r2) = famille(intentions_validees=True)
    autre_ecole = DossierFactory()
    avant = traces(dossier)
    for user in (chef_de(dossier, role), chef_de(autre_ecole), r1.user):
        with pytest.raises(Interdit):
            publier_avis(dossier, user)
    assert traces(dossier) == avant


# X: adult pupil, single representative ----------------------------------------------------------


def test_X_eleve_majeur_detient_les_droits_des_representants(intentions):
    dossier, (r1, _r2) = famille()
    eleve = dossier.eleve
    eleve.date_naissance = timezone.localdate() - datetime.timedelta(days=19 * 366)
    eleve.user = UserFactory()
    eleve.save()
    with pytest.raises(Interdit):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    validation = valider_voeux(dossier, eleve.user, Phase.PROVISOIRE, intentions)
    assert validation.modifie
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions is None
    assert validation.saisie.valide_par_compte == eleve.user
    notification = Notification.objects.get(dossier=dossier, evenement="confirmation")
    assert notification.destinataire == eleve.user


def test_X_un_seul_representant_fait_tout_le_parcours(chef_de, intentions, demandes):
    campagne = CampagneFactory()
    dossier, (seul,) = famille(campagne, representants=1)
    valider_voeux(dossier, seul.user, Phase.PROVISOIRE, intentions)
    publier_avis(dossier, chef_de(dossier))
    accuser_reception(dossier, seul.user)
    # The definitive window opens.
    Campagne.objects.filter(pk=campagne.pk).update(
        forcage="ouvert",
        provisoire_fin=timezone.now() - datetime.timedelta(days=1),
        provisoire_debut=timezone.now() - datetime.timedelta(days=9),
    )
    validation = valider_voeux(dossier, seul.user, Phase.DEFINITIVE, demandes)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.VOEUX_VALIDES
    assert dossier.titulaire_intentions == dossier.titulaire_demandes == seul
    session = FausseSession()
    workflow.noter_modification(session, validation)
    assert envoyer_recapitulatif(seul.user, session[workflow.SESSION_DOSSIERS_MODIFIES], "k") == 1
    assert Notification.objects.filter(evenement="recapitulatif").count() == 1


# The transition matrix --------------------------------------------------------------------------

# Written out independently of workflow.TRANSITIONS: (transition, source) → target.
ATTENDU = {
    ("valider_intentions", Etat.INTENTIONS_OUVERTES): Etat.INTENTIONS_VALIDEES,
    ("valider_intentions", Etat.INTENTIONS_VALIDEES): Etat.INTENTIONS_VALIDEES,
    ("publier_avis", Etat.INTENTIONS_VALIDEES): Etat.AVIS_PUBLIE,
    ("accuser_reception", Etat.AVIS_PUBLIE): Etat.AVIS_ACCUSE,
    ("valider_demandes", Etat.AVIS_ACCUSE): Etat.VOEUX_VALIDES,
    ("valider_demandes", Etat.VOEUX_VALIDES): Etat.VOEUX_VALIDES,
    ("publier_propositions", Etat.VOEUX_VALIDES): Etat.PROPOSITIONS_PUBLIEES,
    ("repondre", Etat.PROPOSITIONS_PUBLIEES): Etat.REPONSE_FAMILLE,
    ("conclure_accord", Etat.REPONSE_FAMILLE): Etat.DECIDE,
    ("exiger_entretien", Etat.PROPOSITIONS_PUBLIEES): Etat.ENTRETIEN_REQUIS,
    ("exiger_entretien", Etat.REPONSE_FAMILLE): Etat.ENTRETIEN_REQUIS,
    ("tenir_entretien", Etat.ENTRETIEN_REQUIS): Etat.ENTRETIEN_TENU,
    ("decider", Etat.ENTRETIEN_TENU): Etat.DECIDE,
    ("engager_recours", Etat.DECIDE): Etat.RECOURS,
    ("statuer_recours", Etat.RECOURS): Etat.DECIDE,
}


FAMILLE = {"valider_intentions", "valider_demandes", "accuser_reception", "repondre"}


def _preparer(dossier, r1, etat):
    """What each state after the council implies, so that only the state decides (R17–R23)."""
    from orientation.dialogue.models import Decision, Proposition, Recours, ReponseFamille

    if etat == Etat.REPONSE_FAMILLE:
        reponse = ReponseFamille.objects.create(
            dossier=dossier, choix="accepte", responsable=r1, repondu_le=timezone.now()
        )
        reponse.propositions_acceptees.set(Proposition.objects.filter(voie__code="STMG"))
    if etat in (Etat.DECIDE, Etat.RECOURS):
        decision = Decision.objects.create(
            dossier=dossier,
            conforme_a_la_demande=False,
            motivation="Résultats insuffisants.",
            prise_le=timezone.now(),
            date_limite_recours=timezone.localdate() + datetime.timedelta(days=5),
        )
        if etat == Etat.RECOURS:
            Recours.objects.create(
                dossier=dossier, decision_contestee=decision, depose_le=timezone.now()
            )


def _jouer(transition, dossier, responsable, chef, autre=None):
    from orientation.dialogue.models import Proposition

    if transition == "repondre":
        oui = Proposition.objects.filter(dossier=dossier, voie__code="STMG")
        return workflow.repondre(
            dossier, responsable.user, accepte=True, propositions=[p.pk for p in oui]
        )
    if transition == "conclure_accord":
        return workflow.conclure_accord(dossier, autre.user, d_accord=True)
    if transition == "exiger_entretien":
        return workflow.exiger_entretien(dossier, chef)
    if transition == "tenir_entretien":
        return workflow.tenir_entretien(
            dossier,
            chef,
            tenu_le=timezone.now() - datetime.timedelta(hours=1),
            participants="La mère, l'élève, le chef d'établissement",
            compte_rendu="Désaccord maintenu.",
        )
    if transition == "decider":
        return workflow.decider(dossier, chef, voies=["STMG"])
    if transition == "engager_recours":
        return workflow.engager_recours(dossier, chef)
    if transition == "statuer_recours":
        return workflow.statuer_recours(dossier, chef, maintien=True)
    if transition == "valider_intentions":
        return valider_voeux(dossier, responsable.user, Phase.PROVISOIRE, INTENTIONS)
    if transition == "valider_demandes":
        return valider_voeux(dossier, responsable.user, Phase.DEFINITIVE, DEMANDES)
    if transition == "publier_avis":
        return publier_avis(dossier, chef)
    return accuser_reception(dossier, responsable.user)


def test_la_table_des_transitions_est_celle_attendue():
    table = {
        (nom, source): cible
        for nom, (sources, cible) in workflow.TRANSITIONS.items()
        for source in sources
    }
    assert table == ATTENDU


@pytest.mark.parametrize("etat", Etat.values)
@pytest.mark.parametrize(
    "transition",
    [
        "valider_intentions",
        "publier_avis",
        "accuser_reception",
        "valider_demandes",
        "repondre",
        "conclure_accord",
        "exiger_entretien",
        "tenir_entretien",
        "decider",
        "engager_recours",
        "statuer_recours",
    ],
)
def test_matrice_des_transitions(transition, etat, chef_de):
    # The window of the phase concerned is open, the actor has the right: only the state decides.
    definitive = transition == "valider_demandes"
    campagne = CampagneFactory(definitive_ouverte=definitive)
    if transition == "exiger_entretien":  # X: the head acts once the response deadline passed
        campagne.reponse_limite = timezone.now() - datetime.timedelta(days=1)
        campagne.save()
    dossier, (r1, r2) = famille(campagne, etat=etat)
    _preparer(dossier, r1, etat)
    chef = chef_de(dossier)
    avant = traces(dossier)
    cible = ATTENDU.get((transition, etat))
    if cible is None:
        with pytest.raises(TransitionRefusee):
            _jouer(transition, dossier, r1, chef, r2)
        assert traces(dossier) == avant
        return
    _jouer(transition, dossier, r1, chef, r2)
    dossier.refresh_from_db()
    assert dossier.etat == cible
    evenement = Evenement.objects.filter(dossier=dossier).get()
    assert (evenement.action, evenement.etat_avant, evenement.etat_apres, evenement.acteur) == (
        transition,
        etat,
        cible,
        r1.user if transition in FAMILLE else r2.user if transition == "conclure_accord" else chef,
    )
