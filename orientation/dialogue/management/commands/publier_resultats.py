"""R4, R16: publish the results of the class councils held before today, in the campaigns that
publish automatically (the day after the council). Idempotent: run it from cron every hour, or
let the `publier_resultats` task (re)planned here run in the worker."""

from django.core.management.base import BaseCommand

from orientation.dialogue import tasks, workflow
from orientation.periodiques import replanifier


class Command(BaseCommand):
    help = (
        "Publie aux familles les résultats des conseils de classe tenus avant aujourd'hui "
        "(campagnes à publication automatique) et replanifie la tâche horaire."
    )

    def handle(self, *args, **options):
        nombre = workflow.publier_conseils_echus()
        replanifier(tasks.publier_resultats)
        self.stdout.write(f"{nombre} fiche(s) publiée(s).")
