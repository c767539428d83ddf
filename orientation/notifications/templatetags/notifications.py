from django import template

from ..outbox import REGISTRE

register = template.Library()


@register.filter
def libelle_evenement(code: str) -> str:
    courriel = REGISTRE.get(code)
    return (courriel.description if courriel and courriel.description else code) or code


@register.inclusion_tag("notifications/_dossier.html", takes_context=True)
def courriels_du_dossier(context, dossier):
    """The staff fragment for a dossier page: `{% load notifications %}{% courriels_du_dossier
    dossier %}`. Only for pages already restricted to the school's staff."""
    return {
        "notifications": dossier.notifications.order_by("-cree_le", "-pk"),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "titre_niveau": "h2",
    }
