"""The class council's entries for one pupil (R4, R16), read from the grid's per-pupil form.

The grid has one `<form>` per pupil; its fields are named after the voeu they answer
(`avis-<voeu>`, `motif-<voeu>`, `reponse-<voeu>`, `commentaire-<voeu>`, `spe-<voeu>`) and, in the
definitive phase, `proposer` (the voies proposed that the family did not ask for) with
`spe-proposee-<voie>`. Parsing returns the workflow's rows and the errors by field name; nothing
is saved when there is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from orientation.campagnes.models import Phase, Voie

from . import regles
from .models import Avis, Proposition
from .workflow import SaisieAvis, SaisieProposition


@dataclass
class Lecture:
    avis: list[SaisieAvis] = field(default_factory=list)
    propositions: list[SaisieProposition] = field(default_factory=list)
    erreurs: dict[str, str] = field(default_factory=dict)


def _ids(valeurs, permis: set[int]) -> frozenset[int]:
    ids = set()
    for v in valeurs:
        try:
            ids.add(int(v))
        except (TypeError, ValueError):
            continue
    return frozenset(ids & permis)


def _texte(data, nom: str, longueur: int) -> str:
    # No NUL character: nobody types one, and PostgreSQL refuses it in a text column (a 500).
    return data.get(nom, "").replace("\x00", "")[:longueur]


def lire(data, phase: str, voeux, voies, specialites_ids: set[int]) -> Lecture:
    """`voeux`: the pupil's voeux of the phase; `voies`: the active catalogue's voies (for
    proposals: pk and famille, catalogue.actif())."""
    lecture = Lecture()
    for voeu in voeux:
        commentaire = _texte(data, f"commentaire-{voeu.pk}", 2000)
        spe = frozenset()
        if voeu.voie.famille == Voie.Famille.GENERALE:
            spe = _ids(data.getlist(f"spe-{voeu.pk}"), specialites_ids)
        if phase == Phase.PROVISOIRE:
            valeur = data.get(f"avis-{voeu.pk}", "")
            motif = _texte(data, f"motif-{voeu.pk}", 200)
            if not valeur:
                continue  # not answered yet: the pupil can be saved partly
            if valeur not in Avis.Valeur.values:
                lecture.erreurs[f"avis-{voeu.pk}"] = _("Choisissez un avis dans la liste.")
                continue
            erreur = regles.verifier_avis(valeur, motif)  # R4
            if erreur:
                lecture.erreurs[f"motif-{voeu.pk}"] = erreur
                continue
            lecture.avis.append(SaisieAvis(voeu.pk, valeur, motif, commentaire, spe))
        else:
            reponse = data.get(f"reponse-{voeu.pk}", "")
            if not reponse:
                continue
            if reponse not in Proposition.Reponse.values:
                lecture.erreurs[f"reponse-{voeu.pk}"] = _("Répondez oui ou non.")
                continue
            lecture.propositions.append(
                SaisieProposition(voeu.pk, voeu.voie_id, reponse, commentaire, spe)
            )
    if phase == Phase.DEFINITIVE:
        demandees = {v.voie_id for v in voeux}
        possibles = {v.pk: v for v in voies if v.pk not in demandees}
        for voie_id in sorted(_ids(data.getlist("proposer"), set(possibles))):
            spe = frozenset()
            if possibles[voie_id].famille == Voie.Famille.GENERALE:
                spe = _ids(data.getlist(f"spe-proposee-{voie_id}"), specialites_ids)
            lecture.propositions.append(
                SaisieProposition(None, voie_id, Proposition.Reponse.OUI, "", spe)
            )
    return lecture
