"""How a pupil is told apart from a homonym in the staff's pages (models.homonymes)."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def naissance(eleve) -> str:
    """« né(e) le 12/03/2010 », empty when the birth date is unknown."""
    if eleve.date_naissance is None:
        return ""
    return _("né(e) le %(date)s") % {"date": date_format(eleve.date_naissance, "d/m/Y")}


@register.filter
def ne_le(eleve, homonymes=None) -> str:
    """« (né(e) le 12/03/2010) » after a pupil's name: always on a page about one pupil, and in
    a list only for those in `homonymes` (models.homonymes() of the list)."""
    texte = naissance(eleve)
    if not texte or (homonymes is not None and eleve.pk not in homonymes):
        return ""
    return f" ({texte})"
