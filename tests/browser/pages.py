"""Every page of the service, as data: who sees it, in which state, with which kwargs.

The all-pages sweep (test_accessibilite.py) opens each entry in Chromium and runs axe-core on it;
the phone checks run on the family pages. A URL name found in neither PAGES nor EXCLUSIONS fails
tests/test_accessibilite_couverture.py: adding a page to the service means adding one line here.

One line = `Page(url name, role, kwargs=…, etat=…, variante=…, action=…)`:
- role: who is logged in (ANONYME, RESPONSABLE, AUTRE_RESPONSABLE, ELEVE, CHEF, SECRETARIAT,
  PROFESSEUR, ADMIN);
- etat: the state of the family's fiche dialogue (the family pages are opened on a dossier in that
  state; the school's calendar follows: provisional window open before the avis, definitive after);
  after the council, a step of tests/factories.ETAPES_APRES_LE_CONSEIL (e.g. `recours`,
  `decide_apres_entretien`), reached through the real transitions of workflow.py;
- kwargs: a function of the world `m` (Monde below) returning the URL kwargs;
- action: what to do on the page before the scan (e.g. `soumettre(...)` for the error state).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

# Filled by conftest.axe_check during a run: the names of the pages scanned without violations.
COUVERTES: set[str] = set()

ANONYME = "anonyme"
RESPONSABLE = "responsable"
AUTRE_RESPONSABLE = "autre_responsable"
ELEVE = "eleve"
CHEF = "chef"
SECRETARIAT = "secretariat"
PROFESSEUR = "professeur"
ADMIN = "admin"
FAMILLE = {ANONYME, RESPONSABLE, AUTRE_RESPONSABLE, ELEVE}


# --- Actions run on a page before its scan -------------------------------------------------------


def soumettre(
    formulaire: str = "#content form",
    remplir: dict[str, str] | None = None,
    bouton: str = "[type=submit]",
):
    """Fill some fields, then submit the form with the browser's own checks off, so that the
    server's error state is what gets scanned."""

    def action(page):
        form = page.locator(formulaire).first
        for champ, valeur in (remplir or {}).items():
            form.locator(champ).fill(valeur)
        form.evaluate("f => { f.noValidate = true; }")
        with page.expect_navigation():
            form.locator(bouton).first.click()

    return action


# --- The world the pages are opened in ------------------------------------------------------------


class Monde:
    """One school per calendar, built lazily: only what a page asks for is created."""

    def __init__(self):
        self._familles: dict[str, tuple] = {}
        self._ecoles: dict[str, tuple] = {}

    # Schools and staff
    def ecole(self, calendrier: str = "definitive"):
        if calendrier not in self._ecoles:
            from tests.factories import CampagneFactory, DivisionFactory, EtablissementFactory

            noms = {"provisoire": "Lycée Jean Moulin", "definitive": "Lycée Simone Veil"}
            etab = EtablissementFactory(nom=noms.get(calendrier, "Lycée Victor Hugo"))
            traits = {"definitive": {"definitive_ouverte": True}, "fermee": {"fermee": True}}
            campagne = CampagneFactory(etablissement=etab, **traits.get(calendrier, {}))
            division = DivisionFactory(etablissement=etab, code="2DE1", libelle="Seconde 1")
            self._ecoles[calendrier] = (etab, campagne, division)
        return self._ecoles[calendrier]

    @property
    def etablissement(self):
        return self.ecole()[0]

    @property
    def uai(self) -> str:
        return self.etablissement.uai

    @property
    def campagne(self):
        return self.ecole()[1]

    @property
    def division(self):
        return self.ecole()[2]

    def _personnel(self, role, **kwargs):
        from tests.factories import PersonnelFactory

        return PersonnelFactory(etablissement=self.etablissement, role=role, **kwargs)

    @cached_property
    def chef(self):
        return self._personnel("chef_etablissement").user

    @cached_property
    def secretariat(self):
        return self._personnel("secretariat").user

    @cached_property
    def professeur_poste(self):
        return self._personnel("professeur_principal", divisions=[self.division])

    @cached_property
    def professeur(self):
        return self.professeur_poste.user

    @cached_property
    def admin(self):
        from tests.factories import UserFactory

        return UserFactory(is_superuser=True, is_staff=True)

    # Families
    def famille(self, etat: str = "intentions_ouvertes"):
        """(dossier, [responsable, responsable]) of a family whose fiche is in `etat`; the pupil
        has an account too."""
        if etat not in self._familles:
            from orientation.dialogue.models import Etat
            from tests.factories import (
                ETAPES_APRES_LE_CONSEIL,
                DossierFactory,
                EleveFactory,
                UserFactory,
                apres_le_conseil,
                famille,
            )

            calendrier = (
                "provisoire"
                if etat in (Etat.INTENTIONS_OUVERTES, Etat.INTENTIONS_VALIDEES)
                else "definitive"
            )
            etab, campagne, division = self.ecole(calendrier)
            eleve = EleveFactory(division=division, prenom="Camille", user=UserFactory())
            if etat in ETAPES_APRES_LE_CONSEIL:
                famille_ = apres_le_conseil(etat, campagne, chef=self.chef, eleve=eleve)
            else:
                # The factory's business trait when it has one (it builds what the state implies).
                trait = {etat: True} if etat in DossierFactory._meta.parameters else {"etat": etat}
                famille_ = famille(campagne, eleve=eleve, **trait)
            self._familles[etat] = famille_
        return self._familles[etat]

    def dossier(self, etat: str = "intentions_ouvertes"):
        return self.famille(etat)[0]

    def courriel(self):
        """An e-mail in the outbox: the decision sent to a family (R21)."""
        from orientation.dialogue.courriels import DecisionPrise

        return DecisionPrise.envoyer(dossier=self.dossier("decide"))[0]

    def courriel_non_remis(self):
        from orientation.notifications.models import Notification

        row = self.courriel()
        Notification.objects.filter(pk=row.pk).update(statut=Notification.Statut.ECHEC)
        return row

    def familles_a_relancer(self, nombre: int = 55):
        """More families to chase than a page of the dashboard holds (50)."""
        from tests.factories import DossierFactory

        for _i in range(nombre):
            DossierFactory(campagne=self.campagne, eleve__division=self.division)

    def pdf_etablissement(self, statut: str):
        """The whole school's fiches PDF, asked for by the head, in a state of its build."""
        from django.utils import timezone

        from orientation.pilotage.models import PdfEtablissement
        from tests.factories import pdf_etablissement_pret

        self.dossier("voeux_valides")
        if statut == PdfEtablissement.Statut.PRET:
            return pdf_etablissement_pret(
                self.campagne, demande_par=self.chef, fiches=2000, pages=2000, taille=12_500_000
            )
        demande = PdfEtablissement.objects.create(
            etablissement=self.etablissement,
            campagne=self.campagne,
            demande_par=self.chef,
            statut=statut,
        )
        if statut == PdfEtablissement.Statut.EN_COURS:
            demande.commence_le = demande.avance_le = timezone.now()
            demande.classes_faites, demande.classes_total = 12, 57
        elif statut == PdfEtablissement.Statut.ECHEC:
            demande.termine_le = timezone.now()
            demande.erreur = "La préparation du PDF a échoué. Demandez-le à nouveau."
        demande.save()
        return demande

    def famille_a_activer(self):
        """A representative whose account is not activated yet, without an e-mail address (the
        school prints a letter)."""
        from tests.factories import EleveFactory, LienFactory

        lien = LienFactory(
            eleve=EleveFactory(division=self.division),
            responsable__email="",
            responsable__user__email="",
            responsable__user__activated_at=None,
        )
        user = lien.responsable.user
        user.set_unusable_password()
        user.save()
        return lien.responsable


@dataclass(frozen=True)
class Page:
    nom: str
    role: str = ANONYME
    kwargs: Callable[[Monde], dict] | None = None
    etat: str = "intentions_ouvertes"
    variante: str = ""
    action: Callable | None = None
    query: str = ""
    reglages: dict = field(default_factory=dict)
    # A page reached by a POST only: the page (url name, same kwargs) whose form leads to it.
    depuis: str = ""
    # Data the page needs beyond the world's defaults.
    preparer: Callable[[Monde], object] | None = None

    @property
    def id(self) -> str:
        return f"{self.nom}[{self.variante}]" if self.variante else self.nom

    @property
    def famille(self) -> bool:
        return self.role in FAMILLE

    def utilisateur(self, m: Monde):
        if self.role == ANONYME:
            return None
        if self.role in (RESPONSABLE, AUTRE_RESPONSABLE):
            responsables = m.famille(self.etat)[1]
            return responsables[0 if self.role == RESPONSABLE else -1].user
        if self.role == ELEVE:
            return m.dossier(self.etat).eleve.user
        return getattr(m, self.role)


def _uai(m):
    return {"uai": m.uai}


def _dossier(etat):
    return lambda m: {"pk": m.dossier(etat).pk}


def _fiche(etat):
    return lambda m: {"dossier_pk": m.dossier(etat).pk}


def _titulaire_des_demandes(etat):
    """R7, R17: the first representative holds the demandes, so the other waits for their
    response."""

    def preparer(m):
        from orientation.dialogue.models import Dossier

        dossier, responsables = m.famille(etat)
        Dossier.objects.filter(pk=dossier.pk).update(titulaire_demandes=responsables[0])

    return preparer


# Every state of the fiche not opened elsewhere in PAGES, on the family's dossier page
# (tests/test_accessibilite_couverture.py checks that each state is there).
ETATS_DE_LA_FICHE = [
    "intentions_validees",
    "avis_accuse",
    "propositions_publiees",
    "reponse_famille",
    "entretien_requis",
    "entretien_tenu",
    "recours",
]
# After the council, the response page as the family reads it at each step.
ETAPES_DE_LA_REPONSE = [
    "reponse_famille",
    "entretien_requis",
    "entretien_tenu",
    "decide",
    "decide_apres_entretien",
    "recours",
    "decide_apres_recours",
]


PAGES: list[Page] = [
    # --- Public pages
    Page("accessibilite"),
    Page("mentions_legales"),
    Page("donnees_personnelles"),
    # --- Accounts: login, activation, reset
    Page("accounts:login"),
    Page(
        "accounts:login",
        variante="erreurs",
        action=soumettre(
            "form[action$='/connexion/']",
            {"[name=username]": "inconnu", "[name=password]": "faux-mot-de-passe"},
        ),
    ),
    Page("accounts:activer"),
    Page("accounts:activer", variante="erreurs", action=soumettre("form[action$='/activer/']")),
    Page("accounts:activer_lien", kwargs=lambda m: {"uidb64": "MQ", "token": "perime"}),
    Page("accounts:reinitialiser"),
    Page(
        "accounts:reinitialiser",
        variante="erreurs",
        action=soumettre("form[action$='/mot-de-passe-oublie/']"),
    ),
    Page("accounts:reinitialiser_envoye"),
    Page("accounts:reinitialiser_confirmer", kwargs=lambda m: {"uidb64": "MQ", "token": "perime"}),
    # --- Home and profile, for every role
    Page("accueil", RESPONSABLE),
    Page("accueil", ELEVE, variante="eleve"),
    Page("accueil", CHEF, variante="chef"),
    Page("accueil", PROFESSEUR, variante="professeur"),
    Page("accueil", SECRETARIAT, variante="secretariat"),
    Page("accueil", ADMIN, variante="admin"),
    Page("accounts:profil", RESPONSABLE),
    Page("accounts:profil", CHEF, variante="chef"),
    Page(
        "accounts:profil_email",
        RESPONSABLE,
        depuis="accounts:profil",
        variante="erreurs",
        action=soumettre("form[action$='/profil/adresse/']", {"[name=email]": "pas-une-adresse"}),
    ),
    Page(
        "accounts:mot_de_passe",
        RESPONSABLE,
        depuis="accounts:profil",
        variante="erreurs",
        action=soumettre("form[action$='/profil/mot-de-passe/']"),
    ),
    # --- Staff pages of a school
    Page("accounts:personnels", CHEF, kwargs=_uai),
    Page(
        "accounts:personnels",
        CHEF,
        kwargs=_uai,
        variante="erreurs",
        action=soumettre("form[action$='/personnels/']"),
    ),
    Page(
        "accounts:personnel_modifier",
        CHEF,
        kwargs=lambda m: {"uai": m.uai, "pk": m.professeur_poste.pk},
    ),
    Page("accounts:comptes_familles", SECRETARIAT, kwargs=_uai),
    Page(
        "accounts:comptes_familles",
        SECRETARIAT,
        kwargs=_uai,
        variante="a_activer",
        preparer=lambda m: m.famille_a_activer(),
    ),
    Page(
        "accounts:lettres",
        SECRETARIAT,
        kwargs=_uai,
        depuis="accounts:comptes_familles",
        preparer=lambda m: m.famille_a_activer(),
        action=soumettre("form[action$='/familles/lettres/']"),
    ),
    Page("etablissements:import", SECRETARIAT, kwargs=_uai),
    Page(
        "etablissements:import",
        SECRETARIAT,
        kwargs=_uai,
        variante="erreurs",
        action=soumettre("form[enctype='multipart/form-data']"),
    ),
    # --- The family's fiche dialogue, state by state
    Page("dialogue:famille_dossier", RESPONSABLE, kwargs=_dossier("intentions_ouvertes")),
    # Read-only mode (incident): the notice on top of the page, on a desktop and on phones.
    Page(
        "dialogue:famille_dossier",
        RESPONSABLE,
        kwargs=_dossier("intentions_ouvertes"),
        variante="lecture_seule",
        reglages={"ORIENTATION_LECTURE_SEULE": True},
    ),
    Page(
        "dialogue:famille_dossier",
        RESPONSABLE,
        kwargs=_dossier("avis_publie"),
        etat="avis_publie",
        variante="avis_publie",
    ),
    Page(
        "dialogue:famille_dossier",
        RESPONSABLE,
        kwargs=_dossier("voeux_valides"),
        etat="voeux_valides",
        variante="voeux_valides",
    ),
    Page(
        "dialogue:famille_dossier",
        ELEVE,
        kwargs=_dossier("voeux_valides"),
        etat="voeux_valides",
        variante="eleve_lecture",
    ),
    Page(
        "dialogue:famille_dossier",
        RESPONSABLE,
        kwargs=_dossier("decide"),
        etat="decide",
        variante="decide",
    ),
    *[
        Page("dialogue:famille_dossier", RESPONSABLE, kwargs=_dossier(e), etat=e, variante=e)
        for e in ETATS_DE_LA_FICHE
    ],
    Page("dialogue:famille_intentions", RESPONSABLE, kwargs=_dossier("intentions_ouvertes")),
    Page(
        "dialogue:famille_intentions",
        RESPONSABLE,
        kwargs=_dossier("intentions_ouvertes"),
        variante="erreurs",
        action=soumettre("form.famille-voeux", bouton="[value=valider]"),
    ),
    Page(
        "dialogue:famille_demandes",
        RESPONSABLE,
        kwargs=_dossier("avis_accuse"),
        etat="avis_accuse",
    ),
    Page(
        "dialogue:famille_recapitulatif",
        RESPONSABLE,
        kwargs=lambda m: {"pk": m.dossier("voeux_valides").pk, "segment": "demandes"},
        etat="voeux_valides",
    ),
    Page(
        "dialogue:reponse",
        RESPONSABLE,
        kwargs=_dossier("propositions_publiees"),
        etat="propositions_publiees",
    ),
    Page(
        "dialogue:reponse",
        RESPONSABLE,
        kwargs=_dossier("propositions_publiees"),
        etat="propositions_publiees",
        variante="erreurs",
        action=soumettre("form[action$='/reponse/']"),
    ),
    Page(
        "dialogue:reponse",
        AUTRE_RESPONSABLE,
        kwargs=_dossier("propositions_publiees"),
        etat="propositions_publiees",
        variante="attend_le_titulaire",
        preparer=_titulaire_des_demandes("propositions_publiees"),
    ),
    # R19: the second representative's agreement, and its error state.
    Page(
        "dialogue:reponse",
        AUTRE_RESPONSABLE,
        kwargs=_dossier("reponse_famille"),
        etat="reponse_famille",
        variante="accord",
    ),
    Page(
        "dialogue:accord",
        AUTRE_RESPONSABLE,
        kwargs=_dossier("reponse_famille"),
        etat="reponse_famille",
        depuis="dialogue:reponse",
        variante="erreurs",
        action=soumettre("form[action$='/accord/']"),
    ),
    *[
        Page("dialogue:reponse", RESPONSABLE, kwargs=_dossier(e), etat=e, variante=e)
        for e in ETAPES_DE_LA_REPONSE
    ],
    # --- The class council and the direction
    Page(
        "dialogue:conseil",
        PROFESSEUR,
        kwargs=lambda m: {"division_pk": m.division.pk, "phase": "definitive"},
        preparer=lambda m: m.dossier("voeux_valides"),
    ),
    Page("dialogue:direction_liste", CHEF, kwargs=_uai, preparer=lambda m: m.dossier("decide")),
    Page(
        "dialogue:direction_dossier",
        CHEF,
        kwargs=_dossier("entretien_requis"),
        etat="entretien_requis",
    ),
    Page(
        "dialogue:direction_dossier",
        CHEF,
        kwargs=_dossier("entretien_tenu"),
        etat="entretien_tenu",
        variante="entretien_tenu",
    ),
    Page(
        "dialogue:direction_dossier",
        CHEF,
        kwargs=_dossier("decide_apres_entretien"),
        etat="decide_apres_entretien",
        variante="decide_apres_entretien",
    ),
    Page(
        "dialogue:direction_dossier",
        CHEF,
        kwargs=_dossier("recours"),
        etat="recours",
        variante="recours",
    ),
    Page(
        "dialogue:direction_decision",
        CHEF,
        kwargs=_dossier("entretien_tenu"),
        etat="entretien_tenu",
        depuis="dialogue:direction_dossier",
        variante="erreurs",
        action=soumettre("form[action$='/decision/']"),
    ),
    Page("dialogue:direction_imprimer", CHEF, kwargs=_dossier("decide"), etat="decide"),
    # --- The class council's grid (docs/conseil-de-classe.md)
    Page(
        "dialogue:conseil",
        ADMIN,
        kwargs=lambda m: {"division_pk": m.ecole("provisoire")[2].pk, "phase": "provisoire"},
        preparer=lambda m: m.dossier("intentions_validees"),
        variante="provisoire",
    ),
    # --- Paper route: the school enters on the family's behalf (docs/saisie-papier.md)
    Page("dialogue:papier_liste", SECRETARIAT, kwargs=_uai, etat="avis_accuse"),
    Page("dialogue:papier_vierge", SECRETARIAT, kwargs=_uai),
    Page("dialogue:import_intentions", SECRETARIAT, kwargs=_uai),
    Page(
        "dialogue:import_intentions",
        SECRETARIAT,
        kwargs=_uai,
        variante="erreurs",
        action=soumettre("form[enctype='multipart/form-data']"),
    ),
    Page("dialogue:papier_fiche", SECRETARIAT, kwargs=_fiche("avis_accuse"), etat="avis_accuse"),
    Page(
        "dialogue:papier_fiche",
        SECRETARIAT,
        kwargs=_fiche("voeux_valides"),
        etat="voeux_valides",
        variante="voeux_valides",
    ),
    Page(
        "dialogue:papier_voeux",
        SECRETARIAT,
        kwargs=_fiche("avis_accuse"),
        etat="avis_accuse",
        depuis="dialogue:papier_fiche",
        variante="erreurs",
        action=soumettre("form[action*='/saisie-papier/voeux/']", bouton="[value=valider]"),
    ),
    Page("dialogue:papier_imprimer", SECRETARIAT, kwargs=_fiche("voeux_valides")),
    # --- Pilotage
    Page(
        "pilotage:etablissement", CHEF, kwargs=_uai, preparer=lambda m: m.dossier("voeux_valides")
    ),
    # More families than a page holds (none with an address): page 2, and those to call.
    *[
        Page(
            "pilotage:etablissement",
            CHEF,
            kwargs=_uai,
            variante=variante,
            query=query,
            preparer=lambda m: m.familles_a_relancer(),
        )
        for variante, query in [
            ("familles_page_2", "?page=2"),
            ("familles_sans_adresse", "?sans_adresse=1"),
        ]
    ],
    *[
        Page(
            "pilotage:etablissement",
            CHEF,
            kwargs=_uai,
            variante=f"pdf_{statut}",
            preparer=lambda m, statut=statut: m.pdf_etablissement(statut),
        )
        for statut in ["en_attente", "en_cours", "pret", "echec"]
    ],
    Page("pilotage:parametres", CHEF, kwargs=_uai),
    Page(
        "pilotage:parametres",
        CHEF,
        kwargs=_uai,
        variante="erreurs",
        action=soumettre("#content form[method=post]", {"#id_provisoire_debut": ""}),
    ),
    # --- E-mails seen by the staff
    Page("notifications:echecs", CHEF, variante="vide"),
    Page(
        "notifications:echecs",
        CHEF,
        preparer=lambda m: m.courriel_non_remis(),
    ),
    Page(
        "notifications:dossier",
        CHEF,
        kwargs=lambda m: {"dossier_pk": m.dossier("voeux_valides").pk},
        etat="voeux_valides",
    ),
    Page("notifications:demo_courriels", reglages={"ORIENTATION_DEMO": True}),
    Page(
        "notifications:demo_courriel",
        kwargs=lambda m: {"pk": m.courriel().pk},
        reglages={"ORIENTATION_DEMO": True},
    ),
]


# URL names that are not pages a person reads, or are scanned elsewhere, with the reason.
EXCLUSIONS: dict[str, str] = {
    "accounts:logout": "POST seul : redirige vers la page de connexion (couverte)",
    "accounts:prolonger": (
        "POST seul, répond en JSON ; la fenêtre de fin de session qui l'appelle est balayée "
        "(tests/browser/test_fin_de_session.py)"
    ),
    "accounts:personnel_retirer": "POST seul : redirige vers la liste des personnels (couverte)",
    "accounts:envoyer_activations": "POST seul : redirige vers les comptes des familles (couverte)",
    "etablissements:import_confirmer": "POST seul : redirige vers la page d'import (couverte)",
    "etablissements:import_annuler": "POST seul : redirige vers la page d'import (couverte)",
    "notifications:reessayer": "POST seul : redirige vers la page d'origine (couverte)",
    "notifications:demo_courriel_html": "corps HTML brut d'un courriel : chaque type est balayé "
    "par test_courriels_html.py",
    "dialogue:import_intentions_confirmer": "POST seul : redirige vers la liste des fiches "
    "papier (couverte)",
    "dialogue:papier_accuse": "POST seul : redirige vers la fiche papier (couverte)",
    "dialogue:papier_reponse": "POST seul : redirige vers la fiche papier (couverte)",
    "dialogue:papier_accord": "POST seul : redirige vers la fiche papier (couverte)",
    "dialogue:papier_transmettre": "POST seul : redirige vers la fiche papier (couverte)",
    "dialogue:famille_accuse": "POST seul : redirige vers la fiche dialogue (couverte)",
    "dialogue:conseil_enregistrer": "POST seul : redirige vers la grille du conseil (couverte)",
    "dialogue:conseil_publier": "POST seul : redirige vers la grille du conseil (couverte)",
    "dialogue:direction_exiger": "POST seul : redirige vers la fiche (couverte)",
    "dialogue:direction_entretien": "POST seul : redirige vers la fiche (couverte)",
    "dialogue:direction_recours": "POST seul : redirige vers la fiche (couverte)",
    "dialogue:direction_statuer": "POST seul : redirige vers la fiche (couverte)",
    "pilotage:relancer": "POST seul : redirige vers le tableau de bord (couvert)",
    "pilotage:export": "téléchargement d'un tableur (CSV, XLSX, ODS)",
    "pilotage:fiches_pdf": "téléchargement PDF",
    "pilotage:fiches_etablissement_demander": "POST seul : redirige vers le tableau de bord, "
    "balayé dans chaque état de la préparation (pilotage:etablissement[pdf_…])",
    "pilotage:fiches_etablissement_telecharger": "téléchargement PDF",
    "pilotage:fiche_pdf": "téléchargement PDF",
    "dialogue:mes_donnees": "export JSON des données personnelles (RGPD, droit d'accès)",
    "sante": "contrôle de santé des répartiteurs de charge (texte brut)",
    "identite:educonnect_connexion": "redirection vers le fournisseur d'identité (SAML)",
    "identite:educonnect_acs": "point de retour SAML (machine à machine)",
    "identite:educonnect_sls": "déconnexion SAML (machine à machine)",
    "identite:educonnect_metadonnees": "métadonnées SAML (XML)",
    "identite:franceconnect_connexion": "redirection vers FranceConnect (OIDC)",
    "identite:franceconnect_retour": "point de retour OIDC (machine à machine)",
    "identite:franceconnect_deconnecte": "redirection après la déconnexion FranceConnect",
    "identite:franceconnect_lier": "demande une identité FranceConnect en session : "
    "tests/identite (formulaire DSFR standard)",
}
