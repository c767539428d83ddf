"""The end of a session on the page: the warning before it (RGAA 13.1, WCAG 2.2.1) and the entry
a form sent after it, given back once the same account has signed in again (accounts/reprise.py)."""

import time

from django import template
from django.conf import settings

from orientation.accounts import reprise
from orientation.accounts.middleware import restant

register = template.Library()


@register.inclusion_tag("components/reprise.html", takes_context=True)
def saisie_reprise(context):
    return {"reprise": reprise.reprendre(context["request"])}


@register.inclusion_tag("components/fin_de_session.html", takes_context=True)
def fin_de_session(context):
    """The dialog that warns `SESSION_PREAVIS` seconds before the session ends, with the seconds
    left when the page was made (orientation.js counts from there)."""
    request = context["request"]
    return {
        "restant": max(int(restant(request.session, time.time())), 0),
        "preavis": settings.SESSION_PREAVIS,
        "inactivite": settings.SESSION_IDLE_TIMEOUT,
        "csrf_token": context.get("csrf_token"),
        "page": request.get_full_path(),
    }
