from django.apps import AppConfig
from django.db import DatabaseError, transaction
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


def _semer_balayage(sender, using="default", **kwargs):
    # `migrate` runs at every deployment: it plants the first periodic sweep, which then
    # reschedules itself, so the db_worker alone keeps the sweep going (docs/deploiement.md).
    from .tasks import planifier_balayage

    try:
        with transaction.atomic(using=using):
            planifier_balayage()
    except DatabaseError:
        pass  # a partial migrate: the task table is not there yet


class NotificationsConfig(AppConfig):
    name = "orientation.notifications"
    label = "notifications"
    verbose_name = "Courriels"

    def ready(self):
        # Each domain app declares its events in its own `courriels` module (ARCHITECTURE.md
        # rule 6); notifications imports none of them by name.
        autodiscover_modules("courriels")
        post_migrate.connect(_semer_balayage, sender=self)
