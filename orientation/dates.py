"""Dates written out in French: the first day of a month is « 1er » (« le 1er mars 2027 »,
« lundi 1er mars »), as the Imprimerie nationale's rules and every French administration write
it; Django's `j F Y` gives « 1 mars 2027 ». And the day is never separated from its month at
the end of a line (a non-breaking space between them: on a phone « 1er » used to end a line
and « mars 2027 » start the next).

One rule for every date the service writes in words: `date_format` for Python code, and the
template filter `date`, which this module registers as a builtin of the template engine
(settings.TEMPLATES), so every `{{ …|date:"j F Y" }}` of the pages, letters and e-mails follows
it. Numeric formats (`d/m/Y`) are unchanged.
"""

import re

from django import template
from django.template import defaultfilters
from django.utils import formats

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


def date_format(valeur, fmt) -> str:
    return jour_et_mois(formats.date_format(valeur, fmt))


register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(valeur, fmt=None):
    """Django's `date` filter (same arguments, same conversion to local time), « 1er » and the
    non-breaking space included."""
    return jour_et_mois(defaultfilters.date(valeur, fmt))
