"""Who may see and do what: the one place (ARCHITECTURE.md rule 3).

Views and workflow transitions call these predicates; every object lookup goes through a queryset
scoped with them, so that somebody else's dossier is a 404, never a leak.
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from orientation.requetes import RequeteFigee, depuis_texte, en_texte

from .models import Role

DIRECTION = (Role.CHEF_ETABLISSEMENT, Role.ADJOINT)
LEGAL = 1  # Lien.Niveau.LEGAL: a legal representative (R2), not imported when this module loads
STAFF_ROLES = (*DIRECTION, Role.SECRETARIAT, Role.PROFESSEUR_PRINCIPAL)


def _postes_lus():
    from orientation.etablissements.models import Personnel

    return Personnel.objects.select_related("etablissement")


# Read on every staff check, most often to find that a family has none: compiled once per
# process (orientation/requetes.py), and so are the divisions of a professeur principal, read
# only when asked for (the ORM's prefetch of every position's divisions compiled its query at
# every staff page).
_POSTES = RequeteFigee(lambda user_id: _postes_lus().filter(user=user_id))


def _divisions_du_compte(role, user_id):
    from orientation.etablissements.models import Personnel

    return Personnel.divisions.through.objects.filter(
        personnel__role=role, personnel__user=user_id
    ).values_list("division_id")


# The parameters in the order of the compiled SQL (Django sorts a filter()'s keywords).
_DIVISIONS = RequeteFigee(_divisions_du_compte)


def un_poste(compte: str) -> Subquery:
    """For a query of accounts (or of rows pointing at one, `compte` naming its id): one of the
    account's staff positions' ids, or NULL, annotated as `_un_poste` so that `_postes` reads
    nothing for an account without any. (Exists() would add a constant to the parameters of a
    query compiled once, orientation/requetes.py.)"""
    from orientation.etablissements.models import Personnel

    return Subquery(Personnel.objects.filter(user=OuterRef(compte)).values("pk")[:1])


def _postes(user):
    """The user's staff positions, fetched once per request object; none read when the account
    was loaded knowing it has none (accounts/backends.py: the session's account)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_postes_cache", None)
    if cached is None and getattr(user, "_un_poste", 0) is None:
        cached = user._postes_cache = []
    if cached is None:
        cached = _POSTES.objets(user.pk)
        user._postes_cache = cached
    return cached


def postes_des_comptes(chemin: str) -> Prefetch:
    """A prefetch of the staff positions of the accounts at `chemin` (e.g. "acteur" on events),
    kept where the predicates below read them: one query for many accounts, not one each."""
    return Prefetch(f"{chemin}__postes", queryset=_postes_lus(), to_attr="_postes_cache")


def etablissements_ids(user, roles=STAFF_ROLES) -> set[int]:
    return {p.etablissement_id for p in _postes(user) if p.role in roles}


def divisions_ids(user) -> set[int]:
    """Divisions the user is professeur principal of, read once per request object."""
    if not any(p.role == Role.PROFESSEUR_PRINCIPAL for p in _postes(user)):
        return set()
    ids = getattr(user, "_divisions_cache", None)
    if ids is None:
        lignes = _DIVISIONS.lignes(Role.PROFESSEUR_PRINCIPAL, user.pk)
        ids = user._divisions_cache = {division_id for (division_id,) in lignes}
    return ids


def est_personnel(user, etablissement_id: int | None = None) -> bool:
    ids = etablissements_ids(user)
    return bool(ids) if etablissement_id is None else etablissement_id in ids


def est_direction(user, etablissement_id: int) -> bool:
    return user.is_authenticated and (
        user.is_superuser or etablissement_id in etablissements_ids(user, DIRECTION)
    )


def est_secretariat(user, etablissement_id: int) -> bool:
    return etablissement_id in etablissements_ids(user, (Role.SECRETARIAT,))


def peut_gerer_etablissement(user, etablissement_id: int) -> bool:
    """Imports, accounts, exports: the secrétariat and the direction (SPEC.md, who uses it)."""
    return est_direction(user, etablissement_id) or est_secretariat(user, etablissement_id)


def peut_saisir_conseil(user, division) -> bool:
    """The professeur principal of this division, or the direction of its school (R4, R16)."""
    return division.id in divisions_ids(user) or est_direction(user, division.etablissement_id)


def lit_toute_l_ecole(user, etablissement_id: int) -> bool:
    return user.is_superuser or etablissement_id in etablissements_ids(
        user, (*DIRECTION, Role.SECRETARIAT)
    )


def dossiers_visibles(qs: QuerySet, user) -> QuerySet:
    """R2: a family sees its own children only; a pupil themself; staff their school (a
    professeur principal their divisions)."""
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    # The children's ids, not a join over the links: no DISTINCT, fewer joins to plan, and the
    # same set answers est_representant_legal() for the rest of the request (performance.md).
    condition = Q(eleve_id__in=_enfants_legaux(user)) | Q(eleve__user=user)
    ecoles = etablissements_ids(user, (*DIRECTION, Role.SECRETARIAT))
    if ecoles:
        condition |= Q(campagne__etablissement_id__in=ecoles)
    divisions = divisions_ids(user)
    if divisions:
        condition |= Q(eleve__division_id__in=divisions)
    return qs.filter(condition)


def dossier_visible(user, pk: int, *liees: str):
    """R2: the dossier `pk` with its select_related() `liees` if `user` may read it, else None.

    For a family (no staff position: most requests), the condition of dossiers_visibles() with
    the family's pupils as the subquery eleves_de_la_famille() reads them instead of a list of
    their ids: one shape of query whatever their number, compiled once per process for each
    `liees` (orientation/requetes.py). tests/test_requetes_figees.py checks that both give the
    same dossiers."""
    from orientation.dialogue.models import Dossier

    if user.is_authenticated and not user.is_superuser and not _postes(user):
        requete = _DOSSIER_DE_FAMILLE.get(liees)
        if requete is None:
            requete = _DOSSIER_DE_FAMILLE.setdefault(
                liees,
                RequeteFigee(
                    lambda user_id, niveau, soi, pk: (
                        _avec(Dossier.objects, liees)
                        .filter(eleve_id__in=ids_eleves_de_la_famille(user_id, niveau, soi))
                        .filter(pk=pk)
                    )
                ),
            )
        # The SQL's own parameters, in order: the account twice (its links, the pupil themself).
        trouves = requete.objets(user.pk, LEGAL, user.pk, pk)
    else:
        trouves = list(dossiers_visibles(_avec(Dossier.objects, liees), user).filter(pk=pk))
    return trouves[0] if trouves else None


_DOSSIER_DE_FAMILLE: dict[tuple, RequeteFigee] = {}


def _avec(manager, liees) -> QuerySet:
    return manager.select_related(*liees) if liees else manager.all()


def liens_legaux(user, niveau=LEGAL) -> QuerySet:
    """R2: the links making the user a legal representative (niveau 1) of a pupil."""
    from orientation.etablissements.models import Lien

    return Lien.objects.filter(responsable__user=user).filter(niveau=niveau)


# Read on nearly every request: compiled once per process (orientation/requetes.py).
_LIENS_LEGAUX = RequeteFigee(
    lambda user_id, niveau: liens_legaux(user_id, niveau).values_list("eleve_id", "responsable_id")
)


def eleves_de_la_famille(user) -> QuerySet:
    """R2: the pupils of whom the user is a legal representative, or the user themself as a
    pupil, in one query (an OR across a join over the links made PostgreSQL scan every pupil)."""
    from orientation.etablissements.models import Eleve

    return Eleve.objects.filter(pk__in=ids_eleves_de_la_famille(user, LEGAL, user))


def ids_eleves_de_la_famille(user, niveau, soi) -> QuerySet:
    """The ids of eleves_de_la_famille() as one subquery: the legal links' pupils and `soi`'s own
    pupil row. `soi` is the user again: the SQL's parameters are the caller's, in order
    (RequeteFigee in dossier_visible)."""
    from orientation.etablissements.models import Eleve

    propre = Eleve.objects.filter(user=soi).values("pk")
    return liens_legaux(user, niveau).values("eleve_id").union(propre, all=True)


def liens_du_compte(compte: str, niveau) -> Subquery:
    """For a query of rows naming an account (`compte`, its id): the account's links at `niveau`
    as "pupil:responsable" pairs of ids, "12:40,13:40", or NULL; annotated as `_liens` with the
    session (accounts/sessions.py) so that _liens_legaux reads nothing more on a family's page
    (one round trip to the database fewer, docs/performance.md). `niveau` is a parameter of the
    caller's query, in the place of this subquery's SQL (its SELECT clause)."""
    from orientation.etablissements.models import Lien

    return Subquery(
        Lien.objects.filter(responsable__user=OuterRef(compte))
        .filter(niveau=niveau)
        .values("responsable__user")
        .annotate(paires=en_texte("eleve_id", "responsable_id"))
        .values("paires")
    )


def poser_liens_lus(user, paires: str | None) -> None:
    """Keeps on the request's account its legal links read by liens_du_compte()."""
    user._liens_legaux_cache = _en_ensembles(depuis_texte(paires))


def _en_ensembles(paires) -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(e for e, _r in paires), frozenset(r for _e, r in paires)


def _liens_legaux(user) -> tuple[frozenset[int], frozenset[int]]:
    """The pupils the user is a legal representative of, and the user's Responsable rows holding
    those links: read with the session (poser_liens_lus), else one query, once per request
    object."""
    cached = getattr(user, "_liens_legaux_cache", None)
    if cached is None:
        cached = user._liens_legaux_cache = _en_ensembles(_LIENS_LEGAUX.lignes(user.pk, LEGAL))
    return cached


def _enfants_legaux(user) -> frozenset[int]:
    return _liens_legaux(user)[0]


def est_le_responsable(user, responsable_id: int | None) -> bool:
    """The Responsable row `responsable_id` is one of the user's own, as a legal representative
    (R7: the holder of a list's entry right is this very person)."""
    return user.is_authenticated and responsable_id in _liens_legaux(user)[1]


def est_representant_legal(user, eleve) -> bool:
    """R2: the user is a legal representative (niveau 1) of this pupil."""
    return user.is_authenticated and eleve.pk in _enfants_legaux(user)


def eleve_majeur(eleve) -> bool:
    """X: an adult pupil acts for themself (the age rule lives with the e-mails' recipients)."""
    from orientation.dialogue.courriels import est_majeur

    return est_majeur(eleve)


def agit_pour_la_famille(user, eleve) -> bool:
    """Who may validate voeux, acknowledge, respond (R3, R5, R7, R17): a legal representative, or
    the pupil alone once adult (X: an adult pupil holds the representatives' rights)."""
    if not user.is_authenticated:
        return False
    if eleve_majeur(eleve):
        return eleve.user_id is not None and eleve.user_id == user.pk
    return est_representant_legal(user, eleve)


def peut_saisir_pour_la_famille(user, dossier) -> bool:
    """A paper fiche entered by the school on the family's behalf (docs/saisie-papier.md): the
    secrétariat and the direction of the pupil's school, the professeur principal of the pupil's
    division."""
    if not user.is_authenticated:
        return False
    etablissement_id = dossier.campagne.etablissement_id
    return lit_toute_l_ecole(user, etablissement_id) or dossier.eleve.division_id in divisions_ids(
        user
    )
