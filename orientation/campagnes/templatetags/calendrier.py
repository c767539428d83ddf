from django import template

from orientation.campagnes import calendrier

register = template.Library()
register.filter("moment", calendrier.moment)
register.filter("echeance", calendrier.echeance)
