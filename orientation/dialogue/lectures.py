"""A dossier's wishes and the council's answers as the family pages and the council grid's
pupil block read them, by queries compiled once per process (orientation/requetes.py).

The spécialités of the wishes, and those the council recommended, are read by queries keyed on
the dossier and left where prefetch_related() would leave them (`requetes.poser_prefetch`):
prefetch_related() compiles a query with the IN list of the wishes' ids at every call.
tests/test_requetes_figees.py compares both readings, order included.
"""

from __future__ import annotations

from orientation.campagnes.models import Specialite
from orientation.requetes import RequeteFigee, poser_prefetch

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
_RECOMMANDEES_PAR_AVIS = _liens(Avis.specialites_recommandees.through, "avis__voeu__dossier")
_RECOMMANDEES_PAR_PROPOSITION = _liens(
    Proposition.specialites_recommandees.through, "proposition__dossier"
)


def poser_specialites(dossier_id: int, voeux: list[Voeu], reponses: list | None = None) -> None:
    """`voeu.specialites.all()` for `voeux`, and `specialites_recommandees.all()` for the
    council's `reponses` (its Avis, or its Propositions: all of one kind), without a query more
    when read: one query for the wishes, one for the answers if there are any."""
    if voeux:
        liens = _SPECIALITES_DES_VOEUX.objets(dossier_id)
        poser_prefetch(voeux, "specialites", ((x.voeu_id, x.specialite) for x in liens))
    if reponses:
        if isinstance(reponses[0], Avis):
            paires = ((x.avis_id, x.specialite) for x in _RECOMMANDEES_PAR_AVIS.objets(dossier_id))
        else:
            liens = _RECOMMANDEES_PAR_PROPOSITION.objets(dossier_id)
            paires = ((x.proposition_id, x.specialite) for x in liens)
        poser_prefetch(reponses, "specialites_recommandees", paires)


def avis_des_voeux(voeux: list[Voeu]) -> list[Avis]:
    return [a for v in voeux if (a := getattr(v, "avis", None)) is not None]


# --- the council grid's pupil block ------------------------------------------------------------

_DOSSIER_DE_LA_DIVISION = RequeteFigee(
    lambda campagne_id, division_id, pk: (
        Dossier.objects.filter(campagne=campagne_id)
        .filter(eleve__division=division_id)
        .filter(eleve__date_sortie__isnull=True)
        .filter(pk=pk)
        .select_related("eleve")
    )
)


def _voeux_et(reponse: str) -> RequeteFigee:
    """A phase's wishes of a dossier, by rank, with the council's `reponse` to each."""
    return RequeteFigee(
        lambda dossier_id, phase: (
            Voeu.objects.filter(dossier=dossier_id)
            .filter(phase=phase)
            .select_related("voie", f"{reponse}__saisi_par")
            .order_by("rang")
        )
    )


_VOEUX_ET_AVIS = _voeux_et("avis")
_VOEUX_ET_PROPOSITIONS = _voeux_et("proposition")
_PROPOSEES = RequeteFigee(
    lambda dossier_id: Proposition.objects.filter(dossier=dossier_id).filter(voeu__isnull=True)
)


def dossier_du_conseil(campagne_id: int, division_id: int, pk: int, phase: str, provisoire: bool):
    """One pupil of the division as the council grid shows them (views/conseil._dossiers with a
    pk): `voeux_lus` with their Avis (provisional phase) or Propositions, and, in the
    definitive phase, `proposees_lues`, the voies the council proposed beyond the demandes. None
    when the dossier is not one of the division's current pupils in this campaign."""
    trouves = _DOSSIER_DE_LA_DIVISION.objets(campagne_id, division_id, pk)
    if not trouves:
        return None
    dossier = trouves[0]
    if provisoire:
        dossier.voeux_lus = _VOEUX_ET_AVIS.objets(dossier.pk, phase)
        reponses = avis_des_voeux(dossier.voeux_lus)
    else:
        dossier.voeux_lus = _VOEUX_ET_PROPOSITIONS.objets(dossier.pk, phase)
        dossier.proposees_lues = _PROPOSEES.objets(dossier.pk)
        reponses = [
            p for v in dossier.voeux_lus if (p := getattr(v, "proposition", None)) is not None
        ] + dossier.proposees_lues
    poser_specialites(dossier.pk, dossier.voeux_lus, reponses)
    return dossier
