"""A dossier's wishes and the council's answers as the family pages and the council grid read
them, by queries compiled once per process (orientation/requetes.py).

The related rows (the grid's wishes, the spécialités of the wishes, those the council
recommended, the voies it proposed) are read by queries keyed on what they share — the dossier,
or the division and the campaign — and left where prefetch_related() would leave them
(`requetes.poser_prefetch`): prefetch_related() compiles a query with the IN list of their
owners' ids at every call. tests/test_requetes_figees.py compares both readings, order included.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from orientation.campagnes import catalogue
from orientation.campagnes.models import Specialite
from orientation.requetes import RequeteFigee, depuis_texte, en_texte, poser_prefetch

from .models import Avis, Dossier, Proposition, Voeu

_PAR_SPECIALITE = tuple(f"specialite__{c}" for c in Specialite._meta.ordering) + ("pk",)


def _liens(through, chemin_du_dossier: str) -> RequeteFigee:
    """The (owner, spécialité) rows of a many-to-many to Specialite, for one dossier, in the
    spécialités' order."""
    return RequeteFigee(
        lambda dossier_id: (
            through.objects.filter(**{chemin_du_dossier: dossier_id})
            .select_related("specialite")
            .order_by(*_PAR_SPECIALITE)
        )
    )


_SPECIALITES_DES_VOEUX = _liens(Voeu.specialites.through, "voeu__dossier")
_RECOMMANDEES_DU_DOSSIER = {
    Avis: _liens(Avis.specialites_recommandees.through, "avis__voeu__dossier"),
    Proposition: _liens(Proposition.specialites_recommandees.through, "proposition__dossier"),
}


def _poser(voeux: list[Voeu], reponses: list, liens_des_voeux, liens_des_reponses) -> None:
    """Leaves the spécialités of `voeux` and the recommended ones of `reponses` (the council's
    Avis, or its Propositions: all of one kind), read by the given thunks only when there is
    something to put them on."""
    if voeux:
        poser_prefetch(voeux, "specialites", ((x.voeu_id, x.specialite) for x in liens_des_voeux()))
    if reponses:
        if isinstance(reponses[0], Avis):
            paires = ((x.avis_id, x.specialite) for x in liens_des_reponses(Avis))
        else:
            paires = ((x.proposition_id, x.specialite) for x in liens_des_reponses(Proposition))
        poser_prefetch(reponses, "specialites_recommandees", paires)


def poser_recommandees(dossier_id: int, reponses: list) -> None:
    """`specialites_recommandees.all()` for the council's `reponses` to a dossier's wishes (all
    Avis, or all Propositions), without a query more when read: one query if there are any."""
    _poser([], reponses, None, lambda modele: _RECOMMANDEES_DU_DOSSIER[modele].objets(dossier_id))


def avis_des_voeux(voeux: list[Voeu]) -> list[Avis]:
    return [a for v in voeux if (a := getattr(v, "avis", None)) is not None]


# The ids of a wish's spécialités, "3,7,12", read with the wish: the family pages make one
# round trip less to PostgreSQL (≈ 120 µs of CPU, client and server) than with a query for them.
_IDS_DES_SPECIALITES = Subquery(
    Voeu.specialites.through.objects.filter(voeu=OuterRef("pk"))
    .values("voeu")
    .annotate(ids=en_texte("specialite"))
    .values("ids")
)


def _voeux_lus():
    return (
        Voeu.objects.select_related("voie", "avis")
        .annotate(ids_des_specialites=_IDS_DES_SPECIALITES)
        .order_by("phase", "rang")
    )


def _poser_specialites_lues(dossier_id: int, voeux: list[Voeu]) -> None:
    """`voeu.specialites.all()` from the ids read with the wishes and the spécialités the
    catalogue keeps in memory, in the catalogue's order (their display order); by the query of
    the links if one of them is not there yet (created in another process since this one read
    the catalogue)."""
    par_pk = catalogue.actif().specialites_par_pk
    lues = [(v, {pk for (pk,) in depuis_texte(v.ids_des_specialites)}) for v in voeux]
    if any(not pks <= par_pk.keys() for _v, pks in lues):
        paires = ((x.voeu_id, x.specialite) for x in _SPECIALITES_DES_VOEUX.objets(dossier_id))
    else:
        paires = ((v.pk, s) for v, pks in lues for pk, s in par_pk.items() if pk in pks)
    poser_prefetch(voeux, "specialites", paires)


_VOEUX_DES_DEUX_PHASES = RequeteFigee(lambda dossier_id: _voeux_lus().filter(dossier=dossier_id))
_VOEUX_D_UNE_PHASE = RequeteFigee(
    lambda dossier_id, phase: _voeux_lus().filter(dossier=dossier_id).filter(phase=phase)
)


def voeux_de_la_phase(dossier_id: int, phase: str) -> list[Voeu]:
    """A dossier's wishes of one phase, in order, with their voie, avis and the ids of their
    spécialités (not the spécialités themselves): one query. The council's saves read them
    under the dossier's lock."""
    return _VOEUX_D_UNE_PHASE.objets(dossier_id, phase)


def voeux_du_dossier(dossier_id: int, phase: str | None = None) -> list[Voeu]:
    """A dossier's list of one phase, or of both (the dossier page), in order, with the
    spécialités of each wish (from the catalogue in memory) and of its avis: one query, two
    when the council gave avis.
    The family pages read it, and so do the e-mails that list the wishes."""
    if phase is None:
        voeux = _VOEUX_DES_DEUX_PHASES.objets(dossier_id)
    else:
        voeux = voeux_de_la_phase(dossier_id, phase)
    _poser_specialites_lues(dossier_id, voeux)
    poser_recommandees(dossier_id, avis_des_voeux(voeux))
    return voeux


# --- the council grid: a division's current pupils, or one of them -------------------------------


def _portee(qs, chemin: str, campagne_id, division_id, pk):
    """`qs` kept to the current pupils of a division in a campaign, and to the dossier `pk` when
    it is not None. `chemin`: the path from qs's model to Dossier ("" for Dossier itself)."""
    qs = (
        qs.filter(**{f"{chemin}campagne": campagne_id})
        .filter(**{f"{chemin}eleve__division": division_id})
        .filter(**{f"{chemin}eleve__date_sortie__isnull": True})
    )
    return qs if pk is None else qs.filter(**{f"{chemin}pk": pk})


def _deux_formes(fabrique) -> tuple[RequeteFigee, RequeteFigee]:
    """The same reading for the whole division and for one of its pupils (an extra `pk`): two
    queries of fixed shape, each compiled once."""
    return (
        RequeteFigee(
            lambda campagne_id, division_id, *autres: fabrique(
                campagne_id, division_id, None, *autres
            )
        ),
        RequeteFigee(fabrique),
    )


def _liens_de_la_division(through, chemin: str):
    return _deux_formes(
        lambda campagne_id, division_id, pk: _portee(
            through.objects.select_related("specialite"), chemin, campagne_id, division_id, pk
        ).order_by(*_PAR_SPECIALITE)
    )


_DOSSIERS = _deux_formes(
    lambda campagne_id, division_id, pk: _portee(
        Dossier.objects.select_related("eleve"), "", campagne_id, division_id, pk
    ).order_by("eleve__nom", "eleve__prenom", "pk")
)
_VOEUX = {
    reponse: _deux_formes(
        lambda campagne_id, division_id, pk, phase, reponse=reponse: (
            _portee(
                Voeu.objects.select_related("voie", f"{reponse}__saisi_par"),
                "dossier__",
                campagne_id,
                division_id,
                pk,
            )
            .filter(phase=phase)
            .order_by("rang")
        )
    )
    for reponse in ("avis", "proposition")
}
_PROPOSEES = _deux_formes(
    lambda campagne_id, division_id, pk: _portee(
        Proposition.objects.all(), "dossier__", campagne_id, division_id, pk
    ).filter(voeu__isnull=True)
)
_SPECIALITES_DE_LA_DIVISION = _liens_de_la_division(Voeu.specialites.through, "voeu__dossier__")
_RECOMMANDEES_DE_LA_DIVISION = {
    Avis: _liens_de_la_division(Avis.specialites_recommandees.through, "avis__voeu__dossier__"),
    Proposition: _liens_de_la_division(
        Proposition.specialites_recommandees.through, "proposition__dossier__"
    ),
}


def dossiers_du_conseil(
    campagne_id: int, division_id: int, phase: str, provisoire: bool, pk: int | None = None
) -> list[Dossier]:
    """The division's current pupils in the campaign as the council grid shows them, by name
    (or the pupil `pk` alone, after a save): `voeux_lus`, the phase's wishes with their Avis
    (provisional phase) or Propositions, and in the definitive phase `proposees_lues`, the voies
    the council proposed beyond the demandes; spécialités and recommendations in place. The
    same queries whatever the number of pupils (three to five)."""
    forme = int(pk is not None)
    cle = (campagne_id, division_id) if pk is None else (campagne_id, division_id, pk)
    dossiers = _DOSSIERS[forme].objets(*cle)
    if not dossiers:
        return []
    par_id = {}
    for dossier in dossiers:
        dossier.voeux_lus, dossier.proposees_lues = [], []
        par_id[dossier.pk] = dossier
    champ = "avis" if provisoire else "proposition"
    voeux = _VOEUX[champ][forme].objets(*cle, phase)
    for voeu in voeux:
        Voeu.dossier.field.set_cached_value(voeu, par_id[voeu.dossier_id])
        par_id[voeu.dossier_id].voeux_lus.append(voeu)
    reponses = [r for v in voeux if (r := getattr(v, champ, None)) is not None]
    if not provisoire:
        for proposee in _PROPOSEES[forme].objets(*cle):
            Proposition.dossier.field.set_cached_value(proposee, par_id[proposee.dossier_id])
            par_id[proposee.dossier_id].proposees_lues.append(proposee)
            reponses.append(proposee)
    _poser(
        voeux,
        reponses,
        lambda: _SPECIALITES_DE_LA_DIVISION[forme].objets(*cle),
        lambda modele: _RECOMMANDEES_DE_LA_DIVISION[modele][forme].objets(*cle),
    )
    return dossiers
