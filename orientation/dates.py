"""Dates written out in French: the first day of a month is « 1er » (« le 1er mars 2027 »,
« lundi 1er mars »), as the Imprimerie nationale's rules and every French administration write
it; Django's `j F Y` gives « 1 mars 2027 ». And the day is never separated from its month at
the end of a line (a non-breaking space between them: on a phone « 1er » used to end a line
and « mars 2027 » start the next).

One rule for every date the service writes in words: `date_format` for Python code, and the
template filter `date`, which this module registers as a builtin of the template engine
(settings.TEMPLATES), so every `{{ …|date:"j F Y" }}` of the pages, letters and e-mails follows
it. Numeric formats (`d/m/Y`) are unchanged.

A date once written is kept, per process, with everything its text depends on (the value, its
type, time zone and fold, the format, the language): the same campaign deadlines come back on
every family's page, and Django's formatter costs ≈ 17 µs a date, 1 µs once kept
(docs/performance.md, « Mesures du 07/12/2026, neuvième machine »). The memory is bounded and
forgotten all at once when full.
"""

import datetime
import re

from django import template
from django.template import defaultfilters
from django.utils import formats
from django.utils.translation import get_language

from orientation.memoire import MemoireBornee

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_JOUR_ET_MOIS = re.compile(r"(?<!\d)(\d{1,2}) (?=(?:" + "|".join(MOIS) + r")\b)")


def jour_et_mois(texte: str) -> str:
    """« 1 mars » → « 1er mars », and a non-breaking space between any day and its month."""
    return _JOUR_ET_MOIS.sub(lambda m: ("1er" if m[1] == "1" else m[1]) + "\u00a0", texte)


# A campaign's dates, school by school, and the timestamps of the pages being read: a few
# thousand at most between two clearings.
_MEMO = MemoireBornee(4096)


def _memorise(ecrire, valeur, fmt) -> str:
    if type(valeur) not in (datetime.date, datetime.datetime):
        return ecrire(valeur, fmt)
    # Equal instants in two time zones are equal datetimes, as are the two readings of an hour
    # that occurs twice in autumn: the zone and the fold are part of the key.
    cle = (
        ecrire,
        type(valeur),
        valeur,
        getattr(valeur, "tzinfo", None),
        getattr(valeur, "fold", 0),
        fmt,
        get_language(),
    )
    return _MEMO.obtenir(cle, lambda: ecrire(valeur, fmt))


def _date_format(valeur, fmt) -> str:
    return jour_et_mois(formats.date_format(valeur, fmt))


def date_format(valeur, fmt) -> str:
    return _memorise(_date_format, valeur, fmt)


register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(valeur, fmt=None):
    """Django's `date` filter (same arguments, same conversion to local time), « 1er » and the
    non-breaking space included."""
    return _memorise(_filtre_date, valeur, fmt)


def _filtre_date(valeur, fmt) -> str:
    return jour_et_mois(defaultfilters.date(valeur, fmt))
