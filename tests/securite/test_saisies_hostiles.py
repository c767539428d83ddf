"""Hostile input (ASVS V5, V12): random and hostile input in every public and staff form never
gives a 500 and writes nothing — unless it happens to be a valid entry, which then goes through an
audited transition. Forms: accounts, the family's wish form, the council's grid, the paper route,
the campaign settings; files: the SIECLE importer (XML, ZIP, bombs, external entities) and the
import of intentions (CSV, XLSX); and the size and type limits of every upload."""

import datetime
import functools

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orientation.accounts.models import Role, User
from orientation.campagnes.models import Specialite, Voie
from orientation.dialogue import workflow
from orientation.dialogue.models import Evenement
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    PersonnelFactory,
    classe_du_conseil,
    famille,
)

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "\x00",
            "../../etc/passwd",
            "a" * 5000,
            "{{ settings.SECRET_KEY }}",
            "%(x)s",
            "\u202e",
        ]
    ),
)
CHAMPS = st.dictionaries(
    st.sampled_from(
        [
            "username",
            "password",
            "identifiant",
            "code",
            "password1",
            "password2",
            "email",
            "prenom",
            "nom",
            "role",
            "divisions",
            "new_password1",
            "new_password2",
            "old_password",
        ]
    ),
    HOSTILE,
    max_size=8,
)
REGLAGES = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.mark.django_db
@pytest.mark.parametrize("nom", ["accounts:login", "accounts:activer", "accounts:reinitialiser"])
def test_formulaires_publics(nom):
    url = reverse(nom)

    @REGLAGES
    @given(CHAMPS)
    def essai(donnees):
        avant = (User.objects.count(), Evenement.objects.count())
        reponse = Client().post(url, {k: v.replace("\x00", "") for k, v in donnees.items()})
        assert reponse.status_code < 500
        assert (User.objects.count(), Evenement.objects.count()) == avant

    essai()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nom", ["accounts:personnels", "accounts:profil_email", "accounts:mot_de_passe"]
)
def test_formulaires_connectes(nom):
    poste = PersonnelFactory(role=Role.CHEF_ETABLISSEMENT)
    client = Client()
    client.force_login(poste.user)
    kwargs = {"uai": poste.etablissement.uai} if "personnels" in nom else {}
    url = reverse(nom, kwargs=kwargs)

    @REGLAGES
    @given(CHAMPS)
    def essai(donnees):
        avant = (User.objects.count(), Evenement.objects.count())
        reponse = client.post(url, donnees)
        assert reponse.status_code < 500
        assert (User.objects.count(), Evenement.objects.count()) == avant

    essai()


# --- Shared: what the database holds, hostile values, one example in a rolled-back transaction ---

VALEURS_HOSTILES = [
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "a" * 5000,
    "{{ settings.SECRET_KEY }}",
    "%(x)s",
    "\u202e",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic three: int() reads it
    "-1",
    "0",
    "99999999999999999999999",
    "1e9",
    "NaN",
    "",
    " ",
    "\ufeff",
    "0x10",
    "None",
]
HOSTILE_LARGE = st.one_of(st.text(max_size=120), st.sampled_from(VALEURS_HOSTILES))


def _valeurs(*plausibles):
    """A field's value: hostile text, a plausible value, or several of them (a repeated field)."""
    une = st.one_of(HOSTILE_LARGE, st.sampled_from([str(p) for p in plausibles] or [""]))
    return st.one_of(une, st.lists(une, min_size=2, max_size=3))


def _champs(noms_et_plausibles: dict) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {}, optional={nom: _valeurs(*p) for nom, p in noms_et_plausibles.items()}
    )


def _etat_base() -> dict:
    """Everything a form of this file could write, to compare before and after a request."""
    from orientation.campagnes.models import Campagne, ConseilDivision
    from orientation.dialogue.models import (
        Accord,
        Avis,
        Decision,
        Dossier,
        Entretien,
        Proposition,
        ReponseFamille,
        Saisie,
        Voeu,
    )
    from orientation.etablissements.models import Division, Eleve, ImportSiecle, Responsable
    from orientation.notifications.models import Notification

    modeles = [
        User,
        Evenement,
        Notification,
        Voeu,
        Saisie,
        Avis,
        Proposition,
        ReponseFamille,
        Accord,
        Entretien,
        Decision,
        Eleve,
        Responsable,
        Division,
        ImportSiecle,
        ConseilDivision,
    ]
    return {
        "compteurs": {m.__name__: m.objects.count() for m in modeles},
        "dossiers": list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "etat", "titulaire_intentions_id", "titulaire_demandes_id", "avis_accuse_le"
            )
        ),
        "saisies": list(Saisie.objects.order_by("pk").values_list("pk", "empreinte", "canal")),
        "avis": list(Avis.objects.order_by("pk").values_list("pk", "valeur", "motif")),
        "propositions": list(
            Proposition.objects.order_by("pk").values_list("pk", "reponse", "commentaire")
        ),
        "campagnes": list(
            Campagne.objects.order_by("pk").values_list(
                "pk",
                "provisoire_debut",
                "provisoire_fin",
                "definitive_debut",
                "definitive_fin",
                "reponse_limite",
                "forcage",
            )
        ),
        "offre": sorted(
            Campagne.specialites_offertes.through.objects.values_list(
                "campagne_id", "specialite_id"
            )
        ),
        "conseils": sorted(ConseilDivision.objects.values_list("pk", "date_conseil")),
    }


def _sans_ecriture_sauf_saisie_valide_et_auditee(avant: dict, reponse) -> None:
    """The property of every form: never a 5xx; nothing written, unless the input happened to be
    a valid entry, which then went through a transition and left its Evenement."""
    assert reponse.status_code < 500
    apres = _etat_base()
    if apres != avant:
        assert reponse.status_code in (200, 302), reponse.status_code
        assert apres["compteurs"]["Evenement"] > avant["compteurs"]["Evenement"], (avant, apres)


def _dans_une_transaction_annulee(fonction):
    """Each example starts from the same world, as in the access matrix."""

    @functools.wraps(fonction)
    def essai(*args, **kwargs):
        with transaction.atomic():
            fonction(*args, **kwargs)
            transaction.set_rollback(True)

    return essai


# As REGLAGES: modest, so that the file stays under a minute.
EXEMPLES = REGLAGES


# --- The family's wish form (R8–R12) -------------------------------------------------------------

CHAMPS_VOEUX = {
    "nb_lignes": ["1", "2", "3", "12", "-3"],
    "action": ["valider", "ajouter", "haut-2", "bas-1", "retirer-1", "retirer-99"],
    **{
        f"v{n}-{champ}": plausibles
        for n in (1, 2, 12)
        for champ, plausibles in {
            "famille": ["generale", "technologique", "professionnelle", "bt"],
            "serie": ["STMG", "STI2D", "STL"],
            "option": ["cap", "1re_pro", "2de_pro"],
            "spe_etab": ["MATHS", "PC", "SVT", "SES"],
            "spe_hors": ["HLP", "NSI"],
        }.items()
    },
}


def _essayer(client, url, champs):
    """Hypothesis posts random and hostile values of `champs` to `url`: never a 500, nothing
    written unless it is a valid, audited entry; each example rolled back."""

    @EXEMPLES
    @given(_champs(champs))
    @_dans_une_transaction_annulee
    def essai(donnees):
        avant = _etat_base()
        _sans_ecriture_sauf_saisie_valide_et_auditee(avant, client.post(url, donnees))

    essai()


@pytest.mark.django_db
@pytest.mark.parametrize("segment", ["famille_intentions", "famille_demandes"])
def test_formulaire_des_voeux_de_la_famille(segment):
    campagne = CampagneFactory(definitive_ouverte=segment == "famille_demandes")
    etat = {"avis_accuse": True} if segment == "famille_demandes" else {}
    dossier, (r1, _r2) = famille(campagne, **etat)
    client = Client()
    client.force_login(r1.user)
    url = reverse(f"dialogue:{segment}", args=[dossier.pk])

    _essayer(client, url, CHAMPS_VOEUX)


# --- The council's grid (R4, R16) ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("phase", ["provisoire", "definitive"])
@pytest.mark.parametrize("par_fetch", [False, True], ids=["formulaire", "fetch"])
def test_grille_du_conseil(phase, par_fetch):
    definitive = phase == "definitive"
    campagne = CampagneFactory(definitive_ouverte=definitive)
    etat = {"voeux_valides": True} if definitive else {"intentions_validees": True}
    division, pp, (dossier,) = classe_du_conseil(campagne, **etat)
    voeux = [v.pk for v in dossier.voeux.filter(phase=phase)]
    specialites = list(Specialite.objects.values_list("pk", flat=True)[:3])
    voies = list(Voie.objects.values_list("pk", flat=True)[:4])
    champs = {"version": ["0" * 32], "proposer": voies}
    for v in [*voeux, 999_999]:
        champs |= {
            f"avis-{v}": ["favorable", "reserve", "defavorable"],
            f"motif-{v}": ["Résultats fragiles"],
            f"commentaire-{v}": ["Bon trimestre"],
            f"spe-{v}": specialites,
            f"reponse-{v}": ["oui", "non"],
        }
    for v in voies:
        champs[f"spe-proposee-{v}"] = specialites
    client = Client()
    client.force_login(pp)
    url = reverse("dialogue:conseil_enregistrer", args=[division.pk, phase, dossier.pk])
    entetes = {"HTTP_X_REQUESTED_WITH": "fetch"} if par_fetch else {}

    @EXEMPLES
    @given(_champs(champs))
    @_dans_une_transaction_annulee
    def essai(donnees):
        avant = _etat_base()
        reponse = client.post(url, donnees, **entetes)
        assert reponse.status_code in (200, 302, 409, 422)
        _sans_ecriture_sauf_saisie_valide_et_auditee(avant, reponse)

    essai()


# --- The paper route (docs/saisie-papier.md) -----------------------------------------------------


def _dossier_pour(etape: str):
    """A dossier at the step the paper form of `etape` acts on, its two representatives."""
    if etape in ("voeux", "transmettre"):
        campagne = CampagneFactory()
        dossier, reps = famille(campagne, intentions_validees=etape == "transmettre")
        if etape == "transmettre":
            dossier.titulaire_intentions = reps[0]
            dossier.save()
        return dossier, reps
    if etape == "accuse":
        return famille(CampagneFactory(definitive_ouverte=True), avis_publie=True)
    dossier, reps = famille(CampagneFactory(definitive_ouverte=True), propositions_publiees=True)
    if etape == "accord":
        stmg = dossier.propositions.get(voie__code="STMG")
        workflow.repondre(dossier, reps[0].user, accepte=True, propositions=[stmg.pk])
    return dossier, reps


@pytest.mark.django_db
@pytest.mark.parametrize("etape", ["voeux", "accuse", "reponse", "accord", "transmettre"])
def test_formulaires_de_la_saisie_papier(etape):
    dossier, reps = _dossier_pour(etape)
    role = Role.CHEF_ETABLISSEMENT if etape == "transmettre" else Role.SECRETARIAT
    agent = PersonnelFactory(etablissement=dossier.campagne.etablissement, role=role).user
    hier = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    signature = {
        f"{etape}-pour": [r.pk for r in reps],
        f"{etape}-date_papier": [hier, "31/02/2020", "01/01/0001", "99/99/9999", "2020-01-01"],
        f"{etape}-reference_scan": ["scan-12.pdf"],
    }
    champs = {
        "voeux": {**CHAMPS_VOEUX, **signature},
        "accuse": signature,
        "reponse": {
            **signature,
            "reponse-choix": ["accepte", "refuse"],
            "reponse-propositions": list(dossier.propositions.values_list("pk", flat=True)),
        },
        "accord": {**signature, "accord-d_accord": ["oui", "non"]},
        "transmettre": {
            "transmettre-phase": ["provisoire", "definitive"],
            "transmettre-vers": [r.pk for r in reps],
            "transmettre-motif": ["Parent absent"],
        },
    }[etape]
    args = [dossier.pk, "provisoire"] if etape == "voeux" else [dossier.pk]
    url = reverse(f"dialogue:papier_{etape}", args=args)
    client = Client()
    client.force_login(agent)

    _essayer(client, url, champs)


# --- The campaign settings (pilotage) ------------------------------------------------------------

DATES_LIMITES = [
    "2026-03-01T08:00",
    "0001-01-01T00:00",  # before year 1 once in UTC
    "9999-12-31T23:59",  # after year 9999 once in UTC? (Paris is ahead: no)
    "2026-03-29T02:30",  # does not exist in Paris (clocks go forward)
    "2026-10-25T02:30",  # exists twice in Paris
    "2026-02-30T10:00",
    "31/12/2026 10:00",
]


@pytest.mark.django_db
def test_reglages_de_la_campagne():
    from orientation.pilotage.forms import DATES

    campagne = CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement)
    chef = PersonnelFactory(etablissement=campagne.etablissement).user
    champs = dict.fromkeys(DATES, DATES_LIMITES)
    champs |= {
        "forcage": ["", "ouvert", "ferme"],
        "specialites_offertes": list(Specialite.objects.values_list("pk", flat=True)[:3]),
        f"conseil_{division.pk}_provisoire": ["2026-03-10", "0001-01-01", "9999-12-31"],
        f"conseil_{division.pk}_definitive": ["2026-06-10", "2026-02-30"],
    }
    client = Client()
    client.force_login(chef)
    url = reverse("pilotage:parametres", args=[campagne.etablissement.uai])

    _essayer(client, url, champs)


@pytest.mark.django_db
@pytest.mark.parametrize("date", DATES_LIMITES[1:4])
def test_reglages_de_la_campagne_dates_aux_limites(date):
    """The edges hypothesis would rarely draw: each date in every field, the others valid."""
    from orientation.pilotage.forms import DATES

    campagne = CampagneFactory()
    chef = PersonnelFactory(etablissement=campagne.etablissement).user
    client = Client()
    client.force_login(chef)
    url = reverse("pilotage:parametres", args=[campagne.etablissement.uai])
    valides = {
        nom: timezone.localtime(getattr(campagne, nom)).strftime("%Y-%m-%dT%H:%M") for nom in DATES
    }
    for nom in DATES:
        with transaction.atomic():
            avant = _etat_base()
            reponse = client.post(url, {**valides, nom: date})
            _sans_ecriture_sauf_saisie_valide_et_auditee(avant, reponse)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_grille_du_conseil_pas_de_caractere_nul_en_base():
    """What hypothesis rarely draws: a valid avis with a NUL in its free texts. PostgreSQL refuses
    NUL in a text column (a 500), and nobody types one: it is dropped."""
    from orientation.dialogue.models import Avis

    division, pp, (dossier,) = classe_du_conseil()
    voeu = dossier.voeux.get()
    client = Client()
    client.force_login(pp)
    reponse = client.post(
        reverse("dialogue:conseil_enregistrer", args=[division.pk, "provisoire", dossier.pk]),
        {
            f"avis-{voeu.pk}": "defavorable",
            f"motif-{voeu.pk}": "Résultats\x00 fragiles",
            f"commentaire-{voeu.pk}": "\x00",
        },
    )
    assert reponse.status_code == 302
    avis = Avis.objects.get(voeu=voeu)
    assert (avis.motif, avis.commentaire) == ("Résultats fragiles", "")
