"""Delivery of outbox rows by django.tasks (django-tasks-db backend), and the sweep.

django.tasks has no automatic retries and a worker killed hard leaves its task RUNNING forever
(STACK-NOTES.md), so this module carries its own reliability (ARCHITECTURE.md rule 6):

- a task delivers ONE row; it first claims the row under a row lock (statut `en_cours`, a claim
  time `reserve_le`), so that two runs of the same task, or two tasks for the same row, never both
  send it;
- a temporary failure puts the row back to `en_attente` and enqueues a new task with `run_after`
  (exponential backoff); a permanent failure, or too many attempts, marks it `echec`, visible to
  the staff;
- the sweep (`relancer()`, run by the `relancer_notifications` command and by the self-rescheduling
  `balayer_notifications` task) re-enqueues rows whose task vanished and rows claimed by a worker
  that died.

The one remaining at-least-once window: a crash after the SMTP server accepted the message and
before the row is marked sent. The row is then sent again by the sweep, with the same Message-ID
(fixed when the row is written), which lets receiving systems drop the duplicate.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from orientation.periodiques import base_de_donnees, periodique, replanifier

from .models import Notification

log = logging.getLogger(__name__)

# The backoff doubles from NOTIFICATIONS_BACKOFF_SECONDS and stops growing at one hour.
BACKOFF_MAX_SECONDS = 3600


def _bail() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)


def planifier_envoi(pk: int, quand=None) -> str:
    """Enqueue delivery of one row and return the task's id. Called inside the caller's
    transaction: with the database backend the task row commits (or rolls back) with it."""
    tache = envoyer_notification if quand is None else envoyer_notification.using(run_after=quand)
    return str(tache.enqueue(pk).id)


def preparer_envois(rows: list[Notification]) -> None:
    """Before rows to deliver are written: with the database backend, give each the id of the
    task that `planifier_envois` will write for it, so that no row needs updating afterwards."""
    if base_de_donnees(envoyer_notification):
        for row in rows:
            row.tache_id = str(uuid.uuid4())  # DBTaskResult's own default for its key


def planifier_envois(rows: list[Notification]) -> None:
    """Enqueue the delivery of rows just written, inside the caller's transaction.

    With the database backend the task rows are written by one bulk insert, with the ids given
    by `preparer_envois` and the fields django-tasks-db's own `enqueue()` writes (the `pre_save`
    signal that turns "no run_after" into its far-future date does not fire on a bulk insert, so
    it is set here; tests/notifications/test_outbox.py compares both writings field by field).
    Any other backend enqueues them one by one and the ids are stored on the rows afterwards."""
    if not rows:
        return
    if not base_de_donnees(envoyer_notification):
        for row in rows:
            row.tache_id = planifier_envoi(row.pk)
            Notification.objects.filter(pk=row.pk).update(tache_id=row.tache_id)
        return
    from django_tasks_db.models import DBTaskResult, get_date_max

    tache = envoyer_notification
    backend = tache.get_backend()
    backend.validate_task(tache)
    DBTaskResult.objects.bulk_create(
        [
            DBTaskResult(
                id=uuid.UUID(row.tache_id),
                args_kwargs={"args": [row.pk], "kwargs": {}},
                priority=tache.priority,
                task_path=tache.module_path,
                queue_name=tache.queue_name,
                run_after=tache.run_after or get_date_max(),
                backend_name=backend.alias,
            )
            for row in rows
        ],
        batch_size=1000,
    )


@task()
def envoyer_notification(pk: int) -> str:
    return livrer(pk)


def reserver(pk: int) -> Notification | None:
    """Claim the row for this worker, or None when it is not ours to send."""
    maintenant = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            return None
        if row.statut == Notification.Statut.EN_COURS:
            if row.reserve_le and row.reserve_le > maintenant - _bail():
                return None  # another worker holds a live claim
            # The claim expired: that worker died (see the module's note on the remaining window).
        elif row.statut != Notification.Statut.EN_ATTENTE:
            return None  # already sent, given up or without address: a second run sends nothing
        row.statut = Notification.Statut.EN_COURS
        row.reserve_le = maintenant
        row.tentatives += 1
        row.save(update_fields=["statut", "reserve_le", "tentatives"])
    return row


def construire_message(row: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.sujet,
        body=row.corps_texte,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.destinataire_email],
        headers={"Message-ID": row.message_id} if row.message_id else {},
    )
    message.attach_alternative(row.corps_html, "text/html")
    return message


def est_permanent(exc: BaseException) -> bool:
    """A 5xx answer about this message or its recipient will not change by retrying. Connection
    problems, 4xx answers, authentication and sender errors (our configuration) are retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def livrer(pk: int) -> str:
    row = reserver(pk)
    if row is None:
        return "ignoree"
    try:
        construire_message(row).send(using="default")
    except Exception as exc:  # noqa: BLE001 — every failure is recorded on the row, none is lost
        return _echec(row, exc)
    Notification.objects.filter(pk=pk, statut=Notification.Statut.EN_COURS).update(
        statut=Notification.Statut.ENVOYE, envoye_le=timezone.now(), reserve_le=None
    )
    return "envoyee"


def _echec(row: Notification, exc: BaseException) -> str:
    permanent = est_permanent(exc)
    if isinstance(exc, smtplib.SMTPException | OSError):
        log.warning("notification %s : envoi impossible (%s)", row.pk, type(exc).__name__)
    else:
        log.exception("notification %s : erreur inattendue", row.pk)
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=row.pk)
        if row.statut != Notification.Statut.EN_COURS:
            return "ignoree"
        row.derniere_erreur = f"{type(exc).__name__}: {exc}"[:2000]
        row.reserve_le = None
        if permanent or row.tentatives >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            row.statut = Notification.Statut.ECHEC
            row.prochain_essai = None
            resultat = "echec"
        else:
            delai = min(
                settings.NOTIFICATIONS_BACKOFF_SECONDS * 2 ** (row.tentatives - 1),
                BACKOFF_MAX_SECONDS,
            )
            row.statut = Notification.Statut.EN_ATTENTE
            row.prochain_essai = timezone.now() + timedelta(seconds=delai)
            row.tache_id = planifier_envoi(row.pk, row.prochain_essai)
            resultat = "reessai"
        row.save(
            update_fields=[
                "statut",
                "derniere_erreur",
                "reserve_le",
                "prochain_essai",
                "tache_id",
            ]
        )
    return resultat


def reessayer(row: Notification) -> bool:
    """Staff action: give a failed row a new round of attempts."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=row.pk)
        if not row.peut_reessayer:
            return False
        row.statut = Notification.Statut.EN_ATTENTE
        row.tentatives = 0
        row.prochain_essai = timezone.now()
        row.tache_id = planifier_envoi(row.pk)
        row.save(update_fields=["statut", "tentatives", "prochain_essai", "tache_id"])
    return True


# --- The sweep -------------------------------------------------------------------------------


def taches_vivantes(ids: list[str], seuil) -> set[str]:
    """Among these task ids, those still waiting in the queue or running since after `seuil`.

    Only the database backend can tell; with another backend every task counts as lost, and a
    task run twice is harmless anyway (the claim)."""
    ids = [i for i in ids if i]
    if not ids or not base_de_donnees(envoyer_notification):
        return set()
    from django_tasks_db.models import DBTaskResult

    vivantes = DBTaskResult.objects.filter(id__in=ids).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=seuil)
    )
    return {str(pk) for pk in vivantes.values_list("id", flat=True)}


def relancer(maintenant=None, limite: int = 5000) -> int:
    """Re-enqueue the rows left behind; returns how many. Rows still pending long after their
    due time whose task is gone (lost, failed by a crash, never committed by a worker killed
    mid-task), and rows claimed by a worker whose claim expired."""
    maintenant = maintenant or timezone.now()
    seuil = maintenant - _bail()
    candidates = list(
        Notification.objects.filter(
            Q(statut=Notification.Statut.EN_ATTENTE)
            & (Q(prochain_essai__lt=seuil) | Q(prochain_essai__isnull=True))
            | Q(statut=Notification.Statut.EN_COURS, reserve_le__lt=seuil)
        )
        .order_by("prochain_essai", "pk")
        .values_list("pk", "statut", "tache_id")[:limite]
    )
    vivantes = taches_vivantes(
        [t for _pk, statut, t in candidates if statut == Notification.Statut.EN_ATTENTE], seuil
    )
    relancees = 0
    for pk, _statut, tache_id in candidates:
        if tache_id and tache_id in vivantes:
            continue  # merely waiting in a long queue
        with transaction.atomic():
            row = Notification.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            perdue = row.statut == Notification.Statut.EN_ATTENTE and (
                row.prochain_essai is None or row.prochain_essai < seuil
            )
            bloquee = (
                row.statut == Notification.Statut.EN_COURS
                and row.reserve_le is not None
                and row.reserve_le < seuil
            )
            if not (perdue or bloquee):
                continue  # changed since we looked
            if bloquee:
                row.derniere_erreur = "Envoi interrompu (worker arrêté) : relancé."
            row.statut = Notification.Statut.EN_ATTENTE
            row.reserve_le = None
            row.prochain_essai = maintenant
            row.tache_id = planifier_envoi(row.pk)
            row.save(
                update_fields=[
                    "statut",
                    "reserve_le",
                    "prochain_essai",
                    "tache_id",
                    "derniere_erreur",
                ]
            )
            relancees += 1
    if relancees:
        log.info("balayage des courriels : %s relancé(s)", relancees)
    return relancees


@periodique(lambda: _bail())
@task()
def balayer_notifications() -> int:
    # Plan the next sweep first, so that a crash during this one does not end the chain.
    replanifier(balayer_notifications)
    return relancer()
