"""Login identifiers made at import (p.nom, p.nom2…) and the indexes the logins rely on."""

import pytest
from django.db import connection

from orientation.accounts.models import User
from orientation.accounts.services import creer_compte, creer_comptes, identifiant_libre

pytestmark = pytest.mark.django_db


def test_identifiant_suit_la_forme_des_etablissements():
    assert identifiant_libre("Éloïse", "De La Tour-d'Auvergne") == "e.delatourdauvergne"
    assert creer_compte("Jean", "Martin").username == "j.martin"
    assert creer_compte("Julie", "Martin").username == "j.martin2"
    assert creer_compte("Jules", "Martin").username == "j.martin3"


def test_un_identifiant_ne_differe_jamais_d_un_autre_par_la_seule_casse():
    # An account made by hand with capitals: a login compares without case, so "j.martin" would
    # be the same identifier.
    User.objects.create(username="J.Martin")
    User.objects.create(username="j.martin2")
    assert identifiant_libre("Jean", "Martin") == "j.martin3"


def test_un_prefixe_commun_ne_compte_pas_comme_pris():
    creer_compte("Jean", "Martinez")
    assert identifiant_libre("Jean", "Martin") == "j.martin"


def test_comptes_crees_par_lot_comme_un_par_un():
    # The SIECLE import creates its accounts by batches: the same rows as creer_compte, in order.
    comptes = creer_comptes(
        [("Jean", "Martin", ""), ("Julie", "Martin", "julie@exemple.fr"), ("Éloïse", "Dupré", "")]
    )
    assert [u.username for u in comptes] == ["j.martin", "j.martin2", "e.dupre"]
    julie = User.objects.get(username="j.martin2")
    assert (julie.first_name, julie.last_name, julie.email) == (
        "Julie",
        "Martin",
        "julie@exemple.fr",
    )
    assert all(not u.has_usable_password() for u in User.objects.all())
    assert creer_compte("Jules", "Martin").username == "j.martin3"


def test_un_lot_evite_les_identifiants_deja_pris_meme_dans_une_autre_casse():
    User.objects.create(username="j.martin")
    User.objects.create(username="J.Martin2")  # made by hand: j.martin2 is taken for logins
    comptes = creer_comptes([("Jean", "Martin", ""), ("Julie", "Martin", ""), ("Paul", "Roux", "")])
    assert [u.username for u in comptes] == ["j.martin3", "j.martin4", "p.roux"]


def test_un_lot_de_plus_de_500_noms_differents():
    # The taken identifiers are read by 500 prefixes a query (SQLite's limit of a compound SELECT).
    noms = [a + b for a in "abcdefghijklmnopqrstuvwxy" for b in "abcdefghijklmnopqrstuvwxy"][:520]
    User.objects.create(username=f"p.{noms[-1]}")
    comptes = creer_comptes([("Paul", nom, "") for nom in noms])
    assert len({u.username for u in comptes}) == 520
    assert comptes[0].username == f"p.{noms[0]}"
    assert comptes[-1].username == f"p.{noms[-1]}2"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans de PostgreSQL")
@pytest.mark.parametrize(
    "filtre, index",
    [
        ({"username__iexact": "J.MARTIN"}, "user_username_upper"),
        ({"email__iexact": "A@B.FR"}, "user_email_upper"),
    ],
)
def test_la_connexion_cherche_le_compte_par_un_index(filtre, index):
    """Logins look accounts up without case; without an index on UPPER(column) every login read
    the whole table (performance.md, Index)."""
    sql, params = User.objects.filter(**filtre).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert index in plan, plan
