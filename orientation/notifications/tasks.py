"""Delivery of outbox rows by django.tasks (django-tasks-db backend)."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


def planifier_envoi(pk: int, delai: timedelta | None = None) -> None:
    """Enqueue delivery of one row. Called inside the caller's transaction: with the database
    backend the task row commits (or rolls back) with the change."""
    if delai:
        envoyer_notification.using(run_after=timezone.now() + delai).enqueue(pk)
    else:
        envoyer_notification.enqueue(pk)


@task()
def envoyer_notification(pk: int) -> str:
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.statut != Notification.Statut.EN_ATTENTE:
            return "ignoree"  # already sent or given up: a task that runs twice sends once
        if not row.message_id:
            row.message_id = make_msgid(domain="orientation.example")
            row.save(update_fields=["message_id"])
    message = EmailMultiAlternatives(
        subject=row.sujet,
        body=row.corps_texte,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.destinataire_email],
        headers={"Message-ID": row.message_id},
    )
    message.attach_alternative(row.corps_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("notification %s: envoi impossible (%s)", pk, type(exc).__name__)
        with transaction.atomic():
            row = Notification.objects.select_for_update().get(pk=pk)
            row.tentatives += 1
            row.derniere_erreur = f"{type(exc).__name__}: {exc}"[:2000]
            permanent = isinstance(exc, smtplib.SMTPRecipientsRefused) or (
                row.tentatives >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            )
            if permanent:
                row.statut = Notification.Statut.ECHEC
            else:
                delai = timedelta(
                    seconds=settings.NOTIFICATIONS_BACKOFF_SECONDS * 2 ** (row.tentatives - 1)
                )
                row.prochain_essai = timezone.now() + delai
                planifier_envoi(pk, delai)
            row.save()
        return "echec"
    Notification.objects.filter(pk=pk).update(
        statut=Notification.Statut.ENVOYE, envoye_le=timezone.now(), tentatives=F("tentatives") + 1
    )
    return "envoyee"
