"""A persistent PostgreSQL connection's health check reads its socket instead of sending
`SELECT 1` at the start of every request; a connection the server closed is still replaced
before the request's first query (orientation/postgresql/base.py)."""

import select
import time

import psycopg
import pytest
from django.db import connection, connections

from orientation.campagnes.models import Voie

pytestmark = [
    # An idle connection, as between two requests; the base as migrations left it afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL seulement"),
]


@pytest.fixture
def controles(monkeypatch):
    """The connection as at the start of a request (Django's request_started), and the round
    trips of Django's own check (`is_usable`: SELECT 1) counted."""
    base = connections["default"]
    base.ensure_connection()
    base.health_check_enabled = True
    appels = []
    verifier = type(base).is_usable
    monkeypatch.setattr(type(base), "is_usable", lambda self: appels.append(1) or verifier(self))
    base.close_if_unusable_or_obsolete()
    assert base.connection is not None and not base.health_check_done
    return appels


def test_une_connexion_saine_est_gardee_sans_aller_retour(controles):
    avant = connection.connection
    connection.close_if_health_check_failed()
    assert controles == []  # Django's backend sends SELECT 1 here
    assert connection.connection is avant and connection.health_check_done
    assert Voie.objects.count() >= 0


def test_une_connexion_fermee_par_le_serveur_est_remplacee(controles):
    avant = connection.connection
    with psycopg.connect(**_params(), autocommit=True) as c:
        c.execute("SELECT pg_terminate_backend(%s)", [avant.info.backend_pid])
    # The server's FATAL message and the end of the stream reach the socket.
    fin = time.monotonic() + 5
    while not select.select([avant.fileno()], [], [], 0.05)[0] and time.monotonic() < fin:
        pass
    connection.close_if_health_check_failed()
    assert controles == [1]  # something waited on the socket: Django's check decided
    assert connection.connection is None  # closed: the next query opens a new one
    assert Voie.objects.count() >= 0
    assert connection.connection is not avant


def _params() -> dict:
    """The test database's connection parameters, for a second connection of the test's own."""
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")}
