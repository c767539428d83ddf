"""Queries of fixed shape, compiled by the ORM once per process (docs/performance.md).

Django compiles a queryset into SQL each time it is evaluated: for a lookup in one table that
costs ≈ 0.3 ms of CPU, several times what PostgreSQL takes to run the prepared statement. The
few queries every authenticated request makes (the session, the account, the family's links)
keep one shape whatever the request; only their parameters change. `RequeteFigee` lets the ORM
write such a query once, then runs the same SQL with new parameters, through Django's cursor
(the query is counted, logged and wrapped like any other) and with the ORM's converters.

The queryset is built by `fabrique` from the parameters, and the first call checks that the
parameters of the compiled SQL are exactly those given, in that order: a queryset whose SQL would
depend on their values (an IN list, a condition added for some values, a constant written in the
queryset) is refused at once instead of silently answering for the wrong values.
"""

from __future__ import annotations

import datetime
import threading

from django.db import connections
from django.db.models import CharField, Func, StringAgg, prefetch_related_objects, sql
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.query import ModelIterable, get_related_populators


def _adapter(connection, valeur):
    """The parameter as the ORM passes it to the database (datetimes are adapted by the backend:
    strings on SQLite, aware datetimes on PostgreSQL)."""
    if isinstance(valeur, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(valeur)
    return valeur


class RequeteFigee:
    """A SELECT: objets(), premier(), lignes(). With `suppression=True`, the DELETE of the
    queryset's rows instead: supprimer()."""

    def __init__(self, fabrique, *, suppression: bool = False):
        self.fabrique = fabrique
        self.suppression = suppression
        self._compilee = None  # (alias, sql, how to build objects or None, converters)
        self._verrou = threading.Lock()

    def _compiler(self, parametres):
        qs = self.fabrique(*parametres)
        connection = connections[qs.db]
        requete = qs.query
        if self.suppression:
            # As QuerySet._raw_delete() writes it: one DELETE, no signals, no cascade.
            requete = requete.clone()
            requete.__class__ = sql.DeleteQuery
        compiler = requete.get_compiler(qs.db)
        texte, params = compiler.as_sql()
        attendus = [_adapter(connection, p) for p in parametres]
        if list(params) != attendus:
            raise ValueError(
                f"RequeteFigee : les paramètres du SQL {params!r} ne sont pas ceux donnés "
                f"{attendus!r} ; la forme de la requête dépend de leurs valeurs."
            )
        if self.suppression:
            return qs.db, texte, None, []
        colonnes = [expression for expression, _sql, _alias in compiler.select]
        convertisseurs = [
            (position, convs, expression)
            for position, (convs, expression) in compiler.get_converters(colonnes).items()
        ]
        objets = None
        if qs._iterable_class is ModelIterable:
            # As ModelIterable builds them: the model's columns first, then those of the
            # select_related() models, each placed by the ORM's own RelatedPopulator.
            info = compiler.klass_info
            champs = info["select_fields"]
            if champs != list(range(len(champs))):
                raise ValueError("RequeteFigee : les colonnes du modèle d'abord")
            objets = (
                qs.model,
                [colonne.target.attname for colonne in colonnes[: len(champs)]],
                get_related_populators(info, compiler.select, qs.db, qs._fetch_mode),
                qs._fetch_mode,
                qs._prefetch_related_lookups,
                # The annotations, set on each object as ModelIterable sets them.
                tuple(compiler.annotation_col_map.items()),
            )
        return qs.db, texte, objets, convertisseurs

    def _executer(self, parametres, lire):
        compilee = self._compilee
        if compilee is None:
            # Two equal parameters (an account given twice, or a pupil and an account with the
            # same id): their order in the SQL cannot be checked on these values, so it is
            # compiled and checked on stand-ins of the same type, all different.
            modele = parametres if _distincts(parametres) else _substituts(parametres)
            if modele is None:  # no stand-in for this type: this SQL serves this call only
                compilee = self._compiler(parametres)
            else:
                with self._verrou:
                    if self._compilee is None:
                        self._compilee = self._compiler(modele)
                compilee = self._compilee
        alias, texte = compilee[:2]
        connection = connections[alias]
        with connection.cursor() as curseur:
            curseur.execute(texte, [_adapter(connection, p) for p in parametres])
            return lire(curseur), compilee

    def _lignes(self, parametres):
        if self.suppression:
            raise TypeError("RequeteFigee : une suppression se fait par supprimer()")
        lignes, (alias, _texte, objets, convertisseurs) = self._executer(
            parametres, lambda curseur: curseur.fetchall()
        )
        connection = connections[alias]
        if convertisseurs:
            lignes = [_convertir(list(ligne), convertisseurs, connection) for ligne in lignes]
        return alias, objets, lignes

    def objets(self, *parametres) -> list:
        """The model instances the queryset would give, with their select_related() objects and
        its prefetch_related() lookups (run as the queryset runs them, when there are objects)."""
        alias, objets, lignes = self._lignes(parametres)
        if objets is None:
            raise TypeError("RequeteFigee.objets : la requête ne donne pas des objets")
        modele, noms, liees, fetch_mode, prefetches, annotations = objets
        resultat = []
        for ligne in lignes:
            objet = modele.from_db(alias, noms, ligne[: len(noms)], fetch_mode=fetch_mode)
            for populateur in liees:
                populateur.populate(ligne, objet)
            for nom, position in annotations:
                setattr(objet, nom, ligne[position])
            resultat.append(objet)
        if prefetches and resultat:
            prefetch_related_objects(resultat, *prefetches)
        return resultat

    def premier(self, *parametres):
        """The first of objets(), or None."""
        trouves = self.objets(*parametres)
        return trouves[0] if trouves else None

    def supprimer(self, *parametres) -> int:
        """Deletes the queryset's rows as QuerySet._raw_delete() does (one DELETE, no signals,
        no cascade: for rows nothing else refers to); the number of rows deleted."""
        if not self.suppression:
            raise TypeError("RequeteFigee.supprimer : requête créée sans suppression=True")
        nombre, _compilee = self._executer(parametres, lambda curseur: curseur.rowcount)
        return nombre

    def lignes(self, *parametres) -> list[tuple]:
        """The rows of a `values_list()` queryset."""
        _alias, objets, lignes = self._lignes(parametres)
        if objets is not None:
            raise TypeError("RequeteFigee.lignes : la requête donne des objets, voir objets()")
        return [tuple(ligne) for ligne in lignes]


def _distincts(parametres) -> bool:
    return all(a != b for i, a in enumerate(parametres) for b in parametres[i + 1 :])


def _substituts(parametres) -> tuple | None:
    """The parameters, those equal to another replaced by values of the same type, all different
    (positive integers within any integer column's range, strings no one types); None when such
    a parameter is of another type."""
    substituts = list(parametres)
    for i, p in enumerate(parametres):
        if not any(p == q for j, q in enumerate(parametres) if j != i):
            continue
        if isinstance(p, bool) or not isinstance(p, int | str):
            return None
        substitut = 32000 + i if isinstance(p, int) else f"\x00substitut-{i}"
        if substitut in parametres:
            return None
        substituts[i] = substitut
    return tuple(substituts)


def _convertir(ligne, convertisseurs, connection):
    """The ORM's from_db_value converters, as the compiler applies them."""
    for position, convs, expression in convertisseurs:
        valeur = ligne[position]
        for conv in convs:
            valeur = conv(valeur, expression, connection)
        ligne[position] = valeur
    return ligne


def poser_prefetch(objets: list, nom: str, paires) -> None:
    """Leaves on each of `objets` what `prefetch_related(nom)` of a many-to-many would: the
    queryset of `objet.<nom>.all()`, already filled. `paires` are (the object's pk, a related
    object), in the relation's order, read by a RequeteFigee keyed on what the objects share (the
    dossier, say) instead of the IN list of their ids that Django compiles at each call."""
    par_objet: dict = {}
    for pk, lie in paires:
        par_objet.setdefault(pk, []).append(lie)
    for objet in objets:
        requete = getattr(objet, nom).get_queryset()
        requete._result_cache = par_objet.get(objet.pk, [])
        requete._prefetch_done = True
        if not hasattr(objet, "_prefetched_objects_cache"):
            objet._prefetched_objects_cache = {}
        objet._prefetched_objects_cache[nom] = requete


def en_texte(*colonnes: str):
    """For an aggregating subquery read with a RequeteFigee's rows: the values of `colonnes` on
    each row joined by ":" ("12:40" for two), the rows joined by ","; NULL when there is none.
    The separators are written in the SQL, not passed as parameters: a RequeteFigee's parameters
    are the ones it is called with (Concat() passes its own on SQLite). Read back by
    `depuis_texte`."""
    valeurs = [Cast(colonne, CharField()) for colonne in colonnes]
    ligne = valeurs[0] if len(valeurs) == 1 else _Joindre(*valeurs)
    return StringAgg(ligne, RawSQL("','", ()))


class _Joindre(Func):
    template = "(%(expressions)s)"
    arg_joiner = " || ':' || "
    output_field = CharField()


def depuis_texte(texte: str | None) -> list[tuple[int, ...]]:
    """The rows of an `en_texte()` aggregate, as tuples of ints."""
    return [tuple(int(v) for v in ligne.split(":")) for ligne in texte.split(",")] if texte else []
