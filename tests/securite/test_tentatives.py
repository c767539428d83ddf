"""django-axes' handler with its failure count in fixed SQL and its purge once a minute
(orientation/accounts/tentatives.py): the same counts as axes' own handler, no ORM compilation,
and expired attempts still purged."""

from datetime import timedelta
from unittest import mock

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orientation.accounts import tentatives
from orientation.accounts.tentatives import GestionnaireTentatives

pytestmark = pytest.mark.django_db


def _requete(ip):
    requete = RequestFactory().post("/compte/connexion/", REMOTE_ADDR=ip)
    AxesProxyHandler.update_request(requete)
    return requete


def _tentative(username, ip, echecs, il_y_a_minutes, navigateur="navigateur"):
    tentative = AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent=navigateur,
        failures_since_start=echecs,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/compte/connexion/",
    )
    # attempt_time is set on creation: moved back afterwards.
    AccessAttempt.objects.filter(pk=tentative.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=il_y_a_minutes)
    )


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8::7"])
def test_meme_compte_d_echecs_que_le_gestionnaire_d_axes(settings, ip):
    settings.AXES_ENABLED = True
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    _tentative("camille", ip, 3, il_y_a_minutes=2)  # counts
    _tentative("camille", ip, 2, il_y_a_minutes=3, navigateur="tablette")  # counts: 3 + 2
    _tentative("camille", ip, 4, il_y_a_minutes=30, navigateur="autre")  # older than the cool-off
    _tentative("camille", "198.51.100.1", 2, il_y_a_minutes=1)  # another address
    _tentative("dominique", ip, 1, il_y_a_minutes=1)  # another account
    for nom, attendu in [("camille", 5), ("dominique", 1), ("personne", 0)]:
        credentials = {"username": nom}
        requete = _requete(ip)
        axes = AxesDatabaseHandler().get_failures(requete, credentials)
        assert GestionnaireTentatives().get_failures(requete, credentials) == axes == attendu


def test_le_compte_d_echecs_ne_compile_rien(settings):
    settings.AXES_ENABLED = True
    _tentative("camille", "203.0.113.7", 3, il_y_a_minutes=2)
    requete = _requete("203.0.113.7")
    with (
        mock.patch("django.db.models.sql.compiler.SQLCompiler.as_sql") as compile_,
        CaptureQueriesContext(connection) as requetes,
    ):
        assert GestionnaireTentatives().get_failures(requete, {"username": "camille"}) == 3
    assert not compile_.called
    assert len(requetes) == 1 and "SUM(" in requetes[0]["sql"]


def test_un_parametre_absent_passe_par_la_requete_d_axes(settings):
    settings.AXES_ENABLED = True
    requete = _requete("203.0.113.7")
    with mock.patch.object(AxesDatabaseHandler, "get_failures", return_value=7) as axes:
        assert GestionnaireTentatives().get_failures(requete, None) == 7  # no username: None
    assert axes.called


def test_les_tentatives_expirees_sont_purgees_au_plus_une_fois_par_minute(settings):
    settings.AXES_ENABLED = True
    GestionnaireTentatives._prochain_nettoyage = 0.0
    gestionnaire = GestionnaireTentatives()
    with mock.patch.object(tentatives.time, "monotonic", return_value=10_000.0):
        _tentative("camille", "203.0.113.7", 1, il_y_a_minutes=30)
        gestionnaire.clean_expired_user_attempts(_requete("203.0.113.7"))
        assert not AccessAttempt.objects.exists()  # purged
        _tentative("camille", "203.0.113.7", 1, il_y_a_minutes=30)
        gestionnaire.clean_expired_user_attempts(_requete("203.0.113.7"))
        assert AccessAttempt.objects.count() == 1  # not again within the minute
    with mock.patch.object(tentatives.time, "monotonic", return_value=10_061.0):
        gestionnaire.clean_expired_user_attempts(_requete("203.0.113.7"))
    assert not AccessAttempt.objects.exists()  # a minute later: purged again


def test_le_service_utilise_ce_gestionnaire(settings):
    assert settings.AXES_HANDLER == "orientation.accounts.tentatives.GestionnaireTentatives"


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8::7"])
def test_la_remise_a_zero_d_un_compte_supprime_ce_que_supprime_axes_en_un_delete(settings, ip):
    """The account's attempts from this address, any age, and nothing else; by one DELETE (axes:
    a SELECT, then the collector's DELETE in a transaction, even of nothing)."""
    settings.AXES_ENABLED = True
    _tentative("camille", ip, 3, il_y_a_minutes=2)
    _tentative("camille", ip, 1, il_y_a_minutes=30, navigateur="tablette")
    _tentative("camille", "198.51.100.1", 2, il_y_a_minutes=1)  # another address
    _tentative("dominique", ip, 1, il_y_a_minutes=1)  # another account
    restent = sorted(
        AccessAttempt.objects.exclude(username="camille", ip_address=ip).values_list(
            "username", "ip_address"
        )
    )
    with CaptureQueriesContext(connection) as requetes:
        assert GestionnaireTentatives().reset_user_attempts(_requete(ip), {"username": "camille"})
    assert [q["sql"].split()[0] for q in requetes] == ["DELETE"]
    assert sorted(AccessAttempt.objects.values_list("username", "ip_address")) == restent
    assert GestionnaireTentatives().reset_user_attempts(_requete(ip), {"username": "camille"}) == 0
    # What the collector would have called on each deleted row does nothing in axes' handler.
    assert (
        GestionnaireTentatives.post_delete_access_attempt
        is AxesDatabaseHandler.post_delete_access_attempt
    )
    with CaptureQueriesContext(connection) as requetes:
        AxesDatabaseHandler().post_delete_access_attempt(AccessAttempt())
    assert len(requetes) == 0
