"""R7 under real concurrency: two representatives validate at the same instant, on two database
connections. Needs PostgreSQL's row locks (SQLite serialises whole transactions differently), so
it runs under `make test-postgres` and is skipped on SQLite."""

import threading
import time

import pytest
from django.db import connection, connections

from orientation.campagnes.models import Phase
from orientation.dialogue import workflow
from orientation.dialogue.models import Dossier, Evenement, Saisie, Voeu
from orientation.notifications.models import Notification
from tests.factories import famille

from .conftest import INTENTIONS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgresql_seulement():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


def test_R7_deux_representants_valident_au_meme_instant(monkeypatch):
    dossier, (r1, r2) = famille()
    # Widen the window between reading the dossier and writing it, so that without the row lock
    # both threads would read "no holder yet" and both would win.
    responsable = workflow._responsable

    def lent(user, d):
        time.sleep(0.3)
        return responsable(user, d)

    monkeypatch.setattr(workflow, "_responsable", lent)
    depart = threading.Barrier(2)
    resultats = {}

    def valider(rep):
        try:
            depart.wait()
            workflow.valider_voeux(
                Dossier.objects.get(pk=dossier.pk), rep.user, Phase.PROVISOIRE, INTENTIONS
            )
            resultats[rep.pk] = "validé"
        except workflow.Interdit:
            resultats[rep.pk] = "refusé"
        finally:
            connections.close_all()

    fils = [threading.Thread(target=valider, args=(rep,)) for rep in (r1, r2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)

    assert sorted(resultats.values()) == ["refusé", "validé"]
    gagnant = next(pk for pk, r in resultats.items() if r == "validé")
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions_id == gagnant
    assert Saisie.objects.get(dossier=dossier).valide_par_id == gagnant
    assert Evenement.objects.filter(dossier=dossier).count() == 1
    assert Voeu.objects.filter(dossier=dossier).count() == len(INTENTIONS)
    assert Notification.objects.filter(dossier=dossier).count() == 1
