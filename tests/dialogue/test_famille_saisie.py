"""The family's pages: dossier, wish form, récapitulatif, acknowledgement (R1–R15)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orientation.campagnes.models import Phase
from orientation.dialogue import workflow
from orientation.dialogue.forms import Ligne, appliquer_action, liste_postee
from orientation.dialogue.models import Avis, Dossier, Etat, Saisie, Voeu
from orientation.dialogue.tasks import recapituler_sessions_terminees
from orientation.notifications.models import Notification
from tests.factories import CampagneFactory, EleveFactory, UserFactory, famille

pytestmark = pytest.mark.django_db


def url(nom, dossier, *args):
    return reverse(f"dialogue:{nom}", args=[dossier.pk, *args])


def liste(*lignes, action="valider"):
    """POST data of the working list: each ligne is (famille, serie, specialites, option)."""
    data = {"nb_lignes": str(len(lignes)), "action": action}
    for n, (famille_, serie, specialites, option) in enumerate(lignes, start=1):
        data[f"v{n}-famille"] = famille_
        data[f"v{n}-serie"] = serie
        data[f"v{n}-option"] = option
        data[f"v{n}-spe_etab"] = list(specialites)
    return data


GENERALE_4 = ("generale", "", ("MATHS", "PC", "SVT", "SES"), "")
STMG = ("technologique", "STMG", (), "")
STI2D = ("technologique", "STI2D", (), "")
CAP = ("professionnelle", "", (), "cap")


@pytest.fixture
def fam(client):
    dossier, (r1, r2) = famille()
    client.force_login(r1.user)
    return dossier, r1, r2


def codes(dossier, phase=Phase.PROVISOIRE):
    return list(
        Voeu.objects.filter(dossier=dossier, phase=phase)
        .order_by("rang")
        .values_list("voie__code", flat=True)
    )


# --- the form and validation ----------------------------------------------------------------------


def test_R12_valider_enregistre_et_montre_le_recapitulatif(client, fam):
    dossier, r1, _r2 = fam
    assert client.get(url("famille_intentions", dossier)).status_code == 200
    reponse = client.post(url("famille_intentions", dossier), liste(GENERALE_4, STMG))
    assert reponse.status_code == 302
    assert reponse.url == url("famille_recapitulatif", dossier, "intentions")
    assert codes(dossier) == ["GENERALE", "STMG"]
    page = client.get(reponse.url).content.decode()
    assert "Sciences économiques et sociales" in page or "SES" in page
    assert r1.prenom in page
    dossier.refresh_from_db()
    assert dossier.etat == Etat.INTENTIONS_VALIDEES
    assert dossier.titulaire_intentions == r1


def test_R12_les_boutons_ne_sauvent_rien(client, fam):
    dossier, *_ = fam
    for action in ("ajouter", "haut-2", "bas-1", "retirer-1"):
        reponse = client.post(url("famille_intentions", dossier), liste(STMG, STI2D, action=action))
        assert reponse.status_code == 200
    assert not Voeu.objects.filter(dossier=dossier).exists()
    assert not Saisie.objects.filter(dossier=dossier).exists()
    assert not Notification.objects.filter(dossier=dossier).exists()  # no e-mail either


def test_R8_monter_change_l_ordre_de_preference(client, fam):
    dossier, *_ = fam
    reponse = client.post(url("famille_intentions", dossier), liste(STMG, STI2D, action="haut-2"))
    page = reponse.content.decode()
    assert page.index('value="STI2D" selected') < page.index('value="STMG" selected')
    # The re-rendered list, validated as shown: STI2D first.
    client.post(url("famille_intentions", dossier), liste(STI2D, STMG))
    assert codes(dossier) == ["STI2D", "STMG"]


def test_R8_ordre_avec_les_actions_de_liste():
    a, b, c = Ligne("a"), Ligne("b"), Ligne("c")
    assert appliquer_action([a, b, c], "haut-3") == [a, c, b]
    assert appliquer_action([a, b, c], "bas-1") == [b, a, c]
    assert appliquer_action([a, b, c], "haut-1") == [a, b, c]
    assert appliquer_action([a, b, c], "retirer-2") == [a, c]
    assert appliquer_action([a], "ajouter") == [a, Ligne()]
    assert len(appliquer_action([Ligne()] * 11, "ajouter")) == 11
    assert appliquer_action([a, b], "n'importe-quoi") == [a, b]


def test_R12_seul_le_bouton_valider_demande_l_enregistrement():
    """The posted list is validated only by "Valider"; another button changes the list shown."""
    from django.http import QueryDict

    poste = QueryDict(mutable=True)
    poste.update({"nb_lignes": "2", "v1-famille": "technologique", "v1-serie": "STMG"})
    poste.update({"v2-famille": "generale"})
    poste.setlist("v2-spe_etab", ["MATHS", "PC"])
    lignes = [Ligne("technologique", "STMG"), Ligne("generale", specialites=["MATHS", "PC"])]
    poste["action"] = "valider"
    assert liste_postee(poste) == (lignes, True)
    poste["action"] = "bas-1"
    assert liste_postee(poste) == (lignes[::-1], False)
    poste["action"] = "ajouter"
    assert liste_postee(poste) == ([*lignes, Ligne()], False)


def test_R8_une_voie_deux_fois_erreur_a_cote_du_champ_et_saisie_gardee(client, fam):
    dossier, *_ = fam
    reponse = client.post(url("famille_intentions", dossier), liste(STMG, STMG))
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Cette voie figure déjà dans votre liste." in page
    assert "Rien n'a été enregistré" in page
    assert page.count('value="STMG" selected') == 2
    assert not Voeu.objects.filter(dossier=dossier).exists()


def test_R8_liste_vide_refusee(client, fam):
    dossier, *_ = fam
    reponse = client.post(url("famille_intentions", dossier), liste())
    assert reponse.status_code == 400
    assert "Indiquez au moins un choix" in reponse.content.decode()


def test_R9_compte_de_specialites_de_la_phase_provisoire(client, fam):
    dossier, *_ = fam
    trois = ("generale", "", ("MATHS", "PC", "SVT"), "")
    reponse = client.post(url("famille_intentions", dossier), liste(trois))
    assert reponse.status_code == 400
    assert "Choisissez 4 enseignements de spécialité" in reponse.content.decode()
    # 5 with exactly one outside the school (campaign values, not code).
    hors = ("generale", "", ("MATHS", "PC", "SVT", "SES", "SI"), "")
    assert client.post(url("famille_intentions", dossier), liste(hors)).status_code == 302


def test_R9_specialites_de_l_etablissement_et_hors_separees(client, fam):
    dossier, *_ = fam
    page = client.get(url("famille_intentions", dossier)).content.decode()
    assert "Spécialités proposées dans l&#x27;établissement" in page
    assert "Spécialités proposées dans un autre établissement" in page


def test_R9_les_comptes_viennent_de_la_campagne(client):
    campagne = CampagneFactory(nb_specialites_provisoire=3)
    dossier, (r1, _r2) = famille(campagne)
    client.force_login(r1.user)
    trois = ("generale", "", ("MATHS", "PC", "SVT"), "")
    assert client.post(url("famille_intentions", dossier), liste(trois)).status_code == 302


def test_R10_technologique_sans_serie_refusee(client, fam):
    dossier, *_ = fam
    reponse = client.post(url("famille_intentions", dossier), liste(("technologique", "", (), "")))
    assert reponse.status_code == 400
    assert "Choisissez une série de 1re technologique." in reponse.content.decode()


def test_R11_voie_professionnelle_doit_etre_precisee(client, fam):
    dossier, *_ = fam
    reponse = client.post(
        url("famille_intentions", dossier), liste(("professionnelle", "", (), ""))
    )
    assert reponse.status_code == 400
    assert "1re professionnelle, 2de professionnelle ou CAP" in reponse.content.decode()
    assert client.post(url("famille_intentions", dossier), liste(CAP)).status_code == 302
    assert Voeu.objects.get(dossier=dossier).option_pro == "cap"


def test_R13_confirmation_au_representant_qui_valide(client, fam):
    dossier, r1, r2 = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    confirmations = Notification.objects.filter(dossier=dossier, evenement="confirmation")
    assert [n.destinataire_email for n in confirmations] == [r1.user.email]


def test_double_envoi_du_meme_formulaire_sauve_une_fois(client, fam):
    dossier, *_ = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    reponse = client.post(url("famille_intentions", dossier), liste(STMG), follow=True)
    assert "déjà validés" in reponse.content.decode()
    assert Saisie.objects.get(dossier=dossier).nb_validations == 1
    assert Notification.objects.filter(dossier=dossier, evenement="confirmation").count() == 1


# --- R7, R14: the holder, the other representative, the pupil ------------------------------------


def test_R7_l_autre_representant_lit_sans_pouvoir_modifier(client, fam):
    dossier, r1, r2 = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    client.force_login(r2.user)
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "Technologique" in page or "STMG" in page
    assert f"Validés par {r1.prenom} {r1.nom}" in page
    assert "lui seul peut les modifier" in page
    assert "Modifier les choix" not in page
    reponse = client.get(url("famille_intentions", dossier))
    assert reponse.status_code == 302
    reponse = client.post(url("famille_intentions", dossier), liste(STI2D), follow=True)
    assert "lui seul peut" in reponse.content.decode()
    assert codes(dossier) == ["STMG"]


def test_R14_le_titulaire_modifie_jusqu_a_la_fermeture(client, fam):
    dossier, *_ = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    assert client.post(url("famille_intentions", dossier), liste(STI2D, STMG)).status_code == 302
    assert codes(dossier) == ["STI2D", "STMG"]
    campagne = dossier.campagne
    campagne.provisoire_fin = timezone.now() - datetime.timedelta(minutes=1)
    campagne.save()
    reponse = client.post(url("famille_intentions", dossier), liste(STMG), follow=True)
    assert "close" in reponse.content.decode()
    assert codes(dossier) == ["STI2D", "STMG"]


def test_R3_un_seul_representant_saisit_les_intentions(client, fam):
    dossier, r1, r2 = fam
    # The second representative validates first: they hold the intentions.
    client.force_login(r2.user)
    assert client.post(url("famille_intentions", dossier), liste(STMG)).status_code == 302
    client.force_login(r1.user)
    assert client.get(url("famille_intentions", dossier)).status_code == 302
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions == r2


def test_R7_l_eleve_lit_sans_pouvoir_saisir(client):
    dossier, _resp = famille()
    eleve = dossier.eleve
    eleve.user = UserFactory()
    eleve.save()
    client.force_login(eleve.user)
    assert client.get(url("famille_dossier", dossier)).status_code == 200
    assert client.get(url("famille_intentions", dossier)).status_code == 403
    assert client.post(url("famille_intentions", dossier), liste(STMG)).status_code == 403
    assert not Voeu.objects.filter(dossier=dossier).exists()


def test_R2_une_autre_famille_recoit_404(client, fam):
    dossier, *_ = fam
    _autre, (etranger, _x) = famille()
    client.force_login(etranger.user)
    for nom in ("famille_dossier", "famille_intentions", "famille_demandes"):
        assert client.get(url(nom, dossier)).status_code == 404
    assert client.post(url("famille_intentions", dossier), liste(STMG)).status_code == 404
    assert client.post(url("famille_accuse", dossier)).status_code == 404
    assert client.get(url("famille_recapitulatif", dossier, "intentions")).status_code == 404


def test_anonyme_redirige_vers_la_connexion(client):
    dossier, _r = famille()
    reponse = client.get(url("famille_dossier", dossier))
    assert reponse.status_code == 302
    assert "connexion" in reponse.url or "login" in reponse.url


# --- R1: the calendar ---


def test_R1_avant_l_ouverture_la_page_dit_quand_et_reste_en_lecture(client):
    dossier, (r1, _r2) = famille(CampagneFactory(fermee=True))
    client.force_login(r1.user)
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "La saisie ouvrira le" in page
    assert "Saisir les choix" not in page
    assert client.get(url("famille_intentions", dossier)).status_code == 302


def test_R1_fermeture_anticipee_et_reouverture_par_l_etablissement(client, fam):
    dossier, *_ = fam
    campagne = dossier.campagne
    campagne.forcage = "ferme"
    campagne.save()
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "L&#x27;établissement a fermé la saisie" in page
    assert client.post(url("famille_intentions", dossier), liste(STMG)).status_code == 302
    assert not Voeu.objects.filter(dossier=dossier).exists()
    # Opened by the school outside its dates (here before the planned opening).
    campagne.forcage = "ouvert"
    campagne.provisoire_debut = timezone.now() + datetime.timedelta(days=1)
    campagne.provisoire_fin = timezone.now() + datetime.timedelta(days=5)
    campagne.save()
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "rouvert" in page
    assert client.post(url("famille_intentions", dossier), liste(STMG)).status_code == 302
    assert codes(dossier) == ["STMG"]


def test_R1_apres_la_fermeture_la_page_dit_quand(client):
    dossier, (r1, _r2) = famille(CampagneFactory(definitive_ouverte=True))
    client.force_login(r1.user)
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "La saisie est close depuis le" in page


# --- R4–R6: the provisional avis and its acknowledgement ------------------------------------------


@pytest.fixture
def avis_publie(client):
    dossier, (r1, r2) = famille(CampagneFactory(definitive_ouverte=True), avis_publie=True)
    Avis.objects.create(voeu=dossier.voeux.get(), valeur="reserve", motif="Résultats fragiles")
    return dossier, r1, r2


def test_R4_la_famille_voit_l_avis_publie(client, avis_publie):
    dossier, r1, _r2 = avis_publie
    client.force_login(r1.user)
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "réservé" in page
    assert "Résultats fragiles" in page


def test_R4_l_avis_non_publie_reste_cache(client, fam):
    dossier, *_ = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    Avis.objects.create(voeu=dossier.voeux.get(), valeur="defavorable", motif="Secret")
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "Secret" not in page


def test_R6_les_demandes_restent_fermees_avant_l_accuse(client, avis_publie):
    dossier, r1, r2 = avis_publie
    client.force_login(r2.user)
    reponse = client.get(url("famille_demandes", dossier), follow=True)
    assert "Accusez d&#x27;abord réception" in reponse.content.decode()
    reponse = client.post(url("famille_demandes", dossier), liste(STMG), follow=True)
    assert not Voeu.objects.filter(dossier=dossier, phase=Phase.DEFINITIVE).exists()


def test_R5_R6_le_premier_venu_accuse_reception_puis_saisit(client, avis_publie):
    dossier, r1, r2 = avis_publie
    # R6: whoever logs in for the definitive phase acknowledges: here the other representative.
    client.force_login(r2.user)
    assert "ai pris connaissance" in client.get(url("famille_dossier", dossier)).content.decode()
    reponse = client.post(url("famille_accuse", dossier), follow=True)
    assert "Réception accusée le" in reponse.content.decode()
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_ACCUSE
    assert dossier.avis_accuse_par == r2.user
    # Twice: nothing changes, a clear message.
    client.post(url("famille_accuse", dossier))
    # The definitive form starts from the intentions.
    page = client.get(url("famille_demandes", dossier)).content.decode()
    assert 'value="STMG" selected' in page
    trois = ("generale", "", ("MATHS", "PC", "SI"), "")
    assert client.post(url("famille_demandes", dossier), liste(trois, STMG)).status_code == 302
    assert codes(dossier, Phase.DEFINITIVE) == ["GENERALE", "STMG"]
    dossier.refresh_from_db()
    assert dossier.titulaire_demandes == r2  # R7 per phase


def test_R9_phase_definitive_exactement_trois_libres(client, avis_publie):
    dossier, r1, _r2 = avis_publie
    client.force_login(r1.user)
    client.post(url("famille_accuse", dossier))
    quatre = ("generale", "", ("MATHS", "PC", "SVT", "SES"), "")
    reponse = client.post(url("famille_demandes", dossier), liste(quatre))
    assert reponse.status_code == 400
    assert "exactement 3" in reponse.content.decode()


def test_R5_l_eleve_ne_peut_pas_accuser_reception(client, avis_publie):
    dossier, *_ = avis_publie
    dossier.eleve.user = UserFactory()
    dossier.eleve.save()
    client.force_login(dossier.eleve.user)
    assert client.post(url("famille_accuse", dossier)).status_code == 403
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_PUBLIE


# --- R15: the summary at the end of the session -------------------------------------------------


def recapitulatifs(dossier):
    return Notification.objects.filter(dossier=dossier, evenement="recapitulatif")


def test_R15_recapitulatif_aux_deux_representants_a_la_deconnexion(client, fam):
    dossier, r1, r2 = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    client.post(url("famille_intentions", dossier), liste(STI2D))
    assert not recapitulatifs(dossier).exists()
    client.post(reverse("accounts:logout"))
    assert sorted(n.destinataire_email for n in recapitulatifs(dossier)) == sorted(
        [r1.user.email, r2.user.email]
    )


def test_R15_pas_de_recapitulatif_sans_modification(client, fam):
    dossier, *_ = fam
    client.get(url("famille_dossier", dossier))
    client.post(reverse("accounts:logout"))
    assert not recapitulatifs(dossier).exists()


def test_R15_recapitulatif_a_l_expiration_de_la_session(client, fam, settings):
    dossier, r1, r2 = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    session = client.session
    session["_derniere_activite"] -= settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    # The family comes back after the idle timeout: the middleware logs out, the summary leaves.
    client.get(url("famille_dossier", dossier))
    assert recapitulatifs(dossier).count() == 2


def test_R15_recapitulatif_d_une_session_abandonnee(client, fam, settings):
    dossier, *_ = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    assert recapituler_sessions_terminees() == 0  # still active
    session = client.session
    session["_derniere_activite"] -= settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert recapituler_sessions_terminees() == 1
    assert recapituler_sessions_terminees() == 0  # once per session
    assert recapitulatifs(dossier).count() == 2


def test_R15_la_tache_periodique_recapitule_et_se_replanifie(client, fam, settings):
    from django_tasks_db.models import DBTaskResult

    from orientation.dialogue.tasks import recapituler_sessions

    dossier, *_ = fam
    client.post(url("famille_intentions", dossier), liste(STMG))
    session = client.session
    session["_derniere_activite"] -= settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()
    assert recapituler_sessions.call() == 1  # what the worker runs every 5 minutes
    assert recapitulatifs(dossier).count() == 2
    (suivante,) = DBTaskResult.objects.filter(task_path=recapituler_sessions.module_path)
    assert suivante.status == "READY" and suivante.run_after > timezone.now()


# --- the dossier page ---


def test_page_dossier_montre_ce_qui_est_attendu_et_le_bouton_de_saisie(client, fam):
    dossier, *_ = fam
    campagne = dossier.campagne
    campagne.provisoire_fin = timezone.make_aware(datetime.datetime(2027, 2, 1, 23, 59))
    campagne.save()
    page = client.get(url("famille_dossier", dossier)).content.decode()
    assert "Saisir les choix" in page
    assert "La saisie est ouverte jusqu&#x27;au 1er\u00a0février 2027 à 23h59" in page


def test_page_dossier_nombre_de_requetes_borne(client, django_assert_max_num_queries):
    dossier, (r1, _r2) = famille(CampagneFactory(definitive_ouverte=True), voeux_valides=True)
    client.force_login(r1.user)
    with django_assert_max_num_queries(30):
        assert client.get(url("famille_dossier", dossier)).status_code == 200


def test_eleve_sans_dossier_visible_404(client):
    eleve = EleveFactory()
    user = UserFactory()
    client.force_login(user)
    assert not Dossier.objects.filter(eleve=eleve).exists()
    assert client.get(reverse("dialogue:famille_dossier", args=[999999])).status_code == 404


def test_noter_modification_ignore_un_double_envoi():
    session = {}

    class V:
        modifie = False
        dossier = None

    workflow.noter_modification(session, V())
    assert session == {}
