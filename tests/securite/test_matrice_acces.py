"""The access matrix (ASVS V4.1, V4.2): every URL pattern × every role × GET and POST → the expected
outcome. A pattern missing from MATRICE fails the test: a new page cannot ship without its
permissions being stated here (docs/securite.md)."""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from tests.securite.matrice import demander, kwargs_de, motifs
from tests.securite.monde import construire_monde

ROLES = (
    "anonyme",
    "representant",
    "autre_representant",
    "autre_famille",
    "eleve",
    "autre_eleve",
    "pp",
    "pp_autre_division",
    "chef",
    "chef_autre_ecole",
    "secretariat",
)
CONNECTES = frozenset(ROLES) - {"anonyme"}
REPRESENTANTS = frozenset({"representant", "autre_representant"})
FAMILLE = REPRESENTANTS | {"eleve"}
PERSONNEL_DU_DOSSIER = frozenset({"pp", "chef", "secretariat"})  # R2: who sees dossier 1
ECOLE = PERSONNEL_DU_DOSSIER | {"pp_autre_division"}
GESTION = frozenset({"chef", "secretariat"})
DIRECTION = frozenset({"chef"})
TOUS = frozenset(ROLES)


@dataclass(frozen=True)
class Regle:
    """`autorises` pass the permission check (any answer but 403/404/405/login); the others get a
    404, or a 403 when they may know the object exists (`voient`); the anonymous visitor is sent
    to the login page unless the page is public."""

    methodes: tuple = ("get",)
    autorises: frozenset = frozenset()
    voient: frozenset = frozenset()
    public: bool = False
    # A status an authorised role may get because of the world's state, not of its rights.
    aussi: frozenset = field(default_factory=frozenset)
    # Pages whose normal answer is the login page (logging out).
    vers_connexion: bool = False


def famille(*methodes, autorises=FAMILLE):
    return Regle(methodes or ("get",), autorises, FAMILLE | PERSONNEL_DU_DOSSIER)


def personnel(*methodes, autorises=PERSONNEL_DU_DOSSIER, **kw):
    return Regle(methodes or ("get",), autorises, FAMILLE | PERSONNEL_DU_DOSSIER, **kw)


def ecole(*methodes, autorises=ECOLE):
    # A school-level page: its own staff may be told "forbidden" (403), nobody else learns more.
    return Regle(methodes or ("get",), autorises, ECOLE)


PUBLIC = Regle(("get",), TOUS, public=True)
PUBLIC_FORM = Regle(("get", "post"), TOUS, public=True)
CONNECTE = Regle(("get",), CONNECTES)
# Identity providers are not configured in tests: their endpoints answer 404 to everybody.
DESACTIVE = Regle(("get",), frozenset(), TOUS, public=True)
DEMO = DESACTIVE  # the demo outbox exists only with ORIENTATION_DEMO

MATRICE: dict[str, Regle] = {
    "accueil": CONNECTE,
    "sante": PUBLIC,
    "accessibilite": PUBLIC,
    "mentions_legales": PUBLIC,
    "donnees_personnelles": PUBLIC,
    # Accounts
    "accounts:login": PUBLIC_FORM,
    "accounts:logout": Regle(("post",), TOUS, public=True, vers_connexion=True),
    # « Rester connecté »: JSON for the page's script; 401 once there is no session (anonymous).
    "accounts:prolonger": Regle(("post",), TOUS, public=True, aussi=frozenset({401})),
    "accounts:activer": PUBLIC_FORM,
    "accounts:activer_lien": PUBLIC_FORM,
    "accounts:reinitialiser": PUBLIC_FORM,
    "accounts:reinitialiser_envoye": PUBLIC,
    "accounts:reinitialiser_confirmer": PUBLIC_FORM,
    "accounts:profil": CONNECTE,
    "accounts:profil_email": Regle(("post",), CONNECTES),
    "accounts:mot_de_passe": Regle(("post",), CONNECTES),
    "accounts:personnels": ecole("get", "post", autorises=GESTION),
    "accounts:personnel_modifier": ecole("get", "post", autorises=GESTION),
    "accounts:personnel_retirer": ecole("post", autorises=GESTION),
    "accounts:comptes_familles": ecole(autorises=GESTION),
    "accounts:envoyer_activations": ecole("post", autorises=GESTION),
    "accounts:lettres": ecole("post", autorises=GESTION),
    # The family's pages
    "dialogue:famille_dossier": famille(),
    "dialogue:famille_recapitulatif": famille(),
    "dialogue:famille_accuse": famille("post", autorises=REPRESENTANTS),
    "dialogue:famille_intentions": famille("get", "post", autorises=REPRESENTANTS),
    "dialogue:famille_demandes": famille("get", "post", autorises=REPRESENTANTS),
    "dialogue:reponse": famille("get", "post", autorises=REPRESENTANTS),
    "dialogue:accord": famille("post", autorises=REPRESENTANTS),
    "dialogue:mes_donnees": CONNECTE,  # RGPD: one's own data only (tests/securite/test_rgpd.py)
    # Class council (R4, R16)
    "dialogue:conseil": personnel(),
    "dialogue:conseil_enregistrer": personnel("post", autorises=frozenset({"pp", "chef"})),
    "dialogue:conseil_publier": personnel("post", autorises=DIRECTION),
    # Head of school (R17–R21)
    "dialogue:direction_liste": ecole(autorises=DIRECTION),
    "dialogue:direction_dossier": personnel(autorises=DIRECTION),
    "dialogue:direction_exiger": personnel("post", autorises=DIRECTION),
    "dialogue:direction_entretien": personnel("post", autorises=DIRECTION),
    "dialogue:direction_decision": personnel("post", autorises=DIRECTION),
    "dialogue:direction_recours": personnel("post", autorises=DIRECTION),
    "dialogue:direction_statuer": personnel("post", autorises=DIRECTION),
    # Nothing to print before a decision: 404 for the head too in this state.
    "dialogue:direction_imprimer": personnel(autorises=DIRECTION, aussi=frozenset({404})),
    # Paper route
    "dialogue:papier_liste": ecole(),
    "dialogue:papier_vierge": ecole(),
    "dialogue:import_intentions": ecole("get", "post", autorises=GESTION),
    "dialogue:import_intentions_confirmer": ecole("post", autorises=GESTION),
    "dialogue:papier_fiche": personnel(),
    "dialogue:papier_imprimer": personnel(),
    "dialogue:papier_voeux": personnel("post"),
    "dialogue:papier_accuse": personnel("post"),
    "dialogue:papier_reponse": personnel("post"),
    "dialogue:papier_accord": personnel("post"),
    "dialogue:papier_transmettre": personnel("post", autorises=DIRECTION),
    # SIECLE import
    "etablissements:import": ecole("get", "post", autorises=GESTION),
    "etablissements:import_confirmer": ecole("post", autorises=GESTION),
    "etablissements:import_annuler": ecole("post", autorises=GESTION),
    # E-mails
    "notifications:demo_courriels": DEMO,
    "notifications:demo_courriel": DEMO,
    "notifications:demo_courriel_html": DEMO,
    "notifications:dossier": personnel(),
    # Every staff member sees the failures of the dossiers they see (an empty list elsewhere).
    "notifications:echecs": Regle(("get",), ECOLE | {"chef_autre_ecole"}, ECOLE),
    "notifications:reessayer": personnel("post"),
    # Pilotage (a professeur principal sees their divisions only)
    "pilotage:etablissement": ecole(),
    "pilotage:parametres": ecole("get", "post", autorises=GESTION),
    "pilotage:relancer": ecole("post"),
    "pilotage:export": ecole(),
    "pilotage:fiches_pdf": ecole(),
    # The whole school's fiches (a file built in the background): direction and secrétariat.
    "pilotage:fiches_etablissement_demander": ecole("post", autorises=GESTION),
    "pilotage:fiches_etablissement_telecharger": ecole(autorises=GESTION),
    "pilotage:fiche_pdf": personnel(),
    # Identity providers (tests/identite cover them configured)
    "identite:educonnect_connexion": DESACTIVE,
    "identite:educonnect_acs": Regle(("post",), frozenset(), TOUS, public=True),
    "identite:educonnect_sls": DESACTIVE,
    "identite:educonnect_metadonnees": DESACTIVE,
    "identite:franceconnect_connexion": DESACTIVE,
    "identite:franceconnect_retour": DESACTIVE,
    "identite:franceconnect_lier": Regle(("get", "post"), frozenset(), TOUS, public=True),
    "identite:franceconnect_deconnecte": Regle(("get",), TOUS, public=True, vers_connexion=True),
}

# Views that must accept a cross-site POST: the identity provider posts the SAML answer.
SANS_CSRF = {"identite:educonnect_acs"}


def _vers_connexion(reponse) -> bool:
    return reponse.status_code == 302 and "/compte/connexion/" in reponse.get("Location", "")


def _ecart(nom, methode, role, regle, reponse) -> str | None:
    code = reponse.status_code
    if code >= 500:
        return f"{code} (erreur serveur)"
    if methode not in regle.methodes:
        return None if code == 405 or _vers_connexion(reponse) else f"{code} au lieu de 405"
    if role == "anonyme" and not regle.public:
        return None if _vers_connexion(reponse) else f"{code} au lieu de la page de connexion"
    if role in regle.autorises:
        if code in regle.aussi:
            return None
        if code in (401, 403, 404, 405) or (_vers_connexion(reponse) and not regle.vers_connexion):
            return f"{code} alors que le rôle est autorisé"
        return None
    attendus = {403, 404} if role in regle.voient else {404}
    return None if code in attendus else f"{code} au lieu de {sorted(attendus)}"


@pytest.mark.django_db
def test_matrice_d_acces(settings):
    settings.ORIENTATION_DEMO = False
    monde = construire_monde(propositions_publiees=True)
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if monde.utilisateurs[role] is not None:
            clients[role].force_login(monde.utilisateurs[role])

    tous = dict(motifs())
    manquants = sorted(set(tous) - set(MATRICE))
    assert not manquants, f"Motifs d'URL sans règle d'accès dans MATRICE : {manquants}"

    ecarts = []
    for nom, route in sorted(tous.items()):
        regle = MATRICE[nom]
        url = reverse(nom, kwargs=kwargs_de(nom, route, monde))
        for methode in ("get", "post"):
            # A method the page does not accept: one role is enough to see the 405.
            roles = ROLES if methode in regle.methodes else ("representant",)
            for role in roles:
                reponse = demander(clients[role], methode, url)
                if ecart := _ecart(nom, methode, role, regle, reponse):
                    ecarts.append(f"{methode.upper()} {url} [{nom}] en {role} : {ecart}")
    assert not ecarts, "\n".join(ecarts)


@pytest.mark.django_db
def test_csrf_sur_chaque_changement_d_etat():
    """ASVS V4.2.2: a POST without the CSRF token is refused (403) on every state-changing page."""
    monde = construire_monde(propositions_publiees=True)
    ecarts = []
    for nom, route in sorted(motifs()):
        regle = MATRICE.get(nom)
        if regle is None or "post" not in regle.methodes or nom in SANS_CSRF:
            continue
        role = next((r for r in ROLES if r in regle.autorises), "anonyme")
        client = Client(enforce_csrf_checks=True)
        if monde.utilisateurs[role] is not None:
            client.force_login(monde.utilisateurs[role])
        url = reverse(nom, kwargs=kwargs_de(nom, route, monde))
        reponse = demander(client, "post", url)
        if reponse.status_code != 403:
            ecarts.append(f"POST {url} [{nom}] sans jeton CSRF : {reponse.status_code}")
    assert not ecarts, "\n".join(ecarts)


@pytest.mark.django_db
def test_references_directes_vers_une_autre_ecole_donnent_404():
    """ASVS V4.2.1: a dossier of another school, reached by its id, is a 404 for every staff
    member of this school and every family."""
    monde = construire_monde(propositions_publiees=True)
    ecarts = []
    for nom, route in sorted(motifs()):
        if "<int:pk>" not in route and "<int:dossier_pk>" not in route:
            continue
        if nom.startswith(("accounts:", "notifications:demo", "notifications:reessayer")):
            continue
        kwargs = kwargs_de(nom, route, monde)
        for cle in ("pk", "dossier_pk"):
            if cle in kwargs:
                kwargs[cle] = monde.dossier_autre_ecole.pk
        url = reverse(nom, kwargs=kwargs)
        for role in ("representant", "pp", "chef", "secretariat"):
            client = Client()
            client.force_login(monde.utilisateurs[role])
            for methode in MATRICE[nom].methodes:
                code = demander(client, methode, url).status_code
                if code != 404:
                    ecarts.append(f"{methode.upper()} {url} [{nom}] en {role} : {code}")
    assert not ecarts, "\n".join(ecarts)
