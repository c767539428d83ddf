"""RGPD retention (docs/securite.md): removes the dossiers of campaigns finished for longer than
RETENTION_CAMPAGNE_JOURS (voeux, avis, responses, decisions, their e-mails and events go with them)
and audit events older than RETENTION_EVENEMENTS_JOURS. --dry-run counts and writes nothing."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from orientation.campagnes.models import Campagne
from orientation.dialogue.models import Dossier, Evenement


class Command(BaseCommand):
    help = "Purge les campagnes terminées au-delà de leur durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans supprimer.")

    def handle(self, *args, dry_run=False, **options):
        maintenant = timezone.now()
        limite_campagne = maintenant - datetime.timedelta(days=settings.RETENTION_CAMPAGNE_JOURS)
        limite_evenement = maintenant - datetime.timedelta(days=settings.RETENTION_EVENEMENTS_JOURS)
        campagnes = Campagne.objects.filter(reponse_limite__lt=limite_campagne)
        dossiers = Dossier.objects.filter(campagne__in=campagnes)
        evenements = Evenement.objects.filter(quand__lt=limite_evenement)
        n_dossiers, n_evenements = dossiers.count(), evenements.count()
        if not dry_run:
            with transaction.atomic():
                evenements.delete()
                dossiers.delete()
        verbe = "seraient supprimés" if dry_run else "supprimés"
        self.stdout.write(
            f"{n_dossiers} dossier(s) de {campagnes.count()} campagne(s) et "
            f"{n_evenements} événement(s) {verbe}."
        )
