"""orientation.requetes.RequeteFigee, and the per-request reads built on it (session, account,
family links): same answers as the ORM, counted like any query, shape-dependent queries refused."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import User
from orientation.etablissements.models import Eleve
from orientation.requetes import RequeteFigee
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_objets_egaux_a_ceux_de_l_orm_avec_les_convertisseurs():
    a, b = UserFactory(), UserFactory()
    a.last_login = timezone.now() - datetime.timedelta(days=1)
    a.save()
    requete = RequeteFigee(lambda pk: User.objects.filter(pk=pk))
    for compte in (a, b, a):
        (lu,) = requete.objets(compte.pk)
        attendu = User.objects.get(pk=compte.pk)
        assert lu == attendu and not lu._state.adding
        for champ in User._meta.concrete_fields:
            assert getattr(lu, champ.attname) == getattr(attendu, champ.attname), champ.name
    assert isinstance(requete.objets(a.pk)[0].last_login, datetime.datetime)
    assert requete.objets(0) == []


def test_lignes_d_un_values_list_et_parametre_date():
    comptes = [UserFactory() for _ in range(3)]
    requete = RequeteFigee(
        lambda debut, pk: (
            User.objects.filter(date_joined__gte=debut)
            .filter(pk__gte=pk)
            .order_by("pk")
            .values_list("pk", "username")
        )
    )
    hier = timezone.now() - datetime.timedelta(days=1)
    assert requete.lignes(hier, comptes[1].pk) == [(c.pk, c.username) for c in comptes[1:]]
    assert requete.lignes(timezone.now() + datetime.timedelta(days=1), 0) == []


def test_comptee_comme_toute_requete():
    compte = UserFactory()
    requete = RequeteFigee(lambda pk: User.objects.filter(pk=pk))
    requete.objets(compte.pk)
    with CaptureQueriesContext(connection) as requetes:
        requete.objets(compte.pk)
    assert len(requetes) == 1 and "accounts_user" in requetes[0]["sql"]


@pytest.mark.parametrize(
    "fabrique, en_liste",
    [
        (lambda ids: User.objects.filter(pk__in=ids), True),  # an IN list: a shape per length
        (lambda pk: User.objects.filter(pk=pk).exclude(first_name="x"), False),  # a constant
        (lambda pk: User.objects.filter(pk=pk).exclude(pk=pk + 1), False),  # a derived parameter
    ],
)
def test_forme_qui_depend_des_valeurs_refusee(fabrique, en_liste):
    compte = UserFactory()
    with pytest.raises(ValueError, match="forme"):
        RequeteFigee(fabrique).objets([compte.pk] if en_liste else compte.pk)


def test_objets_d_une_seule_table():
    eleve_requete = RequeteFigee(lambda pk: Eleve.objects.filter(pk=pk).select_related("division"))
    with pytest.raises(ValueError, match="une seule table"):
        eleve_requete.objets(1)
    with pytest.raises(TypeError):
        RequeteFigee(lambda pk: User.objects.filter(pk=pk).values_list("pk")).objets(1)
    with pytest.raises(TypeError):
        RequeteFigee(lambda pk: User.objects.filter(pk=pk)).lignes(1)


def test_session_expiree_non_relue(client):
    compte = UserFactory()
    client.force_login(compte)
    assert client.get(reverse("accounts:profil")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


def test_compte_desactive_deconnecte_a_la_requete_suivante(client):
    compte = UserFactory()
    client.force_login(compte)
    assert client.get(reverse("accounts:profil")).status_code == 200
    User.objects.filter(pk=compte.pk).update(is_active=False)
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]
