"""manage.py import_siecle --uai UAI [--dry-run] FILE [FILE...]

Prints what would change; applies it unless --dry-run. The school is created at its first import.
"""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from orientation.etablissements.models import Etablissement
from orientation.etablissements.siecle import annee_scolaire_courante
from orientation.etablissements.siecle.apply import appliquer
from orientation.etablissements.siecle.diff import calculer
from orientation.etablissements.siecle.parse import SiecleError, lire


class Command(BaseCommand):
    help = "Importe les exports SIECLE (XML ou ZIP) d'un établissement."

    def add_arguments(self, parser):
        parser.add_argument("--uai", required=True, help="UAI de l'établissement, ex. 0999001A")
        parser.add_argument(
            "--dry-run", action="store_true", help="afficher les changements sans rien écrire"
        )
        parser.add_argument("fichiers", nargs="+", help="fichiers XML ou ZIP exportés de SIECLE")

    def handle(self, *args, uai, dry_run, fichiers, **options):
        uai = uai.strip().upper()
        try:
            donnees = lire(fichiers, uai=uai, annee=annee_scolaire_courante())
            if dry_run:
                diff = calculer(donnees, Etablissement.objects.filter(uai=uai).first())
            else:
                diff = appliquer(
                    donnees, creer_etablissement=True, fichiers=[Path(f).name for f in fichiers]
                )
        except SiecleError as exc:
            raise CommandError(str(exc)) from exc
        # Verbosity 0 (the demo) prints the summary only, not the line-by-line changes.
        self.stdout.write(diff.texte(detail=options["verbosity"] >= 1))
        if dry_run:
            self.stdout.write(self.style.WARNING("Simulation (--dry-run) : rien n'a été écrit."))
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
