"""The follow-up dashboard's numbers: a constant number of queries whatever the school's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from orientation.campagnes.models import Phase
from orientation.dialogue.models import Decision, Dossier, Etat, Voeu

# The steps of the dashboard, in the order of the procedure (dossier states, SPEC.md).
ETAPES = [(etat.value, etat.label) for etat in Etat]

# The states where the family is expected to act: the families to chase.
A_RELANCER = (
    Etat.INTENTIONS_OUVERTES,
    Etat.AVIS_PUBLIE,
    Etat.AVIS_ACCUSE,
    Etat.PROPOSITIONS_PUBLIEES,
    Etat.REPONSE_FAMILLE,
)


@dataclass
class Ligne:
    code: str
    libelle: str
    nombre: int
    pourcentage: int = 0  # the bar's width, in 5 % steps

    @property
    def part(self) -> str:
        """The share as read: '1 %', and '< 1 %' rather than a misleading '0 %' for a few."""
        if not self.nombre or not self.total:
            return "0 %"
        exacte = 100 * self.nombre / self.total
        return "< 1 %" if exacte < 0.5 else f"{round(exacte)} %"

    total: int = 0


@dataclass
class Tableau:
    total: int
    etapes: list[Ligne]
    par_division: list[tuple[object, list[int], int]]
    voies_demandees: list[Ligne] = field(default_factory=list)
    voies_decidees: list[Ligne] = field(default_factory=list)


def _pourcentages(lignes: list[Ligne], total: int) -> list[Ligne]:
    for ligne in lignes:
        # Rounded to 5 % steps: the bars' widths are CSS classes (strict CSP, no inline style).
        ligne.pourcentage = round(ligne.nombre * 20 / total) * 5 if total else 0
        ligne.total = total
    return lignes


def tableau(campagne, divisions) -> Tableau:
    """Four queries: counts per division and state, voies requested, voies decided (the
    divisions are given)."""
    ids = [d.pk for d in divisions]
    dossiers = Dossier.objects.filter(campagne=campagne, eleve__division_id__in=ids)
    comptes: dict[tuple[int, str], int] = {}
    for row in dossiers.values("eleve__division_id", "etat").annotate(n=Count("id")).order_by():
        comptes[(row["eleve__division_id"], row["etat"])] = row["n"]
    etapes = [
        Ligne(code, libelle, sum(n for (_d, e), n in comptes.items() if e == code))
        for code, libelle in ETAPES
    ]
    total = sum(ligne.nombre for ligne in etapes)
    par_division = []
    for division in divisions:
        nombres = [comptes.get((division.pk, code), 0) for code, _l in ETAPES]
        par_division.append((division, nombres, sum(nombres)))
    demandees = (
        Voeu.objects.filter(dossier__in=dossiers, phase=Phase.DEFINITIVE, rang=1)
        .values("voie__code", "voie__libelle", "voie__ordre")
        .annotate(n=Count("id"))
        .order_by("voie__ordre", "voie__code")
    )
    derniere = Decision.objects.filter(dossier=OuterRef("dossier")).order_by("-prise_le", "-id")
    decidees = (
        Decision.objects.filter(dossier__in=dossiers, pk=Subquery(derniere.values("pk")[:1]))
        .exclude(voies=None)
        .values("voies__code", "voies__libelle", "voies__ordre")
        .annotate(n=Count("id"))
        .order_by("voies__ordre", "voies__code")
    )
    lignes_demandees = [Ligne(r["voie__code"], r["voie__libelle"], r["n"]) for r in demandees]
    lignes_decidees = [Ligne(r["voies__code"], r["voies__libelle"], r["n"]) for r in decidees]
    return Tableau(
        total=total,
        etapes=_pourcentages(etapes, total),
        par_division=par_division,
        voies_demandees=_pourcentages(
            lignes_demandees, sum(ligne.nombre for ligne in lignes_demandees)
        ),
        voies_decidees=_pourcentages(
            lignes_decidees, sum(ligne.nombre for ligne in lignes_decidees)
        ),
    )


def a_relancer(campagne, divisions):
    """The dossiers whose family is expected to act, with what the pupil needs (one query): their
    class, and their account (an adult pupil is written to)."""
    return (
        Dossier.objects.filter(
            campagne=campagne, eleve__division__in=divisions, etat__in=A_RELANCER
        )
        .select_related("eleve__division", "eleve__user")
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom")
    )
