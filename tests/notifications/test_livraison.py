"""Delivery against a real SMTP server on loopback (aiosmtpd), with tasks in the database and the
real `db_worker` (ARCHITECTURE.md rule 6)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orientation.dialogue.courriels import DecisionPrise, EntretienRequis
from orientation.notifications import tasks
from orientation.notifications.models import Notification
from orientation.periodiques import replanifier
from tests.factories import famille

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("taches_en_base"),
]

ENVOI = tasks.envoyer_notification.module_path


def worker():
    # --max-tasks: a task that keeps planning itself as due would otherwise keep the batch
    # running for ever; here it ends it, and the test's assertions say what is missing.
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--max-tasks",
        "1000",
        verbosity=0,
    )


def taches_envoi(**filtres):
    return DBTaskResult.objects.filter(task_path=ENVOI, **filtres)


def rendre_pretes():
    # Time travel for the queue: every deferred task becomes due now.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_le_courriel_arrive_avec_les_bons_destinataires_et_contenu(serveur_smtp):
    dossier, (mere, pere) = famille()
    with transaction.atomic():
        DecisionPrise.envoyer(dossier=dossier)
    assert serveur_smtp.messages == []  # nothing is sent by the request itself
    worker()
    recus = sorted(serveur_smtp.messages, key=lambda m: m.destinataires)
    assert [m.destinataires for m in recus] == sorted([[mere.email], [pere.email]])
    for recu in recus:
        row = Notification.objects.get(destinataire_email=recu.destinataires[0])
        assert recu.sujet == row.sujet
        assert recu.message["Message-ID"] == row.message_id
        assert "ne-pas-repondre@orientation.example" in recu.expediteur
        assert dossier.eleve.prenom in recu.corps("text/plain")
        assert '<html lang="fr">' in recu.corps("text/html")
        assert row.statut == Notification.Statut.ENVOYE
        assert row.envoye_le is not None
        assert row.tentatives == 1
    assert taches_envoi(status="SUCCESSFUL").count() == 2


def test_une_modification_annulee_n_envoie_rien(serveur_smtp):
    dossier, _resp = famille()

    class Annule(Exception):
        pass

    with pytest.raises(Annule), transaction.atomic():
        DecisionPrise.envoyer(dossier=dossier)
        raise Annule
    assert not Notification.objects.exists()
    assert not taches_envoi().exists()  # the task row rolled back with the change
    worker()
    assert serveur_smtp.messages == []


def test_serveur_smtp_arrete_puis_revenu_rien_n_est_perdu(serveur_smtp):
    dossier, (mere,) = famille(representants=1)
    serveur_smtp.arreter()
    EntretienRequis.envoyer(dossier=dossier)
    worker()
    row = Notification.objects.get()
    assert row.statut == Notification.Statut.EN_ATTENTE
    assert row.tentatives == 1
    assert "Connection" in row.derniere_erreur or "refused" in row.derniere_erreur.lower()
    # Retry = a new task, deferred by the backoff (django.tasks has no retries of its own).
    assert row.prochain_essai > timezone.now() + timedelta(seconds=20)
    retry = taches_envoi(status="READY").get()
    assert retry.run_after == row.prochain_essai
    assert str(retry.id) == row.tache_id
    worker()  # not due yet: nothing happens
    assert Notification.objects.get().tentatives == 1

    serveur_smtp.demarrer()
    rendre_pretes()
    worker()
    row.refresh_from_db()
    assert row.statut == Notification.Statut.ENVOYE
    assert row.tentatives == 2
    assert [m.destinataires for m in serveur_smtp.messages] == [[mere.email]]
    worker()
    assert len(serveur_smtp.messages) == 1


def test_la_meme_tache_executee_deux_fois_un_seul_courriel(serveur_smtp):
    dossier, _resp = famille(representants=1)
    (row,) = DecisionPrise.envoyer(dossier=dossier)
    assert tasks.envoyer_notification.call(row.pk) == "envoyee"
    assert tasks.envoyer_notification.call(row.pk) == "ignoree"
    # Two tasks in the queue for the same row (a sweep and a late original): one e-mail.
    tasks.planifier_envoi(row.pk)
    worker()
    assert len(serveur_smtp.messages) == 1


def test_une_reservation_vivante_empeche_un_second_envoi(serveur_smtp):
    dossier, _resp = famille(representants=1)
    (row,) = DecisionPrise.envoyer(dossier=dossier)
    assert tasks.reserver(row.pk) is not None  # another worker is sending it right now
    assert tasks.livrer(row.pk) == "ignoree"
    assert serveur_smtp.messages == []


def test_le_balayage_reprend_une_ligne_dont_la_tache_a_disparu(serveur_smtp, settings):
    dossier, _resp = famille(representants=1)
    (row,) = DecisionPrise.envoyer(dossier=dossier)
    taches_envoi().delete()  # the task vanished (lost queue, manual cleanup…)
    worker()
    assert serveur_smtp.messages == []
    assert tasks.relancer() == 0  # too early: it may simply be on its way
    plus_tard = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
    assert tasks.relancer(maintenant=plus_tard) == 1
    worker()
    row.refresh_from_db()
    assert row.statut == Notification.Statut.ENVOYE
    assert len(serveur_smtp.messages) == 1


def test_le_balayage_laisse_une_tache_qui_attend_dans_la_file(serveur_smtp, settings):
    dossier, _resp = famille(representants=1)
    DecisionPrise.envoyer(dossier=dossier)
    plus_tard = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
    # A long queue: the task is late but alive; re-enqueuing would only grow the queue.
    assert tasks.relancer(maintenant=plus_tard) == 0
    assert taches_envoi().count() == 1


def test_le_balayage_reprend_un_envoi_interrompu_par_un_worker_tue(serveur_smtp, settings):
    dossier, _resp = famille(representants=1)
    (row,) = DecisionPrise.envoyer(dossier=dossier)
    # A worker claimed the row and its task, then was killed hard: task RUNNING forever.
    tasks.reserver(row.pk)
    taches_envoi().update(status="RUNNING", started_at=timezone.now())
    worker()
    assert serveur_smtp.messages == []
    plus_tard = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
    assert tasks.relancer(maintenant=plus_tard) == 1
    row.refresh_from_db()
    assert row.statut == Notification.Statut.EN_ATTENTE
    assert "interrompu" in row.derniere_erreur
    worker()
    row.refresh_from_db()
    assert row.statut == Notification.Statut.ENVOYE
    assert len(serveur_smtp.messages) == 1
    assert serveur_smtp.messages[0].message["Message-ID"] == row.message_id


def test_refus_definitif_du_destinataire_marque_en_echec(serveur_smtp):
    dossier, (mere, pere) = famille()
    serveur_smtp.boite.refuser.add(mere.email)
    DecisionPrise.envoyer(dossier=dossier)
    worker()
    echec = Notification.objects.get(destinataire_email=mere.email)
    assert echec.statut == Notification.Statut.ECHEC
    assert echec.tentatives == 1
    assert "550" in echec.derniere_erreur
    assert not taches_envoi(status="READY").exists()  # no retry of a permanent failure
    assert Notification.objects.get(destinataire_email=pere.email).statut == "envoye"


def test_trop_de_tentatives_marque_en_echec(serveur_smtp, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    dossier, _resp = famille(representants=1)
    serveur_smtp.arreter()
    DecisionPrise.envoyer(dossier=dossier)
    worker()
    rendre_pretes()
    worker()
    row = Notification.objects.get()
    assert row.statut == Notification.Statut.ECHEC
    assert row.tentatives == 2
    assert not taches_envoi(status="READY").exists()


def test_reessayer_relance_une_ligne_en_echec(serveur_smtp):
    dossier, (mere,) = famille(representants=1)
    serveur_smtp.boite.refuser.add(mere.email)
    (row,) = DecisionPrise.envoyer(dossier=dossier)
    worker()
    serveur_smtp.boite.refuser.clear()
    row.refresh_from_db()
    assert tasks.reessayer(row) is True
    worker()
    row.refresh_from_db()
    assert row.statut == Notification.Statut.ENVOYE
    assert tasks.reessayer(row) is False  # nothing to retry once sent
    assert len(serveur_smtp.messages) == 1


def test_le_balayage_periodique_se_replanifie_et_reste_unique():
    DBTaskResult.objects.all().delete()
    chemin = tasks.balayer_notifications.module_path
    assert replanifier(tasks.balayer_notifications) is not None
    assert replanifier(tasks.balayer_notifications) is None  # already planned: no second chain
    assert DBTaskResult.objects.filter(task_path=chemin).count() == 1
    rendre_pretes()
    worker()
    # It ran, and planned the next one itself: the db_worker alone keeps it going.
    assert DBTaskResult.objects.filter(task_path=chemin, status="SUCCESSFUL").count() == 1
    suivante = DBTaskResult.objects.get(task_path=chemin, status="READY")
    assert suivante.run_after > timezone.now()


def test_commande_relancer_notifications(serveur_smtp, settings):
    settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS = 0
    # The periodic chains planted by migrate come due five minutes after the test database was
    # built: on a long run the sweep would then run and replan itself due at once (interval 0),
    # again and again. This test is about the command: the chains stay, an hour away.
    DBTaskResult.objects.exclude(task_path=ENVOI).update(
        run_after=timezone.now() + timedelta(hours=1)
    )
    dossier, _resp = famille(representants=1)
    DecisionPrise.envoyer(dossier=dossier)
    taches_envoi().delete()
    from io import StringIO

    sortie = StringIO()
    call_command("relancer_notifications", stdout=sortie)
    assert "1 courriel(s) relancé(s)" in sortie.getvalue()
    worker()
    assert len(serveur_smtp.messages) == 1


def test_migrate_plante_chaque_tache_periodique_une_fois():
    from orientation.notifications.apps import _planter_taches_periodiques

    DBTaskResult.objects.all().delete()
    _planter_taches_periodiques(sender=None)
    _planter_taches_periodiques(sender=None)  # every deployment runs migrate: still one chain
    pretes = DBTaskResult.objects.filter(status="READY")
    assert sorted(pretes.values_list("task_path", flat=True)) == [
        "orientation.dialogue.tasks.publier_resultats",
        "orientation.dialogue.tasks.recapituler_sessions",
        "orientation.notifications.tasks.balayer_notifications",
        "orientation.pilotage.tasks.nettoyer_pdf_etablissement",
    ]


def test_un_envoi_de_masse_est_livre_par_le_worker(serveur_smtp):
    # Rows and tasks written by bulk inserts (outbox.envoyer) are delivered like any other.
    from orientation.dialogue.courriels import Rappel
    from orientation.notifications.outbox import Destinataire, envoyer

    with transaction.atomic():
        rows = envoyer(
            Rappel,
            contexte={"prenom_eleve": "Léa", "phase": "definitive"},
            destinataires=[
                Destinataire(nom=f"Parent {i}", email=f"parent{i}@exemple.fr") for i in range(5)
            ]
            + [Destinataire(nom="Sans adresse", email="")],
        )
    assert taches_envoi().count() == 5  # none for the row without an address
    worker()
    recus = sorted(d for m in serveur_smtp.messages for d in m.destinataires)
    assert recus == [f"parent{i}@exemple.fr" for i in range(5)]
    assert set(Notification.objects.values_list("statut", flat=True)) == {"envoye", "sans_adresse"}
    assert len(rows) == 6
