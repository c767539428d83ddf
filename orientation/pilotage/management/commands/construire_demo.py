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
        call_command(
            "import_siecle",
            "--uai",
            UAI,
            *[str(f) for f in fichiers],
            stdout=self.stdout,
            verbosity=0,
        )

        with transaction.atomic():
            comptes = self._comptes(etab, campagne)
        self._demo_papier(etab, campagne, siecle_dir, [u for _, u in comptes])
        self._demo_decisions(etab, campagne, [u for _, u in comptes])
        self._demo_familles(etab, campagne, [u for _, u in comptes])
        self._demo_conseil(etab, campagne, [u for _, u in comptes])
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

    def _demo_papier(self, etab, campagne, siecle_dir, comptes):
        """The paper route (docs/saisie-papier.md): one fiche entered by the secrétariat, and a
        sample spreadsheet of intentions to import, written next to the SIECLE files."""
        import tablib

        from orientation.dialogue import workflow
        from orientation.dialogue.models import Dossier, Saisie
        from orientation.dialogue.regles import VoeuSaisi

        secretariat = Personnel.objects.get(etablissement=etab, role=Role.SECRETARIAT).user
        # Pupils other than the demo families', with a legal representative.
        dossiers = list(
            Dossier.objects.filter(
                campagne=campagne, saisies__isnull=True, eleve__liens__niveau=Lien.Niveau.LEGAL
            )
            .exclude(eleve__liens__responsable__user__in=comptes)
            .exclude(eleve__user__in=comptes)
            .select_related("eleve__division")
            .distinct()
            .order_by("-eleve__division__code", "eleve__nom")[:12]
        )
        dossier = dossiers[0]
        signataire = (
            dossier.eleve.liens.filter(niveau=Lien.Niveau.LEGAL).order_by("pk").first().responsable
        )
        workflow.valider_voeux(
            dossier,
            secretariat,
            Phase.PROVISOIRE,
            [
                VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SES")),
                VoeuSaisi("technologique", "STL"),
            ],
            canal=Saisie.Canal.ETABLISSEMENT,
            pour=signataire,
            date_papier=timezone.localdate() - datetime.timedelta(days=1),
            reference_scan="scan-fiche-papier-001.pdf",
        )
        self.stdout.write(
            f"  fiche papier saisie par le secrétariat : {dossier.eleve.nom_complet} "
            f"(/dossier/etablissement/{dossier.pk}/saisie-papier/)"
        )
        entetes = ["INE", "Nom", "Prénom", "Division", "Voie 1", "Spécialités 1", "Série 1"]
        entetes += ["Voie 2", "Série 2", "Option pro 2"]
        data = tablib.Dataset(headers=entetes)
        lignes = [
            ("1re générale", "Mathématiques, PC, SVT, SES", "", "Technologique", "STI2D", ""),
            ("Technologique", "", "STMG", "Pro", "", "CAP"),
            ("1re générale", "Mathématiques, Physique-chimie", "", "", "", ""),  # R9: refused
            ("Astronomie", "", "", "", "", ""),  # unknown voie: refused
            ("Technologique", "", "ST2S", "", "", ""),
        ]
        autres = [d for d in dossiers if d.pk != dossier.pk]
        for d, ligne in zip(autres, lignes, strict=False):
            e = d.eleve
            data.append([e.ine, e.nom, e.prenom, e.division.code, *ligne])
        data.append(["", "Inconnu", "Personne", "2DE9", "Technologique", "", "STL", "", "", ""])
        csv_path = Path(siecle_dir) / "intentions-exemple.csv"
        csv_path.write_text(data.export("csv", delimiter=";"), encoding="utf-8")
        (Path(siecle_dir) / "intentions-exemple.xlsx").write_bytes(data.export("xlsx"))
        self.stdout.write(f"  tableur d'intentions à importer : {csv_path} (et .xlsx)")

    def _familles_intactes(self, campagne, comptes, nombre, ordre):
        """`nombre` dossiers no one has touched yet, each with two legal representatives who have
        an account and an e-mail, and none of them among the accounts printed already."""
        from orientation.dialogue.models import Dossier, Etat

        dossiers = (
            Dossier.objects.filter(campagne=campagne, etat=Etat.INTENTIONS_OUVERTES)
            .filter(evenements__isnull=True, saisies__isnull=True)
            .exclude(eleve__liens__responsable__user__in=comptes)
            .select_related("eleve")
            .prefetch_related("eleve__liens__responsable__user")
            .order_by(*ordre)
        )
        familles = []
        for dossier in dossiers:
            legaux = [
                lien.responsable
                for lien in dossier.eleve.liens.all()
                if lien.niveau == Lien.Niveau.LEGAL
            ]
            if len(legaux) == 2 and all(r.user and r.email for r in legaux):
                familles.append((dossier, legaux))
            if len(familles) == nombre:
                return familles
        raise CommandError("Le lycée fictif n'a pas assez de familles à deux représentants.")

    def _demo_decisions(self, etab, campagne, comptes):
        """After the council (docs/decision.md): one family at each step, through the real
        transitions from `propositions_publiees` on. The earlier steps are set as fixtures (the
        campaign's windows are not where they would be)."""
        from orientation.campagnes.models import Voie
        from orientation.dialogue import workflow
        from orientation.dialogue.models import Dossier, Etat, Proposition, Saisie, Voeu

        familles = self._familles_intactes(campagne, comptes, 5, ordre=("-eleve__nom",))
        direction = comptes[0]
        voies = Voie.objects.in_bulk(["STMG", "STI2D", "GENERALE"], field_name="code")
        maintenant = timezone.now()
        for dossier, _ in familles:
            Dossier.objects.filter(pk=dossier.pk).update(
                etat=Etat.PROPOSITIONS_PUBLIEES, avis_accuse_le=maintenant
            )
            for rang, (code, reponse) in enumerate([("STMG", "oui"), ("STI2D", "non")], 1):
                voeu = Voeu.objects.create(
                    dossier=dossier, phase=Phase.DEFINITIVE, rang=rang, voie=voies[code]
                )
                Proposition.objects.create(
                    dossier=dossier, voeu=voeu, voie=voies[code], reponse=reponse
                )
            Proposition.objects.create(dossier=dossier, voie=voies["GENERALE"], reponse="oui")
            Saisie.objects.create(
                dossier=dossier,
                phase=Phase.DEFINITIVE,
                premiere_validation_le=maintenant,
                valide_le=maintenant,
            )

        def oui(dossier, code):
            return [Proposition.objects.get(dossier=dossier, voie__code=code).pk]

        (a, (a1, a2)), (b, (b1, b2)), (c, (c1, c2)), (d, (d1, d2)), (e, (e1, e2)) = familles
        workflow.repondre(b, b1.user, accepte=True, propositions=oui(b, "STMG"))
        workflow.repondre(c, c1.user, accepte=False)
        workflow.repondre(d, d1.user, accepte=True, propositions=oui(d, "STMG"))
        workflow.conclure_accord(d, d2.user, d_accord=True)
        workflow.repondre(e, e1.user, accepte=True, propositions=oui(e, "STMG"))
        workflow.conclure_accord(e, e2.user, d_accord=False)
        workflow.tenir_entretien(
            e,
            direction,
            tenu_le=maintenant - datetime.timedelta(hours=2),
            participants="Les deux représentants légaux, l'élève, la cheffe d'établissement",
            compte_rendu="Les parents restent en désaccord sur la série technologique.",
        )
        workflow.decider(
            e,
            direction,
            voies=["GENERALE"],
            motivation="Résultats solides en sciences ; le projet de l'élève le justifie.",
        )
        workflow.engager_recours(e, direction)

        for _, legaux in familles:
            for responsable in legaux:
                self._activer(responsable.user)
        self.stdout.write("Après le conseil de classe (réponse, accord, décision, recours) :")
        lignes = [
            ("propositions publiées, réponse attendue", a1),
            ("réponse donnée, accord du 2d représentant attendu", b2),
            ("refus : entretien requis", c1),
            ("accord : décision prise", d1),
            ("désaccord, entretien, décision, recours", e1),
        ]
        for quoi, responsable in lignes:
            self.stdout.write(f"  {quoi.ljust(50)}  identifiant : {responsable.user.username}")
        self.stdout.write(
            "  direction : « Décisions d'orientation » depuis l'accueil (identifiant direction)"
        )

    def _demo_familles(self, etab, campagne, comptes):
        """The family's pages (docs/parcours-famille.md): one family in each situation, through the
        real transitions while the provisional window is open; the demandes (whose window opens
        later) are set as fixtures."""
        from orientation.campagnes.models import Voie
        from orientation.dialogue import workflow
        from orientation.dialogue.models import Avis, Dossier, Etat, Saisie, Voeu
        from orientation.dialogue.regles import VoeuSaisi

        familles = self._familles_intactes(campagne, comptes, 4, ordre=("eleve__nom", "pk"))
        direction = comptes[0]
        intentions = [
            VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SES")),
            VoeuSaisi("technologique", "STMG"),
        ]
        (a, (a1, a2)), (b, (b1, _b2)), (c, (c1, _c2)), (d, (d1, _d2)) = familles
        for dossier, responsable in ((b, b1), (c, c1), (d, d1)):
            workflow.valider_voeux(dossier, responsable.user, Phase.PROVISOIRE, intentions)
        for dossier, valeur in ((c, "favorable"), (d, "reserve")):
            for voeu in Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE):
                Avis.objects.create(
                    voeu=voeu,
                    valeur=valeur if voeu.rang == 1 else "favorable",
                    motif="Travail régulier, à confirmer au 3e trimestre.",
                    saisi_par=direction,
                )
            workflow.publier_avis(dossier, direction)
        workflow.accuser_reception(d, d1.user)
        # The definitive window opens later in the demo's calendar: a fixture, as if validated.
        maintenant = timezone.now()
        voies = Voie.objects.in_bulk(["GENERALE", "STMG"], field_name="code")
        generale = Voeu.objects.create(
            dossier=d, phase=Phase.DEFINITIVE, rang=1, voie=voies["GENERALE"]
        )
        generale.specialites.set(Specialite.objects.filter(code__in=["MATHS", "PC", "SES"]))
        Voeu.objects.create(dossier=d, phase=Phase.DEFINITIVE, rang=2, voie=voies["STMG"])
        Saisie.objects.create(
            dossier=d,
            phase=Phase.DEFINITIVE,
            valide_par=d1,
            valide_par_compte=d1.user,
            premiere_validation_le=maintenant,
            valide_le=maintenant,
        )
        Dossier.objects.filter(pk=d.pk).update(etat=Etat.VOEUX_VALIDES, titulaire_demandes=d1)

        for _, legaux in familles:
            for responsable in legaux:
                self._activer(responsable.user)
        self.stdout.write("Familles (saisie des vœux, avis provisoire) :")
        lignes = [
            ("rien de saisi (saisie des intentions ouverte)", a1),
            ("  même famille, 2d représentant", a2),
            ("intentions validées (modifiables)", b1),
            ("avis provisoire publié, accusé de réception attendu", c1),
            ("demandes définitives validées", d1),
        ]
        for quoi, responsable in lignes:
            self.stdout.write(f"  {quoi.ljust(52)}  identifiant : {responsable.user.username}")

    def _demo_conseil(self, etab, campagne, comptes):
        """The class council's grid (docs/conseil-de-classe.md) for the professeur principal's two
        divisions: in the first, avis entered and not yet published (council to come); in the
        second, avis published, and definitive answers with a proposal published."""
        from orientation.campagnes.models import Voie
        from orientation.dialogue import workflow
        from orientation.dialogue.models import Dossier, Etat, Saisie, Voeu
        from orientation.dialogue.regles import VoeuSaisi

        direction, professeur = comptes[0], comptes[2]
        divisions = list(Division.objects.filter(etablissement=etab, est_seconde_gt=True))[:2]
        intentions = [
            [VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SES"))],
            [
                VoeuSaisi("technologique", "STMG"),
                VoeuSaisi("generale", "GENERALE", ("SES", "HGGSP", "LLCER", "HLP")),
            ],
            [
                VoeuSaisi("technologique", "STI2D"),
                VoeuSaisi("professionnelle", "PRO", option_pro="1re_pro"),
            ],
        ]
        avis = ["favorable", "reserve", "favorable", "defavorable", "favorable", "favorable"]
        hier = timezone.localdate() - datetime.timedelta(days=1)
        voies = Voie.objects.in_bulk(["GENERALE", "STMG", "STI2D"], field_name="code")
        maths_pc = set(
            Specialite.objects.filter(code__in=["MATHS", "PC"]).values_list("pk", flat=True)
        )

        def familles(division, nombre):
            dossiers = (
                Dossier.objects.filter(
                    campagne=campagne,
                    eleve__division=division,
                    etat=Etat.INTENTIONS_OUVERTES,
                    evenements__isnull=True,
                    saisies__isnull=True,
                )
                .exclude(eleve__liens__responsable__user__in=comptes)
                .prefetch_related("eleve__liens__responsable__user")
                .order_by("eleve__nom", "pk")
            )
            trouves = []
            for dossier in dossiers:
                legaux = [
                    lien.responsable
                    for lien in dossier.eleve.liens.all()
                    if lien.niveau == Lien.Niveau.LEGAL and lien.responsable.user
                ]
                if legaux:
                    trouves.append((dossier, legaux[0]))
                if len(trouves) == nombre:
                    break
            return trouves

        def avis_du_conseil(dossier, i, tous=True):
            voeux = list(Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE))
            saisies = [
                workflow.SaisieAvis(
                    v.pk,
                    avis[(i + v.rang) % len(avis)],
                    motif="Résultats fragiles dans les disciplines de la voie."
                    if avis[(i + v.rang) % len(avis)] != "favorable"
                    else "",
                    commentaire="Bon investissement ; à confirmer au 3e trimestre."
                    if v.rang == 1
                    else "",
                    specialites=frozenset(maths_pc) if v.voie.code == "GENERALE" else frozenset(),
                )
                for v in voeux[: None if tous else 1]
            ]
            workflow.enregistrer_avis(dossier, professeur, saisies)

        for numero, division in enumerate(divisions):
            liste = familles(division, 7)
            for i, (dossier, responsable) in enumerate(liste):
                workflow.valider_voeux(
                    dossier, responsable.user, Phase.PROVISOIRE, intentions[i % len(intentions)]
                )
                if i < 6:
                    avis_du_conseil(dossier, i, tous=i != 5)  # the last one left incomplete
            if numero == 0:
                continue
            ConseilDivision.objects.filter(
                campagne=campagne, division=division, phase=Phase.PROVISOIRE
            ).update(date_conseil=hier)
            conseil = ConseilDivision.objects.get(
                campagne=campagne, division=division, phase=Phase.PROVISOIRE
            )
            workflow.publier_conseil(conseil, direction)
            # Definitive phase for three of them: acknowledged, demandes as if validated (the
            # window opens later in the demo's calendar), answered and published.
            maintenant = timezone.now()
            for i, (dossier, responsable) in enumerate(liste[:3]):
                workflow.accuser_reception(dossier, responsable.user)
                demandes = [voies["STMG"], voies["STI2D"]] if i != 1 else [voies["GENERALE"]]
                crees = []
                for rang, voie in enumerate(demandes, start=1):
                    voeu = Voeu.objects.create(
                        dossier=dossier, phase=Phase.DEFINITIVE, rang=rang, voie=voie
                    )
                    if voie.code == "GENERALE":
                        voeu.specialites.set(
                            Specialite.objects.filter(code__in=["MATHS", "PC", "SES"])
                        )
                    crees.append(voeu)
                Saisie.objects.create(
                    dossier=dossier,
                    phase=Phase.DEFINITIVE,
                    valide_par=responsable,
                    valide_par_compte=responsable.user,
                    premiere_validation_le=maintenant,
                    valide_le=maintenant,
                )
                Dossier.objects.filter(pk=dossier.pk).update(
                    etat=Etat.VOEUX_VALIDES, titulaire_demandes=responsable
                )
                saisies = [
                    workflow.SaisieProposition(
                        v.pk, v.voie_id, "oui" if v.rang == 1 else "non", "Projet cohérent."
                    )
                    for v in crees
                ]
                if i == 2:  # a voie the family did not ask for
                    saisies.append(
                        workflow.SaisieProposition(
                            None, voies["GENERALE"].pk, "oui", "", frozenset(maths_pc)
                        )
                    )
                workflow.enregistrer_propositions(dossier, professeur, saisies)
            ConseilDivision.objects.filter(
                campagne=campagne, division=division, phase=Phase.DEFINITIVE
            ).update(date_conseil=hier)
            conseil = ConseilDivision.objects.get(
                campagne=campagne, division=division, phase=Phase.DEFINITIVE
            )
            workflow.publier_conseil(conseil, direction)
        etats = ["avis saisis, non publiés", "avis publiés ; réponses aux demandes publiées"]
        self.stdout.write(
            "Conseil de classe (accueil du professeur principal) : "
            + " ; ".join(f"{d.code} : {etat}" for d, etat in zip(divisions, etats, strict=False))
        )
