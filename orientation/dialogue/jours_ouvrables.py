"""Jours ouvrables (docs/adr/0004-jours-ouvrables.md): every day but Sunday and French public
holidays. The appeal deadline after a decision that differs from the request is 3 of them (X)."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

DELAI_RECOURS_JOURS = 3


@lru_cache(maxsize=16)
def _feries(annee: int) -> frozenset[datetime.date]:
    # Metropolitan France: the library also knows Alsace-Moselle and the overseas departments
    # (subdiv), not needed while the service covers one académie of the mainland.
    return frozenset(holidays.France(years=annee).keys())


def est_ouvrable(jour: datetime.date) -> bool:
    return jour.weekday() != 6 and jour not in _feries(jour.year)


def ajouter_jours_ouvrables(depart: datetime.date, nombre: int) -> datetime.date:
    """The `nombre`-th jour ouvrable after `depart` (the day of receipt does not count)."""
    jour = depart
    restant = nombre
    while restant > 0:
        jour += datetime.timedelta(days=1)
        if est_ouvrable(jour):
            restant -= 1
    return jour


def date_limite_recours(reception: datetime.date) -> datetime.date:
    """X: 3 jours ouvrables from receipt of the decision to appeal to the commission d'appel."""
    return ajouter_jours_ouvrables(reception, DELAI_RECOURS_JOURS)
