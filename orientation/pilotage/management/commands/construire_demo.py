"""Build the demo's fictitious lycée through the real SIECLE importer, open a campaign, create the
staff and print one account per role. Used by `make demo` (orientation/demo.py) on a fresh database.
"""

import datetime
from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils import timezone

from orientation.accounts.models import Role, User
from orientation.campagnes.models import Campagne, ConseilDivision, Phase, Specialite
from orientation.etablissements.models import Division, Eleve, Etablissement, Lien, Personnel
from orientation.etablissements.siecle import fabrique

UAI = "0999001A"
MOT_DE_PASSE = "Demo-Orientation-2026"
OFFRE = ["MATHS", "PC", "SVT", "SES", "HGGSP", "HLP", "LLCER", "NSI", "ARTS_PLASTIQUES"]


def _minuit(jours: int) -> datetime.datetime:
    jour = timezone.localdate() + datetime.timedelta(days=jours)
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time()))


class Command(BaseCommand):
    help = "Construit le lycée fictif de la démonstration (à lancer sur une base neuve)."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", required=True, help="où écrire les fichiers SIECLE")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, dossier, port, **options):
        if Etablissement.objects.filter(uai=UAI).exists():
            raise CommandError(
                "La démonstration existe déjà : relancez « make demo » (base neuve)."
            )
        annee = timezone.localdate().year - (timezone.localdate().month < 8)
        siecle_dir = Path(dossier) / "siecle"
        siecle_dir.mkdir(parents=True, exist_ok=True)
        description = fabrique.lycee_fictif(UAI, annee, seed=2026)
        fichiers = fabrique.ecrire(description, siecle_dir, zip=True)
        self.stdout.write(f"  fichiers SIECLE écrits dans {siecle_dir}")
        # The campaign exists before the import, so the import creates the fiches dialogue.
        etab = Etablissement.objects.create(
            uai=UAI,
            nom="Lycée Marie Curie",
            commune="Villeneuve-sur-Loire",
            email_contact="secretariat.0999001a@ac-exemple.fr",
            telephone="01 23 45 67 89",
        )
        campagne = Campagne.objects.create(
            etablissement=etab,
            annee=annee,
            provisoire_debut=_minuit(-3),
            provisoire_fin=_minuit(8),
            definitive_debut=_minuit(60),
            definitive_fin=_minuit(70),
            reponse_limite=_minuit(85),
        )
        campagne.specialites_offertes.set(Specialite.objects.filter(code__in=OFFRE))
        call_command("import_siecle", "--uai", UAI, *[str(f) for f in fichiers], stdout=self.stdout)

        with transaction.atomic():
            comptes = self._comptes(etab, campagne)
        self._afficher(comptes, port)

    def _activer(self, user: User) -> User:
        user.set_password(MOT_DE_PASSE)
        user.activated_at = timezone.now()
        user.save()
        return user

    def _personnel(self, etab, role, prenom, nom, identifiant, divisions=()):
        user = User.objects.create(
            username=identifiant,
            first_name=prenom,
            last_name=nom,
            email=f"{identifiant}@ac-exemple.fr",
        )
        self._activer(user)
        poste = Personnel.objects.create(user=user, etablissement=etab, role=role)
        poste.divisions.set(divisions)
        return user

    def _comptes(self, etab, campagne):
        divisions = list(Division.objects.filter(etablissement=etab, est_seconde_gt=True))
        for i, division in enumerate(divisions):
            for phase, decalage in ((Phase.PROVISOIRE, 12), (Phase.DEFINITIVE, 75)):
                ConseilDivision.objects.create(
                    campagne=campagne,
                    division=division,
                    phase=phase,
                    date_conseil=(_minuit(decalage + i % 4)).date(),
                )
        comptes = []
        comptes.append(
            (
                "Chef d'établissement",
                self._personnel(etab, Role.CHEF_ETABLISSEMENT, "Claire", "Fontaine", "direction"),
            )
        )
        comptes.append(
            (
                "Secrétariat",
                self._personnel(etab, Role.SECRETARIAT, "Bruno", "Lefèvre", "secretariat"),
            )
        )
        comptes.append(
            (
                "Professeur principal (" + ", ".join(d.code for d in divisions[:2]) + ")",
                self._personnel(
                    etab, Role.PROFESSEUR_PRINCIPAL, "Nadia", "Benali", "professeur", divisions[:2]
                ),
            )
        )

        eleves = Eleve.objects.filter(
            etablissement=etab, division__est_seconde_gt=True, date_sortie__isnull=True
        ).prefetch_related("liens__responsable__user")
        deux, un = None, None
        for eleve in eleves:
            legaux = [
                lien.responsable for lien in eleve.liens.all() if lien.niveau == Lien.Niveau.LEGAL
            ]
            if deux is None and len(legaux) == 2 and all(r.email and r.user for r in legaux):
                deux = (eleve, legaux)
            elif un is None and len(legaux) == 1 and legaux[0].user:
                un = (eleve, legaux)
            if deux and un:
                break
        if not (deux and un):
            raise CommandError("Le lycée fictif n'a pas les familles attendues.")
        eleve, (r1, r2) = deux
        eleve1, (seul,) = un
        comptes += [
            (f"Famille à deux représentants, 1er (enfant : {eleve.nom_complet})", r1.user),
            (f"Famille à deux représentants, 2d (enfant : {eleve.nom_complet})", r2.user),
            (f"Famille à un seul représentant (enfant : {eleve1.nom_complet})", seul.user),
        ]
        if eleve.user:
            comptes.append((f"Élève ({eleve.nom_complet})", eleve.user))
        for _, user in comptes:
            if not user.has_usable_password():
                self._activer(user)
        return comptes

    def _afficher(self, comptes, port):
        url = f"http://localhost:{port}/"
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration — mot de passe commun : {MOT_DE_PASSE}")
        largeur = max(len(role) for role, _ in comptes)
        for role, user in comptes:
            self.stdout.write(f"  {role.ljust(largeur)}  identifiant : {user.username}")
        self.stdout.write(f"Connexion : {url}compte/connexion/")
