"""R15: send the summary for the sessions that ended without a logout (the browser was closed and
the family never came back). The worker does it every 5 minutes (the periodic task
`orientation.dialogue.tasks.recapituler_sessions`); this command is the same job for cron, with
another task backend than the database one (docs/parcours-famille.md)."""

from django.core.management.base import BaseCommand

from orientation.dialogue.tasks import recapituler_sessions, recapituler_sessions_terminees
from orientation.periodiques import replanifier


class Command(BaseCommand):
    help = "R15 : récapitulatif des choix pour les sessions terminées sans déconnexion."

    def handle(self, *args, **options):
        n = recapituler_sessions_terminees()
        replanifier(recapituler_sessions)
        self.stdout.write(f"{n} récapitulatif(s) envoyé(s).")
