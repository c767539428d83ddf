from django.core.management.base import BaseCommand

from orientation.notifications.tasks import balayer_notifications, relancer
from orientation.periodiques import replanifier


class Command(BaseCommand):
    help = (
        "Relance les courriels restés en attente sans tâche vivante (tâche perdue, worker arrêté "
        "pendant l'envoi) et replanifie le balayage périodique. À lancer par cron en filet de "
        "sécurité, toutes les 5 minutes par exemple."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limite", type=int, default=5000, help="nombre maximal de courriels relancés"
        )

    def handle(self, *args, limite, **options):
        nombre = relancer(limite=limite)
        replanifier(balayer_notifications)
        self.stdout.write(f"{nombre} courriel(s) relancé(s).")
