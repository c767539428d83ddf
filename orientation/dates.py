"""Dates written out in French: the first day of a month is « 1er » (« le 1er mars 2027 »,
« lundi 1er mars »), as the Imprimerie nationale's rules and every French administration write
it; Django's `j F Y` gives « 1 mars 2027 ».

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
_PREMIER = re.compile(r"(?<!\d)1 (?=(?:" + "|".join(MOIS) + r")\b)")


def premier_du_mois(texte: str) -> str:
    return _PREMIER.sub("1er ", texte)


def date_format(valeur, fmt) -> str:
    return premier_du_mois(formats.date_format(valeur, fmt))


register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(valeur, fmt=None):
    """Django's `date` filter (same arguments, same conversion to local time), « 1er » included."""
    return premier_du_mois(defaultfilters.date(valeur, fmt))
