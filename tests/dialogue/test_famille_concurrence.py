"""Concurrency of the family's wish form, through the pages, on PostgreSQL with real concurrent
connections (R7, double submit)."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from orientation.campagnes.models import Phase
from orientation.dialogue import workflow
from orientation.dialogue.models import Dossier, Saisie, Voeu
from orientation.notifications.models import Notification
from tests.concurrence import en_meme_temps
from tests.factories import famille

from .test_famille_saisie import STI2D, STMG, liste

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgresql_seulement():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


def _en_meme_temps(monkeypatch, envois):
    """Each (client, url, data) POSTed at the same instant, the holder lookup slowed down so that
    both requests are inside valider_voeux together; returns the responses."""
    responsable = workflow._responsable

    def lent(user, d):
        time.sleep(0.3)  # without the row lock both would read "no holder yet"
        return responsable(user, d)

    monkeypatch.setattr(workflow, "_responsable", lent)
    return en_meme_temps([(client, url, data, {"follow": True}) for client, url, data in envois])


def test_R7_deux_representants_valident_par_la_page_au_meme_instant(monkeypatch):
    dossier, (r1, r2) = famille()
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    c1, c2 = Client(), Client()
    c1.force_login(r1.user)
    c2.force_login(r2.user)
    reponses = _en_meme_temps(monkeypatch, [(c1, url, liste(STMG)), (c2, url, liste(STI2D, STMG))])
    pages = [r.content.decode() for r in reponses]
    assert sum("lui seul peut" in p for p in pages) == 1
    assert sum("Vos choix sont validés" in p for p in pages) == 1
    dossier = Dossier.objects.get(pk=dossier.pk)
    gagnant = r1 if "Vos choix sont validés" in pages[0] else r2
    attendu = ["STMG"] if gagnant == r1 else ["STI2D", "STMG"]
    # No mixed list: exactly the winner's.
    codes = list(
        Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE)
        .order_by("rang")
        .values_list("voie__code", flat=True)
    )
    assert codes == attendu
    assert dossier.titulaire_intentions_id == gagnant.pk


def test_double_envoi_simultane_du_meme_formulaire_sauve_une_fois(monkeypatch):
    dossier, (r1, _r2) = famille()
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    client = Client()
    client.force_login(r1.user)
    reponses = _en_meme_temps(monkeypatch, [(client, url, liste(STMG)), (client, url, liste(STMG))])
    assert all(r.status_code == 200 for r in reponses)
    saisie = Saisie.objects.get(dossier_id=dossier.pk)
    assert saisie.nb_validations == 1
    assert Voeu.objects.filter(dossier_id=dossier.pk).count() == 1
    assert Notification.objects.filter(dossier_id=dossier.pk, evenement="confirmation").count() == 1
