"""The outbox: rows written with the change, one per recipient, bodies rendered at creation."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from orientation.dialogue import courriels
from orientation.dialogue.courriels import (
    Confirmation,
    DecisionApresEntretien,
    DecisionPrise,
    EntretienRequis,
    Rappel,
    Recapitulatif,
    ResultatsDisponibles,
    destinataire_responsable,
    est_majeur,
)
from orientation.notifications import outbox
from orientation.notifications.models import Notification
from orientation.notifications.outbox import REGISTRE, Destinataire, Envoi, envoyer
from orientation.notifications.tasks import envoyer_notification
from tests.factories import famille

pytestmark = pytest.mark.django_db

EVENEMENTS_DOSSIER = [
    (Recapitulatif, {"phase": "definitive", "voeux": ["1re générale", "1re technologique STMG"]}),
    (ResultatsDisponibles, {"phase": "provisoire"}),
    (ResultatsDisponibles, {"phase": "definitive"}),
    (DecisionPrise, {}),
    (EntretienRequis, {}),
    (DecisionApresEntretien, {"date_limite_recours": datetime.date(2026, 6, 19)}),
    (Rappel, {"phase": "definitive", "date_fermeture": None}),
]


def test_les_evenements_du_dialogue_sont_enregistres_au_demarrage():
    # NotificationsConfig.ready() loads every app's courriels module (autodiscover).
    for code in [
        "confirmation",
        "recapitulatif",
        "resultats_disponibles",
        "decision",
        "entretien_requis",
        "decision_apres_entretien",
        "rappel",
    ]:
        assert code in REGISTRE


def test_R21_une_ligne_par_representant_legal_avec_corps_rendus():
    dossier, (mere, pere) = famille()
    rows = DecisionPrise.envoyer(dossier=dossier)
    assert sorted(r.destinataire_email for r in rows) == sorted([mere.email, pere.email])
    row = Notification.objects.get(destinataire_email=mere.email)
    assert row.dossier == dossier
    assert row.destinataire == mere.user
    assert row.evenement == "decision"
    assert row.statut == Notification.Statut.EN_ATTENTE
    assert dossier.eleve.prenom in row.sujet
    assert dossier.eleve.prenom in row.corps_texte
    assert '<html lang="fr">' in row.corps_html
    assert row.message_id.startswith("<") and row.message_id.endswith(">")
    assert row.tache_id  # its delivery task is enqueued
    assert row.prochain_essai is not None


def test_seuls_les_representants_legaux_niveau_1_recoivent():
    from tests.factories import LienFactory

    dossier, (mere,) = famille(representants=1)
    LienFactory(eleve=dossier.eleve, niveau=2, code_parente="38")  # personne en charge
    rows = EntretienRequis.envoyer(dossier=dossier)
    assert [r.destinataire_email for r in rows] == [mere.email]


def test_eleve_majeur_seul_destinataire():
    dossier, _resp = famille()
    eleve = dossier.eleve
    eleve.date_naissance = datetime.date.today().replace(year=datetime.date.today().year - 19)
    eleve.email = "eleve.majeur@exemple.fr"
    eleve.save()
    rows = DecisionPrise.envoyer(dossier=dossier)
    assert [r.destinataire_email for r in rows] == ["eleve.majeur@exemple.fr"]


def test_majorite_au_jour_anniversaire_et_29_fevrier():
    class E:
        date_naissance = datetime.date(2008, 5, 17)

    assert not est_majeur(E, datetime.date(2026, 5, 16))
    assert est_majeur(E, datetime.date(2026, 5, 17))
    E.date_naissance = datetime.date(2008, 2, 29)
    assert not est_majeur(E, datetime.date(2026, 2, 28))
    assert est_majeur(E, datetime.date(2026, 3, 1))
    E.date_naissance = None
    assert not est_majeur(E, datetime.date(2026, 3, 1))


def test_representant_sans_adresse_valide_pas_de_courriel_mais_visible(
    django_capture_on_commit_callbacks,
):
    dossier, (mere, pere) = famille()
    mere.email = ""
    mere.save()
    mere.user.email = ""
    mere.user.save()
    pere.user.email = "pas-une-adresse"
    pere.user.save()
    rows = DecisionPrise.envoyer(dossier=dossier)
    assert {r.statut for r in rows} == {Notification.Statut.SANS_ADRESSE}
    assert all(not r.tache_id and not r.message_id for r in rows)


def test_R13_adresse_du_profil_prioritaire_sur_siecle():
    dossier, (mere, _pere) = famille()
    mere.user.email = "nouvelle@exemple.fr"
    mere.user.save()
    assert destinataire_responsable(mere).email == "nouvelle@exemple.fr"


def test_R13_confirmation_au_seul_representant_qui_a_valide():
    dossier, (mere, _pere) = famille()
    rows = Confirmation.envoyer(
        dossier=dossier,
        destinataires=[destinataire_responsable(mere)],
        contexte={
            "phase": "definitive",
            "voeux": ["1re générale", "Accès à la voie professionnelle"],
        },
    )
    assert [r.destinataire_email for r in rows] == [mere.email]
    assert "1. 1re générale\n2. Accès à la voie professionnelle" in rows[0].corps_texte
    with pytest.raises(NotImplementedError):
        Confirmation.envoyer(dossier=dossier)


def test_R15_recapitulatif_une_fois_par_session():
    dossier, _resp = famille()
    cle = f"recapitulatif:{dossier.pk}:session-abc"
    assert len(Recapitulatif.envoyer(dossier=dossier, cle_unicite=cle)) == 2
    assert Recapitulatif.envoyer(dossier=dossier, cle_unicite=cle) == []
    assert Notification.objects.count() == 2
    assert len(Recapitulatif.envoyer(dossier=dossier, cle_unicite=cle + "-2")) == 2


def test_un_lot_ecrit_chaque_evenement_une_fois_meme_ecrit_entre_temps(monkeypatch, taches_en_base):
    """A batch whose insert the unique constraint refuses reads the keys taken and inserts the
    others; should another transaction write one of them after that read (two heads reminding
    the same family at the same moment), each row is tried alone: the others are still written,
    the one already there is not written twice, and the caller learns which were written."""
    (a, _ra), (b, _rb), (c, _rc) = famille(), famille(), famille()
    Rappel.envoyer(dossier=a, cle_unicite="rappel:a")  # before: the batch's insert is refused
    ecrite_entre_temps = Rappel.envoyer(dossier=b, cle_unicite="rappel:b")
    lues = []

    def sans_la_derniere(cles):
        lues.append(cles)
        return {"rappel:a:0", "rappel:a:1"}  # b's rows committed after this read

    monkeypatch.setattr(outbox, "_cles_prises", sans_la_derniere)
    ecrites = Rappel.envoyer_lot(
        [Envoi(dossier=d, cle_unicite=f"rappel:{nom}") for d, nom in ((a, "a"), (b, "b"), (c, "c"))]
    )
    assert [len(lignes) for lignes in ecrites] == [0, 0, 2]
    assert len(lues) == 1
    assert Notification.objects.filter(dossier=b).count() == len(ecrite_entre_temps) == 2
    assert Notification.objects.filter(dossier=c).count() == 2
    # Only the rows written have their delivery task.
    assert DBTaskResult.objects.filter(id__in=[r.tache_id for r in ecrites[2]]).count() == 2


def test_les_representants_d_un_lot_sont_ceux_de_chaque_dossier():
    deux, _r = famille()
    un, _r = famille(representants=1)
    majeur, _r = famille(representants=1)
    majeur.eleve.date_naissance = datetime.date(2000, 1, 1)
    majeur.eleve.save()
    dossiers = [deux, un, majeur]
    assert courriels.representants_des_dossiers(dossiers) == {
        d.pk: courriels.representants(d) for d in dossiers
    }
    assert [d.email for d in courriels.representants(majeur)] == [majeur.eleve.email]


def test_une_transaction_annulee_n_ecrit_aucun_courriel():
    dossier, _resp = famille()

    class Annule(Exception):
        pass

    with pytest.raises(Annule), transaction.atomic():
        DecisionPrise.envoyer(dossier=dossier)
        raise Annule
    assert not Notification.objects.exists()


@pytest.mark.parametrize("evenement,contexte", EVENEMENTS_DOSSIER)
def test_chaque_evenement_en_francais_texte_et_html_sans_donnees_superflues(evenement, contexte):
    dossier, _resp = famille()
    eleve = dossier.eleve
    # A surname no representative can share: the greeting names the representative in full.
    eleve.nom = "Zéphyrinet"
    eleve.save(update_fields=["nom"])
    (row, _autre) = evenement.envoyer(dossier=dossier, contexte=contexte)
    for corps in (row.sujet, row.corps_texte, row.corps_html):
        assert eleve.prenom in corps.replace("&#x27;", "'")
        assert eleve.ine not in corps
        assert eleve.nom not in corps  # the first name is enough
        assert "2009" not in corps  # no birth date
    html = row.corps_html
    assert '<html lang="fr">' in html
    assert f"<title>{row.sujet}" in html.replace("&#x27;", "'")
    # A real link text, not "cliquez ici", and the address in clear in the text version.
    assert "Se connecter au service" in html
    assert "http://" in row.corps_texte
    assert "<script" not in html


def test_decision_apres_entretien_donne_le_delai_de_recours_en_jours_ouvrables():
    dossier, _resp = famille()
    (row, _autre) = DecisionApresEntretien.envoyer(
        dossier=dossier, contexte={"date_limite_recours": datetime.date(2026, 6, 19)}
    )
    assert "3 jours ouvrables" in row.corps_texte
    assert "vendredi 19\u00a0juin 2026" in row.corps_texte
    assert "maintien" in row.corps_texte


def test_un_nom_hostile_est_echappe_dans_le_html():
    dossier, _resp = famille()
    dossier.eleve.prenom = "<b>Léa</b>"
    dossier.eleve.save()
    (row, _autre) = DecisionPrise.envoyer(dossier=dossier)
    assert "<b>Léa</b>" not in row.corps_html
    assert "&lt;b&gt;Léa&lt;/b&gt;" in row.corps_html
    assert "<b>Léa</b>" in row.corps_texte  # plain text is not HTML


def test_envoyer_sans_dossier_avec_destinataires_fournis():
    # The accounts app's events (activation, password reset) have no dossier.
    rows = envoyer(
        courriels.DecisionPrise,
        destinataires=[Destinataire(nom="Test", email="t@exemple.fr")],
        contexte={"prenom_eleve": "Léa", "etablissement": None},
    )
    assert rows[0].dossier is None


# --- Mass sending: rows and their tasks written by bulk inserts (docs/performance.md) -----------

CHAMPS_DE_TACHE = [
    "status",
    "args_kwargs",
    "priority",
    "task_path",
    "worker_ids",
    "queue_name",
    "backend_name",
    "run_after",
    "return_value",
    "exception_class_path",
    "traceback",
]


def _parents(n):
    return [Destinataire(nom=f"Parent {i}", email=f"parent{i}@exemple.fr") for i in range(n)]


def test_les_taches_ecrites_en_masse_sont_celles_de_la_bibliotheque(taches_en_base):
    # The bulk insert writes, field for field, what django-tasks-db's own enqueue() writes: a
    # library upgrade that changes its rows breaks this test, not the delivery.
    rows = envoyer(
        Rappel, contexte={"prenom_eleve": "Léa", "phase": "definitive"}, destinataires=_parents(3)
    )
    reference = DBTaskResult.objects.get(pk=envoyer_notification.enqueue(rows[0].pk).id)
    ecrites = DBTaskResult.objects.filter(pk__in=[r.tache_id for r in rows])
    assert ecrites.count() == 3
    for tache, row in zip(ecrites.order_by("args_kwargs"), sorted(rows, key=lambda r: str(r.pk))):
        assert tache.args_kwargs == {"args": [row.pk], "kwargs": {}}
        for champ in CHAMPS_DE_TACHE:
            if champ != "args_kwargs":
                assert getattr(tache, champ) == getattr(reference, champ), champ
    # The id stored on each row is its task's: the sweep tells a waiting row from a lost one.
    assert {str(t.pk) for t in ecrites} == {r.tache_id for r in Notification.objects.all()}


@pytest.mark.parametrize("taches", ["base", "autre"])
def test_un_envoi_de_masse_coute_le_meme_nombre_de_requetes_pour_3_ou_300(taches, settings):
    if taches == "base":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    contexte = {"prenom_eleve": "Léa", "phase": "definitive"}
    comptes = []
    for n in (3, 300):
        with CaptureQueriesContext(connection) as requetes, transaction.atomic():
            rows = envoyer(Rappel, contexte=contexte, destinataires=_parents(n))
        assert len(rows) == n and all(r.pk and r.tache_id for r in rows)
        comptes.append(len(requetes))
    if taches == "base":
        assert comptes[0] == comptes[1] <= 4  # the rows' insert, the tasks' insert
    else:
        assert comptes[1] > comptes[0]  # another backend: one enqueue per row, as before
    assert Notification.objects.filter(statut="en_attente").count() == 303
