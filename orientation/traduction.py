"""`{% load traduction %}`: Django's `i18n` library, with `{% translate "constant" %}` translated
once per node.

Django translates a `{% translate %}` at every render: a lazy string built, then resolved by
`gettext` through the active translation, escaped, its percent signs restored (≈ 40 µs under
the profiler) for a text whose translation cannot change while the process runs. The
service's pages hold hundreds of them (560 in its templates): ≈ 4 % of the mixed journey's
time (cProfile, warm replay; docs/performance.md, « Mesures du 07/12/2026 »).

This library (settings.TEMPLATES `libraries`) is Django's `i18n` — every tag and filter of it,
so the service's templates load it instead (tests/test_traduction.py checks that they all do;
makemessages reads the tags whatever the library) — with one change: a `translate` (or `trans`)
whose text is a constant, without filters nor a variable message context, keeps what it
rendered, per language and autoescaping, in the template node itself. A node lives as long as
its compiled template: until the process restarts in production (the cached template loader; a
new translation comes with a deployment), one render in development (templates are read again
at each request). Any other form of the tag is Django's, unchanged. django-dsfr's own templates
keep Django's library.
"""

from django import template
from django.templatetags import i18n as i18n_django
from django.utils import translation

from orientation.memoire import NoeudFige

register = template.Library()
register.tags.update(i18n_django.register.tags)
register.filters.update(i18n_django.register.filters)


def _constant(expression) -> bool:
    """A quoted string, resolved when the template is compiled (a str), without filters."""
    return isinstance(expression.var, str) and not expression.filters


class TraductionFigee(NoeudFige, i18n_django.TranslateNode):
    def __init__(self, noeud: i18n_django.TranslateNode):
        super().__init__(noeud.filter_expression, noeud.noop, noeud.asvar, noeud.message_context)
        expression = self.filter_expression
        self.constante = (
            not expression.filters
            and expression.var.lookups is None  # a literal, not a variable
            and (self.message_context is None or _constant(self.message_context))
        )

    def cle(self, context):
        return (translation.get_language(), context.autoescape)


@register.tag("translate")
@register.tag("trans")
def traduire(parser, token):
    return TraductionFigee(i18n_django.do_translate(parser, token))
