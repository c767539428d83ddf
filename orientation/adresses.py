"""`{% url %}` of a page without arguments, reversed once per node.

Django's `{% url %}` reverses its view name at every render (9 to 36 µs: the resolver's
candidates, their patterns, the quoting). Two thirds of the tags the mixed journey renders name a
page without arguments — the home page, the profile and the logout button of every page's header,
the login page — whose address cannot change while the process runs. This module, a builtin of
the template engine (settings.TEMPLATES), is Django's tag with one change: a tag whose view name
is a quoted constant, without arguments, keeps what it rendered in the compiled template's node,
per script prefix, URL configuration, current application, language and autoescaping (what
Django's answer depends on). A node lives as long as its compiled template (until the process
restarts in production, one render in development). Tags with arguments (a dossier's page) are
reversed at each render, as by Django: their addresses are as many as the dossiers, and the
memory would grow with them.
"""

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as url_de_django
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from orientation.memoire import NoeudFige, texte_cite

register = template.Library()


def _application_courante(context):
    """The current application as Django's URLNode reads it."""
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


class AdresseFigee(NoeudFige, URLNode):
    def __init__(self, noeud: URLNode):
        super().__init__(noeud.view_name, noeud.args, noeud.kwargs, noeud.asvar)
        self.constante = not self.args and not self.kwargs and texte_cite(self.view_name)

    def cle(self, context):
        # NoReverseMatch (without `as`) is raised, as by Django, at every render.
        return (
            get_script_prefix(),
            get_urlconf(settings.ROOT_URLCONF),  # set per request, else the settings'
            _application_courante(context),
            get_language(),  # none today, but an address prefixed by the language would vary
            context.autoescape,
        )


@register.tag
def url(parser, token):
    return AdresseFigee(url_de_django(parser, token))
