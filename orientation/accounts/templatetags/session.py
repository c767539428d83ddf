"""The end of a session on the page: the warning before it (RGAA 13.1, WCAG 2.2.1) and the entry
a form sent after it, given back once the same account has signed in again (accounts/reprise.py).

Both are on every signed-in page, so they cost next to nothing there: the dialog's text is a
frozen fragment ({% fige %}, layout/base.html) and only its three numbers are written per page;
the entry's notice is rendered only when there is an entry to give back."""

import time

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from orientation.accounts import reprise
from orientation.accounts.middleware import restant

register = template.Library()


@register.simple_tag(takes_context=True)
def saisie_reprise(context):
    request = context["request"]
    gardee = reprise.reprendre(request)
    if gardee is None:
        return ""
    return render_to_string("components/reprise.html", {"reprise": gardee}, request=request)


@register.simple_tag(takes_context=True)
def fin_de_session(context):
    """The dialog's numbers for orientation.js: the seconds left when the page was made, the
    warning's advance (`SESSION_PREAVIS`) and the idle timeout."""
    secondes = max(int(restant(context["request"].session, time.time())), 0)
    # Three integers: nothing to escape.
    return mark_safe(
        f'data-restant="{secondes}" data-preavis="{int(settings.SESSION_PREAVIS)}" '
        f'data-inactivite="{int(settings.SESSION_IDLE_TIMEOUT)}"'
    )
