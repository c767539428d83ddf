"""The family's journeys in several steps, in one place: the page's <title> says the journey and
the step (RGAA 8.5, 8.6: « Intentions d'orientation — Étape 1 sur 2 : saisie des choix »; see
layout/base.html) and the page shows the DSFR stepper (`fr-stepper`).

A view puts `etape` in its context; pages outside these journeys (the dossier, read-only states)
have no step.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The steps of each journey, in order (lower case: they follow a colon in the title).
PARCOURS = {
    # R12: the wish form (intentions or demandes), then the récapitulatif of what was validated.
    "voeux": (gettext_lazy("saisie des choix"), gettext_lazy("récapitulatif des choix validés")),
    # R17: the response of the representative who entered the demandes, then the response saved.
    "reponse": (gettext_lazy("votre réponse"), gettext_lazy("réponse enregistrée")),
    # R19: the other representative's agreement or disagreement, then the answer saved.
    "accord": (gettext_lazy("votre accord"), gettext_lazy("accord enregistré")),
}


@dataclass(frozen=True)
class Etape:
    nom: str  # the journey's name, first in the page title
    parcours: str  # a key of PARCOURS
    numero: int  # from 1

    def __post_init__(self):
        if not 1 <= self.numero <= len(PARCOURS[self.parcours]):
            raise ValueError(f"no step {self.numero} in journey {self.parcours!r}")

    @property
    def titres(self) -> tuple:
        return PARCOURS[self.parcours]

    @property
    def total(self) -> int:
        return len(self.titres)

    @property
    def titre(self) -> str:
        return str(self.titres[self.numero - 1])

    @property
    def suivante(self) -> str:
        return str(self.titres[self.numero]) if self.numero < self.total else ""

    @property
    def titre_de_page(self) -> str:
        return _("%(nom)s — Étape %(numero)s sur %(total)s : %(titre)s") % {
            "nom": self.nom,
            "numero": self.numero,
            "total": self.total,
            "titre": self.titre,
        }

    @property
    def stepper(self) -> dict:
        """The argument of django-dsfr's `{% dsfr_stepper %}`. Its heading level is given (h2,
        the template's default): a key missing from the dict costs the template an exception."""
        return {
            "heading_tag": "h2",
            "current_step_id": self.numero,
            "total_steps": self.total,
            "current_step_title": capfirst(self.titre),
            "next_step_title": capfirst(self.suivante),
        }
