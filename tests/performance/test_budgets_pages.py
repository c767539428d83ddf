"""SQL budgets of every page (docs/performance.md): each URL pattern answering GET has its
maximum number of queries in BUDGETS, and that number does not depend on the number of pupils,
divisions, wishes or dossiers. Each page is read, as an authorised role of MATRICE, in the
security tests' world with one more of everything a page may list (a pupil in the division, a
division with its council, a wish on every dossier, a step of the timeline, an e-mail not
delivered, a SIECLE import…), then with four more of each: both counts must be equal and within
the budget. A GET pattern without a budget fails, so that a new page cannot ship without one, as
test_matrice_acces.py does for the permissions.

tests/performance/test_requetes.py measures some pages more closely (the family's home, the
validation of a list); this module is the catch-all. Its counts were measured on SQLite."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from orientation.accounts.jetons import jeton_activation, jeton_reinitialisation
from orientation.accounts.models import Role
from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
from orientation.dialogue.models import Avis, Dossier, Evenement, Proposition, Voeu
from orientation.etablissements.models import ImportSiecle
from tests.factories import (
    CampagneFactory,
    ConseilDivisionFactory,
    DivisionFactory,
    LienFactory,
    PersonnelFactory,
    apres_le_conseil,
    courriel_non_remis,
    famille,
)
from tests.securite.matrice import kwargs_de, motifs
from tests.securite.monde import construire_monde
from tests.securite.test_matrice_acces import MATRICE

pytestmark = pytest.mark.django_db

# The most queries each page may make, as measured: one more fails the test.
BUDGETS: dict[str, int] = {
    "accessibilite": 0,
    "accueil": 5,
    "accounts:activer": 0,
    "accounts:activer_lien": 1,
    "accounts:comptes_familles": 6,
    "accounts:login": 0,
    "accounts:personnel_modifier": 6,
    "accounts:personnels": 6,
    "accounts:profil": 5,
    "accounts:reinitialiser": 0,
    "accounts:reinitialiser_confirmer": 1,
    "accounts:reinitialiser_envoye": 0,
    "dialogue:conseil": 10,
    "dialogue:direction_dossier": 13,
    "dialogue:direction_imprimer": 7,
    "dialogue:direction_liste": 5,
    "dialogue:famille_demandes": 4,
    "dialogue:famille_dossier": 5,
    "dialogue:famille_intentions": 5,
    "dialogue:famille_recapitulatif": 5,
    "dialogue:import_intentions": 4,
    "dialogue:mes_donnees": 20,
    "dialogue:papier_fiche": 12,
    "dialogue:papier_imprimer": 9,
    "dialogue:papier_liste": 5,
    "dialogue:papier_vierge": 7,
    "dialogue:reponse": 10,
    "donnees_personnelles": 0,
    "etablissements:import": 4,
    "identite:franceconnect_deconnecte": 0,
    "mentions_legales": 0,
    "notifications:demo_courriel": 1,
    "notifications:demo_courriel_html": 1,
    "notifications:demo_courriels": 2,
    "notifications:dossier": 4,
    "notifications:echecs": 4,
    "pilotage:etablissement": 12,  # + the representatives of the page's families
    "pilotage:export": 9,
    "pilotage:fiche_pdf": 9,
    "pilotage:fiches_etablissement_telecharger": 6,
    "pilotage:fiches_pdf": 12,
    "pilotage:parametres": 8,
    "sante": 0,
}

# GET patterns with no budget: the identity providers are not configured in tests (they need the
# provider processes tests/identite starts) and answer 404 to everybody; none of them lists
# anything from the database.
EXCLUS = {
    "identite:educonnect_connexion",
    "identite:educonnect_metadonnees",
    "identite:educonnect_sls",
    "identite:franceconnect_connexion",
    "identite:franceconnect_retour",
    "identite:franceconnect_lier",  # 404 without a FranceConnect identity in the session
}

# Who reads a page, when its rule allows several: the first of these it authorises. The
# secrétariat before the direction: both see the whole school, the secrétariat manages it.
PREFERENCE = ("representant", "secretariat", "chef", "pp")


def _ouvrir_les_demandes(monde):
    """The definitive window open now, the provisional one over (R1): the calendar of
    CampagneFactory's `definitive_ouverte`."""
    calendrier = CampagneFactory.build(definitive_ouverte=True)
    champs = ("provisoire_debut", "provisoire_fin", "definitive_debut", "definitive_fin")
    Campagne.objects.filter(pk=monde.dossier.campagne_id).update(
        **{champ: getattr(calendrier, champ) for champ in (*champs, "reponse_limite")}
    )


def _lien(generateur, user) -> dict:
    """The kwargs of a valid single-use link for `user` (accounts/jetons.py)."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": generateur.make_token(user),
    }


class Variante(NamedTuple):
    """One URL of a page: kwargs replacing kwargs_de's, a query string, and its own budget where
    it differs from the page's."""

    kwargs: dict = {}
    parametres: str = ""
    budget: int | None = None


@dataclass(frozen=True)
class Page:
    """What a page needs to show itself with its data, where the default does not fit."""

    role: str | None = None  # else the first of PREFERENCE the rule authorises
    # The dossiers' state (construire_monde's); `decide`: the head's decision reached, by the
    # workflow (factories.apres_le_conseil), for the dossier under test and every new one.
    etat: dict = field(default_factory=lambda: {"propositions_publiees": True})
    decide: bool = False
    preparer: Callable | None = None
    # The URLs measured, from the world.
    variantes: Callable = lambda monde: [Variante()]
    reglages: dict = field(default_factory=dict)


DEMO = {"ORIENTATION_DEMO": True}  # the demo outbox exists only in the demo

PAGES = {
    # The family's home is measured in test_requetes.py; here the staff's, listing divisions.
    "accueil": Page(role="chef"),
    # The forms behind valid links (kwargs_de's link is invalid: an error page).
    "accounts:activer_lien": Page(
        variantes=lambda m: [
            Variante(_lien(jeton_activation, m.utilisateurs["autre_representant"]))
        ]
    ),
    "accounts:reinitialiser_confirmer": Page(
        variantes=lambda m: [
            Variante(_lien(jeton_reinitialisation, m.utilisateurs["representant"]))
        ]
    ),
    # The professeur principal fills the grid during each council (R4, R16).
    "dialogue:conseil": Page(
        role="pp",
        variantes=lambda m: [
            Variante({"phase": "provisoire"}),
            Variante({"phase": "definitive"}, budget=11),  # the voies proposed besides
        ],
    ),
    "dialogue:famille_intentions": Page(etat={}),  # the intentions being entered
    "dialogue:famille_demandes": Page(etat={"avis_accuse": True}, preparer=_ouvrir_les_demandes),
    "dialogue:direction_imprimer": Page(
        decide=True, variantes=lambda m: [Variante(), Variante(parametres="?format=pdf")]
    ),
    # Every export, each in one of the formats.
    "pilotage:export": Page(
        decide=True,
        variantes=lambda m: [
            Variante({"quoi": "voeux", "fmt": "csv"}),
            Variante({"quoi": "reponses", "fmt": "xlsx"}),
            Variante({"quoi": "decisions", "fmt": "ods"}),
        ],
    ),
    "pilotage:fiche_pdf": Page(decide=True),
    # A whole school is prepared in the background (pilotage/tasks.py): the page prints a class.
    "pilotage:fiches_pdf": Page(
        decide=True, variantes=lambda m: [Variante(parametres=f"?division={m.division.pk}")]
    ),
    "notifications:demo_courriels": Page(reglages=DEMO),
    "notifications:demo_courriel": Page(reglages=DEMO),
    "notifications:demo_courriel_html": Page(reglages=DEMO),
}


def _pages_get() -> dict[str, str]:
    """Every pattern answering GET (a pattern without a rule yet counts as one)."""
    return {
        nom: route
        for nom, route in motifs()
        if nom not in MATRICE or "get" in MATRICE[nom].methodes
    }


def test_chaque_page_a_un_budget():
    pages = set(_pages_get())
    manquants = sorted(pages - set(BUDGETS) - EXCLUS)
    assert not manquants, f"Pages sans budget de requêtes dans BUDGETS : {manquants}"
    inconnus = sorted((set(BUDGETS) | EXCLUS | set(PAGES)) - pages)
    assert not inconnus, f"Budgets de pages inconnues ou sans GET : {inconnus}"
    assert not set(BUDGETS) & EXCLUS, (
        f"Pages à la fois budgétées et exclues : {BUDGETS.keys() & EXCLUS}"
    )
    assert set(PAGES) <= set(BUDGETS), f"Pages décrites sans budget : {set(PAGES) - set(BUDGETS)}"
    # Only a page nobody may read in tests is left out (MATRICE says so, the matrix checks it).
    lisibles = sorted(nom for nom in EXCLUS if MATRICE[nom].autorises)
    assert not lisibles, f"Pages exclues que quelqu'un peut lire : mesurez-les ({lisibles})"


def _role(nom: str, page: Page) -> str:
    regle = MATRICE[nom]
    if page.role is not None:
        role = page.role
    elif regle.public:
        role = "anonyme"
    else:
        role = next(r for r in PREFERENCE if r in regle.autorises)
    assert role in regle.autorises or regle.public, f"{nom} : {role} n'y est pas autorisé"
    return role


# --- The world, small then grown ---------------------------------------------------------------

# One voie per wish (R8), 1re générale first for its spécialités.
FAMILLES_DE_VOIES = (Voie.Famille.GENERALE, "technologique")


def _voeux_en_plus(dossier, n, saisi_par):
    """n more wishes in each phase: the intentions with the council's avis (R4), the demandes
    with its answer (R16), 1re générale with its spécialités."""
    specialites = list(Specialite.objects.filter(code__in=["MATHS", "PC", "SVT"]))
    for phase in (Phase.PROVISOIRE, Phase.DEFINITIVE):
        voeux = Voeu.objects.filter(dossier=dossier, phase=phase)
        prises = set(voeux.values_list("voie_id", flat=True))
        if phase == Phase.DEFINITIVE:
            prises |= set(
                Proposition.objects.filter(dossier=dossier).values_list("voie_id", flat=True)
            )
        rang = max(voeux.values_list("rang", flat=True), default=0)
        voies = Voie.objects.filter(famille__in=FAMILLES_DE_VOIES).exclude(pk__in=prises)
        for rang, voie in enumerate(voies.order_by("ordre")[:n], start=rang + 1):
            voeu = Voeu.objects.create(dossier=dossier, phase=phase, rang=rang, voie=voie)
            if voie.famille == Voie.Famille.GENERALE:
                voeu.specialites.set(specialites)
            if phase == Phase.PROVISOIRE:
                reponse = Avis.objects.create(voeu=voeu, valeur="favorable", saisi_par=saisi_par)
            else:
                reponse = Proposition.objects.create(
                    dossier=dossier, voeu=voeu, voie=voie, reponse="oui", saisi_par=saisi_par
                )
            reponse.specialites_recommandees.set(specialites[:2])


def peupler(monde, n, nouvelle_famille):
    """n more of everything a page may list, around the dossier under test; `nouvelle_famille`
    makes a pupil with their family and dossier in the state the page reads."""
    campagne = monde.dossier.campagne
    ecole = monde.ecole
    representant = monde.dossier.eleve.liens.get(code_parente="10").responsable
    secretariat = monde.utilisateurs["secretariat"]
    # Pupils in the division under test, each with their family and dossier; the first one is a
    # brother of the pupil under test (the same representative).
    for i in range(n):
        dossier, _resps = nouvelle_famille(campagne, eleve__division=monde.division)
        if i == 0:
            LienFactory(eleve=dossier.eleve, responsable=representant, code_parente="20")
    # Divisions, each with its council, its professeur principal and a pupil.
    for _ in range(n):
        division = DivisionFactory(etablissement=ecole)
        ConseilDivisionFactory(campagne=campagne, division=division)
        PersonnelFactory(etablissement=ecole, role=Role.PROFESSEUR_PRINCIPAL, divisions=[division])
        nouvelle_famille(campagne, eleve__division=division)
    # Wishes on every dossier of the school.
    for dossier in Dossier.objects.filter(campagne=campagne):
        _voeux_en_plus(dossier, n, monde.utilisateurs["pp"])
    for _ in range(n):
        # The timeline: a step entered by a member of staff from a paper fiche, one by the family.
        Evenement.objects.create(
            dossier=monde.dossier,
            etablissement=ecole,
            acteur=PersonnelFactory(etablissement=ecole, role=Role.SECRETARIAT).user,
            action="valider_intentions",
            details={"canal": "etablissement", "date_papier": "2025-01-10"},
        )
        Evenement.objects.create(
            dossier=monde.dossier,
            etablissement=ecole,
            acteur=representant.user,
            action="accuser_reception",
        )
        # E-mails not delivered, to the family under test and to another one.
        for dossier, destinataire in (
            (monde.dossier, representant.user),
            (monde.dossier_autre_famille, None),
        ):
            courriel_non_remis(
                dossier,
                evenement="budget",
                destinataire=destinataire,
                destinataire_email="parent@exemple.fr",
            )
        ImportSiecle.objects.create(etablissement=ecole, auteur=secretariat, annee=campagne.annee)


def _monde(page: Page):
    monde = construire_monde(**page.etat)
    chef = monde.utilisateurs["chef"]
    if page.decide:
        # The dossier under test reached the decision through the workflow (R19–R21).
        monde.dossier, responsables = apres_le_conseil(
            "decide", monde.dossier.campagne, chef=chef, eleve__division=monde.division
        )
        monde.utilisateurs["representant"] = responsables[0].user

        def nouvelle_famille(campagne, **kw):
            return apres_le_conseil("decide", campagne, chef=chef, **kw)
    else:

        def nouvelle_famille(campagne, **kw):
            return famille(campagne, **page.etat, **kw)

    if page.preparer is not None:
        page.preparer(monde)
    return monde, nouvelle_famille


def _lire(reponse):
    """A file answer (FileResponse) read to its end, where the test client closes it as a server
    would. Not response.close(): that sends request_finished, whose close_old_connections closes
    the database connection in the middle of the test's transaction (PostgreSQL)."""
    if reponse.streaming:
        b"".join(reponse.streaming_content)


def _requetes(client, url, statut) -> int:
    """The queries of a page read again: the session's activity stamp is written at most once a
    minute (accounts/middleware.py), so the first visit is not the steady state."""
    _lire(client.get(url))
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.get(url)
    _lire(reponse)
    assert reponse.status_code == statut, f"{url} : {reponse.status_code} au lieu de {statut}"
    return len(ctx.captured_queries)


@pytest.mark.parametrize("nom", sorted(BUDGETS))
def test_requetes_independantes_du_volume(client, settings, nom):
    page = PAGES.get(nom, Page())
    for reglage, valeur in page.reglages.items():
        setattr(settings, reglage, valeur)
    monde, nouvelle_famille = _monde(page)
    role = _role(nom, page)
    if monde.utilisateurs[role] is not None:
        client.force_login(monde.utilisateurs[role])
    route = _pages_get()[nom]
    statut = 302 if MATRICE[nom].vers_connexion else 200
    variantes = page.variantes(monde)
    urls = [
        reverse(nom, kwargs=kwargs_de(nom, route, monde) | v.kwargs) + v.parametres
        for v in variantes
    ]

    peupler(monde, 1, nouvelle_famille)
    petits = [_requetes(client, url, statut) for url in urls]
    peupler(monde, 3, nouvelle_famille)
    grands = [_requetes(client, url, statut) for url in urls]
    for variante, url, petit, grand in zip(variantes, urls, petits, grands, strict=True):
        assert petit == grand, (
            f"{url} [{nom}] en {role} : {petit} requêtes, puis {grand} quand l'école grandit "
            "(le nombre de requêtes dépend du volume)"
        )
        budget = BUDGETS[nom] if variante.budget is None else variante.budget
        assert grand <= budget, (
            f"{url} [{nom}] en {role} : {grand} requêtes pour un budget de {budget}"
        )
