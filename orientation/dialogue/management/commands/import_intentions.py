"""manage.py import_intentions --uai UAI --par IDENTIFIANT [--phase definitive] [--remplacer]
[--dry-run] FICHIER

Prints the diff; applies it unless --dry-run (docs/saisie-papier.md lists the columns).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from orientation.campagnes.models import Campagne, Phase
from orientation.dialogue import import_intentions as imp


class Command(BaseCommand):
    help = "Importe des intentions d'orientation recueillies hors du service (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True, help="UAI de l'établissement")
        parser.add_argument(
            "--par", required=True, help="identifiant du personnel qui importe (journal)"
        )
        parser.add_argument(
            "--phase", choices=[p.value for p in Phase], default=Phase.PROVISOIRE.value
        )
        parser.add_argument(
            "--remplacer",
            action="store_true",
            help="remplacer aussi les listes que la famille a validées en ligne",
        )
        parser.add_argument("--dry-run", action="store_true", help="afficher sans rien écrire")
        parser.add_argument("fichier", help="fichier CSV ou XLSX")

    def handle(self, *args, uai, par, phase, remplacer, dry_run, fichier, **options):
        campagne = (
            Campagne.objects.filter(etablissement__uai=uai.strip().upper())
            .order_by("-annee")
            .first()
        )
        if campagne is None:
            raise CommandError(f"Aucune campagne pour l'établissement {uai}.")
        user = get_user_model().objects.filter(username=par).first()
        if user is None:
            raise CommandError(f"Compte inconnu : {par}.")
        chemin = Path(fichier)
        try:
            lignes = imp.lire(chemin.read_bytes(), chemin.name)
            diff = imp.calculer(lignes, campagne, phase)
            self.stdout.write(imp.texte(diff))
            if dry_run:
                self.stdout.write(
                    self.style.WARNING("Simulation (--dry-run) : rien n'a été écrit.")
                )
                return
            resultat = imp.appliquer(
                diff, user, remplacer=remplacer, reference=f"import {chemin.name}"
            )
        except (OSError, imp.ImportIntentionsError) as exc:
            raise CommandError(str(exc)) from exc
        except imp.workflow.Interdit as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {resultat.appliquees} listes enregistrées, "
                f"{resultat.ignorees} lignes ignorées."
            )
        )
