"""SQL budgets (docs/performance.md): every page's query count is asserted, and it does not grow
with the number of wishes, children or dossiers. A page is measured on a small and on a large
case; both must be equal and within the budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orientation.campagnes.models import Phase, Voie
from orientation.dialogue.models import Voeu
from tests.factories import CampagneFactory, PersonnelFactory, famille

pytestmark = pytest.mark.django_db


def _requetes(client, url):
    """The queries of a page as a signed-in person reads it again: the session's activity stamp
    is written at most once a minute (accounts/middleware.py), so the first visit is not the
    steady state."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.get(url)
    assert reponse.status_code == 200, (url, reponse.status_code)
    return len(ctx.captured_queries)


def _voeux(dossier, n):
    """n voeux of 1re technologique in the provisional list (one voie each, R8)."""
    Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE).delete()
    for rang, voie in enumerate(Voie.objects.filter(famille="technologique")[:n], start=1):
        Voeu.objects.create(dossier=dossier, phase=Phase.PROVISOIRE, rang=rang, voie=voie)


def _mesure(client, url, avant, apres, budget):
    """The count on the small case, then after `apres()` grew the data: equal and ≤ budget."""
    avant()
    petit = _requetes(client, url)
    apres()
    grand = _requetes(client, url)
    assert petit == grand, f"{url}: {petit} requêtes puis {grand} (dépend du volume)"
    assert grand <= budget, f"{url}: {grand} requêtes pour un budget de {budget}"


def test_sante_sans_sql(client):
    assert _requetes(client, reverse("sante")) == 0


@pytest.mark.parametrize(
    ("nom", "budget"),
    [
        ("dialogue:famille_dossier", 4),
        ("dialogue:famille_intentions", 4),
    ],
)
def test_pages_famille_independantes_du_nombre_de_voeux(client, nom, budget):
    dossier, (resp, _autre) = famille()
    client.force_login(resp.user)
    url = reverse(nom, args=[dossier.pk])
    _mesure(client, url, lambda: _voeux(dossier, 1), lambda: _voeux(dossier, 6), budget)


def _valider(client, url, series):
    """The queries of validating a list of 1re technologique series (an e-mail is enqueued)."""
    donnees = {"nb_lignes": str(len(series)), "action": "valider"}
    for n, serie in enumerate(series, start=1):
        donnees |= {f"v{n}-famille": "technologique", f"v{n}-serie": serie}
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.post(url, donnees)
    assert reponse.status_code == 302, (url, reponse.status_code)
    return len(ctx.captured_queries)


def test_validation_independante_du_nombre_de_voeux(client):
    """R12's whole-list replacement, the audit line and R13's e-mail: the same count for one wish
    or six, the catalogue read from memory (campagnes/catalogue.py)."""
    dossier, (resp, _autre) = famille()
    client.force_login(resp.user)
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    series = ["STMG", "STI2D", "STL", "ST2S", "STD2A", "STHR"]
    _valider(client, url, series[2:3])  # the first validation also creates the Saisie
    un = _valider(client, url, series[:1])
    six = _valider(client, url, series)
    encore_un = _valider(client, url, series[1:2])
    assert un == six == encore_un, (un, six, encore_un)
    assert six <= 17, f"validation : {six} requêtes pour un budget de 17"


def test_recapitulatif_independant_du_nombre_de_voeux(client):
    dossier, (resp, _autre) = famille(intentions_validees=True)
    client.force_login(resp.user)
    url = reverse("dialogue:famille_recapitulatif", args=[dossier.pk, "intentions"])
    _mesure(client, url, lambda: _voeux(dossier, 1), lambda: _voeux(dossier, 6), 4)


def test_accueil_famille_independant_du_nombre_d_enfants(client):
    campagne = CampagneFactory()
    dossier, (resp, _autre) = famille(campagne)
    client.force_login(resp.user)

    def frere_et_soeurs():
        from tests.factories import DossierFactory, LienFactory

        for _ in range(3):
            d = DossierFactory(campagne=campagne)
            LienFactory(eleve=d.eleve, responsable=resp, code_parente="10")

    _mesure(client, reverse("accueil"), lambda: None, frere_et_soeurs, 5)


def test_reponse_independante_du_nombre_de_voeux(client):
    dossier, (resp, _autre) = famille(propositions_publiees=True)
    client.force_login(resp.user)
    url = reverse("dialogue:reponse", args=[dossier.pk])
    _mesure(client, url, lambda: None, lambda: _voeux(dossier, 6), 9)


def test_liste_direction_independante_du_nombre_de_dossiers(client):
    campagne = CampagneFactory()
    dossier, _resps = famille(campagne, voeux_valides=True)
    chef = PersonnelFactory(etablissement=campagne.etablissement, role="chef_etablissement").user
    client.force_login(chef)
    url = reverse("dialogue:direction_liste", args=[campagne.etablissement.uai])

    def plus_de_dossiers():
        for etat in ("voeux_valides", "propositions_publiees", "intentions_validees"):
            for _ in range(3):
                famille(campagne, **{etat: True})

    _mesure(client, url, lambda: None, plus_de_dossiers, 5)


def _deconnexion_apres_validation(client, resp, url, series):
    """The queries of logging out after validating a list: R15's summary to both
    representatives is written then (one outbox row and one delivery task each)."""
    from orientation.notifications.models import Notification

    client.force_login(resp.user)
    _valider(client, url, series)
    avant = Notification.objects.filter(evenement="recapitulatif").count()
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.post(reverse("accounts:logout"))
    assert reponse.status_code in (200, 302)
    assert Notification.objects.filter(evenement="recapitulatif").count() == avant + 2
    return len(ctx.captured_queries)


def test_deconnexion_avec_recapitulatif_independante_du_nombre_de_voeux(client):
    """R15 at logout: the dossier, its last list and its wishes, the representatives, the rows
    and their tasks, by the same count for one wish or six."""
    dossier, (resp, _autre) = famille()
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    un = _deconnexion_apres_validation(client, resp, url, ["STMG"])
    six = _deconnexion_apres_validation(
        client, resp, url, ["STMG", "STI2D", "STL", "ST2S", "STD2A", "STHR"]
    )
    assert un == six, (un, six)
    assert six <= 16, f"déconnexion : {six} requêtes pour un budget de 16"
