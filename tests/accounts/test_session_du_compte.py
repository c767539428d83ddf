"""The account read with the session, by one query (accounts/sessions.py, accounts.Session), with
Django's checks unchanged: the account must be the session's, active, its password the one the
session was opened with; and what the session store read is offered to nothing but the request's
own authentication."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orientation.accounts import permissions
from orientation.accounts.backends import EmailOrUsernameBackend
from orientation.accounts.models import Session
from orientation.etablissements.models import Lien
from tests.factories import (
    MOT_DE_PASSE,
    DossierFactory,
    LienFactory,
    PersonnelFactory,
    ResponsableFactory,
    UserFactory,
    famille,
)

pytestmark = pytest.mark.django_db
PAGE = "/accessibilite/"  # a signed-in page that reads nothing of its own


def _connecter(client, user):
    reponse = client.post(
        reverse("accounts:login"), {"username": user.username, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def _requetes(client, chemin=PAGE):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(chemin)
    return reponse, [q["sql"] for q in requetes]


def test_la_session_et_son_compte_en_une_requete(client):
    user = UserFactory()
    session = _connecter(client, user)
    assert session.compte_id == user.pk  # written with the session at login
    reponse, requetes = _requetes(client)
    assert reponse.status_code == 200 and "Se déconnecter" in reponse.content.decode()
    assert len(requetes) == 1, requetes
    assert '"accounts_session"' in requetes[0] and '"accounts_user"' in requetes[0]


def test_le_poste_du_personnel_est_lu_avec_la_session(client):
    """The staff-position flag CompteDeLaSession's own query reads comes with the session."""
    personnel = PersonnelFactory()
    _connecter(client, personnel.user)
    reponse, requetes = _requetes(client, "/")
    assert reponse.status_code == 200
    assert not [sql for sql in requetes if 'FROM "accounts_user"' in sql]
    assert reponse.wsgi_request.user._un_poste == personnel.pk


def test_les_liens_de_la_famille_sont_lus_avec_la_session(client):
    """R2's links of the account — the pupils it is a legal representative of and its own
    Responsable rows — come with the session: a family's page reads no link of its own, and
    they are those the links' query reads (legal links only, every Responsable row of the
    account, a parent known at two schools)."""
    dossier, (resp, _autre) = famille()
    ailleurs = DossierFactory()  # another school: another Responsable row of the same account
    autre_fiche = ResponsableFactory(etablissement=ailleurs.eleve.etablissement, user=resp.user)
    LienFactory(eleve=ailleurs.eleve, responsable=autre_fiche)
    contact = DossierFactory(campagne=dossier.campagne)  # not a legal link: R2 gives nothing
    LienFactory(eleve=contact.eleve, responsable=resp, niveau=Lien.Niveau.CONTACT)
    _connecter(client, resp.user)

    reponse, requetes = _requetes(client, reverse("dialogue:famille_dossier", args=[dossier.pk]))

    assert reponse.status_code == 200
    assert not [sql for sql in requetes if sql.startswith('SELECT "etablissements_lien"')]
    lus = reponse.wsgi_request.user._liens_legaux_cache
    assert lus == ({dossier.eleve_id, ailleurs.eleve_id}, {resp.pk, autre_fiche.pk})
    compte = get_user_model().objects.get(pk=resp.user.pk)  # read alone: the links' query
    assert permissions._liens_legaux(compte) == lus
    assert client.get(reverse("dialogue:famille_dossier", args=[contact.pk])).status_code == 404


def test_un_compte_sans_lien_n_en_lit_aucun(client):
    personnel = PersonnelFactory()
    _connecter(client, personnel.user)
    reponse, _requetes_lues = _requetes(client, "/")
    assert reponse.wsgi_request.user._liens_legaux_cache == (frozenset(), frozenset())


def test_un_mot_de_passe_change_ailleurs_met_fin_a_la_session(client):
    user = UserFactory()
    _connecter(client, user)
    get_user_model().objects.filter(pk=user.pk).update(password="argon2$autre")
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and reverse("accounts:login") in reponse["Location"]


def test_un_compte_desactive_n_est_plus_connecte(client):
    user = UserFactory()
    _connecter(client, user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and reverse("accounts:login") in reponse["Location"]


def test_une_session_sans_compte_ecrit_lit_le_compte_puis_le_recoit(client, settings):
    """A session moved from Django's table at deployment has no account yet: the account is read
    as before, and written with the session at its next save."""
    settings.SESSION_IDLE_TIMEOUT = 3600
    user = UserFactory()
    session = _connecter(client, user)
    Session.objects.filter(pk=session.pk).update(compte=None)
    reponse, requetes = _requetes(client)
    assert reponse.status_code == 200 and len(requetes) == 2  # the session, then the account
    client.session.save()
    assert Session.objects.get(pk=session.pk).compte_id == user.pk


def test_le_compte_lu_n_est_offert_qu_a_l_authentification_de_la_requete(client):
    user = UserFactory()
    _connecter(client, user)
    client.get(PAGE)
    # After the request, in the same thread: the backend reads the account itself.
    with CaptureQueriesContext(connection) as requetes:
        assert EmailOrUsernameBackend().get_user(user.pk) == user
    assert len(requetes) == 1


def test_supprimer_un_compte_supprime_ses_sessions(client):
    user = UserFactory()
    session = _connecter(client, user)
    user.delete()
    assert not Session.objects.filter(pk=session.pk).exists()
    assert client.get(reverse("accounts:profil")).status_code == 302


def test_une_cle_prise_est_reconnue_sans_compiler_de_requete(client):
    """At each login Django checks the new session key is free: a query compiled once."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from orientation.accounts.sessions import SessionStore

    session = _connecter(client, UserFactory())
    magasin = SessionStore()
    assert magasin.exists(session.session_key) is True
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as sql:
        assert magasin.exists("x" * 32) is False
        assert magasin.exists(session.session_key) is True
    assert sql.call_count == 0
