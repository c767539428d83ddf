"""Delete the whole-school PDFs older than a week and end the builds that died with their worker
(pilotage/tasks.py). Idempotent: run it from cron every hour, or let the
`nettoyer_pdf_etablissement` task (re)planned here run in the worker."""

from django.core.management.base import BaseCommand

from orientation.periodiques import replanifier
from orientation.pilotage import tasks


class Command(BaseCommand):
    help = (
        "Supprime les PDF des fiches d'établissement de plus d'une semaine, clôt les "
        "préparations interrompues et replanifie la tâche horaire."
    )

    def handle(self, *args, **options):
        nombre = tasks.nettoyer()
        replanifier(tasks.nettoyer_pdf_etablissement)
        self.stdout.write(f"{nombre} demande(s) supprimée(s) ou close(s).")
