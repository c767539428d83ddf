from django.apps import AppConfig
from django.db import DatabaseError, transaction
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


def _planter_taches_periodiques(sender, using="default", **kwargs):
    # `migrate` runs at every deployment: it plants the first run of each periodic job (the
    # e-mail sweep, the councils' publication, R15's summaries), which then reschedules itself,
    # so the db_worker alone keeps them going (orientation/periodiques.py, docs/deploiement.md).
    from orientation.periodiques import planter_tout

    try:
        with transaction.atomic(using=using):
            planter_tout()
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
        post_migrate.connect(_planter_taches_periodiques, sender=self)
