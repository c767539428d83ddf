"""Read-only mode (ORIENTATION_LECTURE_SEULE, docs/performance.md): writes refused with a 503 and
nothing saved, pages still read with a notice, logging in and out still possible."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orientation.accounts.models import Role
from orientation.dialogue.models import Avis, Dossier, Etat, Evenement, Saisie, Voeu
from orientation.notifications.models import Notification
from tests.factories import (
    MOT_DE_PASSE,
    CampagneFactory,
    DivisionFactory,
    PersonnelFactory,
    UserFactory,
    famille,
)

pytestmark = pytest.mark.django_db

BANDEAU = 'id="lecture-seule"'
REFUS = "Rien n&#x27;a été enregistré"  # escaped in the page


def intentions(dossier):
    return reverse("dialogue:famille_intentions", args=[dossier.pk])


# The family's list as the wish form posts it (tests/dialogue/test_famille_saisie.py): 1re STMG.
LISTE = {
    "nb_lignes": "1",
    "action": "valider",
    "v1-famille": "technologique",
    "v1-serie": "STMG",
    "v1-option": "",
}


@pytest.fixture
def lecture_seule(settings):
    settings.ORIENTATION_LECTURE_SEULE = True
    return settings


@pytest.fixture
def fam(client):
    dossier, (r1, _r2) = famille()
    client.force_login(r1.user)
    return dossier, r1


@pytest.fixture
def grille():
    """A council grid with one pupil whose intentions are validated, and its professeur
    principal."""
    campagne = CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement, code="2DE1")
    dossier, _ = famille(
        campagne, representants=1, eleve__division=division, intentions_validees=True
    )
    pp = PersonnelFactory(
        etablissement=division.etablissement, role=Role.PROFESSEUR_PRINCIPAL, divisions=[division]
    ).user
    voeu = Voeu.objects.get(dossier=dossier)
    url = reverse("dialogue:conseil_enregistrer", args=[division.pk, "provisoire", dossier.pk])
    return {
        "dossier": dossier,
        "pp": pp,
        "page": reverse("dialogue:conseil", args=[division.pk, "provisoire"]),
        "url": url,
        "donnees": {f"avis-{voeu.pk}": "favorable", f"commentaire-{voeu.pk}": "Bon trimestre"},
    }


def etat_du_dossier(dossier):
    d = Dossier.objects.get(pk=dossier.pk)
    return (
        d.etat,
        d.titulaire_intentions_id,
        list(Voeu.objects.filter(dossier=d).values_list("phase", "rang", "voie_id")),
        list(Saisie.objects.filter(dossier=d).values_list("phase", "valide_le")),
        Evenement.objects.filter(dossier=d).count(),
        Notification.objects.count(),
    )


def test_la_liste_d_une_famille_est_refusee_et_rien_n_est_ecrit(client, fam, lecture_seule):
    dossier, _r1 = fam
    avant = etat_du_dossier(dossier)
    reponse = client.post(intentions(dossier), LISTE)
    assert reponse.status_code == 503
    assert reponse["Retry-After"] == "300"
    page = reponse.content.decode()
    assert "Service en consultation seule" in page
    assert REFUS in page
    assert BANDEAU in page  # the refusal page is a page of the service like the others
    assert "référence" not in page  # nothing went wrong: no support reference to quote
    assert etat_du_dossier(dossier) == avant
    assert avant[0] == Etat.INTENTIONS_OUVERTES and avant[2] == [] and avant[5] == 0


def test_l_enregistrement_du_conseil_par_un_personnel_est_refuse(client, grille, lecture_seule):
    client.force_login(grille["pp"])
    avant = etat_du_dossier(grille["dossier"])
    reponse = client.post(grille["url"], grille["donnees"])
    assert reponse.status_code == 503
    assert reponse["Retry-After"] == "300"
    assert REFUS in reponse.content.decode()
    assert not Avis.objects.exists()
    assert etat_du_dossier(grille["dossier"]) == avant


def test_la_grille_par_fetch_recoit_un_503_en_texte_court(client, grille, lecture_seule):
    client.force_login(grille["pp"])
    reponse = client.post(grille["url"], grille["donnees"], HTTP_X_REQUESTED_WITH="fetch")
    assert reponse.status_code == 503
    assert reponse["Retry-After"] == "300"
    # conseil.js shows a text/plain 503 in the pupil's block, which keeps what was typed.
    assert reponse["Content-Type"] == "text/plain; charset=utf-8"
    texte = reponse.content.decode()
    assert texte.startswith(
        "Rien n'a été enregistré : le service est momentanément en consultation"
    )
    assert "<" not in texte and len(texte) < 200
    assert not Avis.objects.exists()
    assert not Evenement.objects.filter(action="saisir_avis").exists()


def test_les_pages_se_lisent_avec_le_bandeau_mais_ne_s_envoient_pas(client, fam, lecture_seule):
    dossier, _r1 = fam
    lecture_seule.ORIENTATION_LECTURE_SEULE_MESSAGE = "Incident en cours : saisies suspendues."
    for url in [reverse("accueil"), reverse("dialogue:famille_dossier", args=[dossier.pk])]:
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        page = reponse.content.decode()
        assert BANDEAU in page and "fr-notice--warning" in page
        assert "Incident en cours : saisies suspendues." in page
    formulaire = client.get(intentions(dossier))
    assert formulaire.status_code == 200
    assert BANDEAU in formulaire.content.decode()
    # The form is shown, and what it sends is refused.
    assert client.post(intentions(dossier), LISTE).status_code == 503
    assert not Voeu.objects.filter(dossier=dossier).exists()
    client.logout()
    connexion = client.get(reverse("accounts:login"))
    assert connexion.status_code == 200 and BANDEAU in connexion.content.decode()


def test_la_grille_se_lit_avec_le_bandeau(client, grille, lecture_seule):
    client.force_login(grille["pp"])
    page = client.get(grille["page"])
    assert page.status_code == 200
    assert BANDEAU in page.content.decode()
    assert client.post(grille["url"], grille["donnees"]).status_code == 503


def test_mode_coupe_ni_bandeau_ni_refus(client, fam, settings):
    assert settings.ORIENTATION_LECTURE_SEULE is False  # the default
    dossier, _r1 = fam
    page = client.get(intentions(dossier))
    assert page.status_code == 200
    assert BANDEAU not in page.content.decode()
    assert "consultation seule" not in page.content.decode()
    reponse = client.post(intentions(dossier), LISTE)
    assert reponse.status_code == 302
    assert list(Voeu.objects.filter(dossier=dossier).values_list("voie__code", flat=True)) == [
        "STMG"
    ]


def test_le_bandeau_ne_coute_aucune_requete_et_le_refus_n_ecrit_rien(client, fam, settings):
    dossier, _r1 = fam
    url = reverse("dialogue:famille_dossier", args=[dossier.pk])
    client.get(url)  # the session's activity written once, outside the measures
    with CaptureQueriesContext(connection) as sans:
        client.get(url)
    settings.ORIENTATION_LECTURE_SEULE = True
    with CaptureQueriesContext(connection) as avec:
        page = client.get(url)
    assert BANDEAU in page.content.decode()
    assert len(avec) == len(sans)
    # The refusal itself reads the session and the account, and writes nothing.
    with CaptureQueriesContext(connection) as refus:
        assert client.post(intentions(dossier), LISTE).status_code == 503
    assert refus.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in refus.captured_queries)


def test_connexion_et_deconnexion_passent_le_reste_non(client, lecture_seule):
    dossier, (r1, _r2) = famille()
    reponse = client.post(
        reverse("accounts:login"), {"username": r1.user.username, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(r1.user.pk)
    # Signed in, the family reads its dossier but cannot send its list.
    assert client.get(reverse("dialogue:famille_dossier", args=[dossier.pk])).status_code == 200
    assert client.post(intentions(dossier), LISTE).status_code == 503
    assert not Voeu.objects.filter(dossier=dossier).exists()
    reponse = client.post(reverse("accounts:logout"))
    assert reponse.status_code == 302
    assert "_auth_user_id" not in client.session


def test_rester_connecte_passe(client, fam, lecture_seule):
    """The end-of-session dialog's « Rester connecté » writes only the session, as reading a
    page does: refused, the page would say the session ended while it had not."""
    reponse = client.post(reverse("accounts:prolonger"))
    assert reponse.status_code == 200 and reponse.json()["restant"] > 0


def test_le_back_office_se_connecte_aussi(client, lecture_seule):
    admin = UserFactory(is_staff=True, is_superuser=True)
    reponse = client.post(
        reverse("admin:login"),
        {"username": admin.username, "password": MOT_DE_PASSE, "next": "/admin/"},
    )
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.post(reverse("admin:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_l_activation_d_un_compte_attend_la_fin_du_mode(client, lecture_seule):
    # Creating an account (or linking it, or resetting a password) is not logging in: refused.
    reponse = client.post(reverse("accounts:activer"), {"identifiant": "x", "code": "y"})
    assert reponse.status_code == 503
    assert reponse["Retry-After"] == "300"


def test_le_controle_de_sante_repond_toujours(client, lecture_seule):
    for methode in (client.get, client.head):
        reponse = methode(reverse("sante"))
        assert reponse.status_code == 200
        assert "Retry-After" not in reponse
    assert client.get(reverse("sante")).content == b"ok"
    # The mode is on all the same: what would write is refused, here too.
    assert client.post(reverse("sante")).status_code == 503


def test_un_refus_n_est_ni_garde_en_cache_ni_journalise_comme_une_erreur(
    client, fam, lecture_seule, caplog
):
    dossier, _r1 = fam
    reponse = client.post(intentions(dossier), LISTE)
    assert reponse.status_code == 503
    assert reponse["Cache-Control"] == "no-store"
    # Chosen by the operators: one error line per refused entry would drown the logs.
    assert not [r for r in caplog.records if r.name == "django.request"]
