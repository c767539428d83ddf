"""`{% load traduction %}`: Django's `i18n` library, with `{% translate "constant" %}` translated
once per node, and the message of a `{% blocktranslate %}` looked up once per node.

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

A `{% blocktranslate %}` without plural (nor a variable message context) has a message that does
not depend on the context: Django rebuilds it from the tag's tokens (escaping its percent signs,
trimming it), then asks gettext for it, at every render (four such tags per page on average,
most of them in the e-mail a validation enqueues and in the council grid); here its translation
is kept per language in the node, and only the values of its variables are rendered at each
render, as Django renders them.
A translation that does not fit its values (a translator's mistake) goes to Django's own render,
which falls back to the untranslated message.
"""

from django import template
from django.template.base import render_value_in_context
from django.templatetags import i18n as i18n_django
from django.utils import translation
from django.utils.safestring import SafeString

from orientation.memoire import NoeudFige, texte_cite

register = template.Library()
register.tags.update(i18n_django.register.tags)
register.filters.update(i18n_django.register.filters)


class TraductionFigee(NoeudFige, i18n_django.TranslateNode):
    def __init__(self, noeud: i18n_django.TranslateNode):
        super().__init__(noeud.filter_expression, noeud.noop, noeud.asvar, noeud.message_context)
        expression = self.filter_expression
        self.constante = (
            not expression.filters
            and expression.var.lookups is None  # a literal, not a variable
            and (self.message_context is None or texte_cite(self.message_context))
        )

    def cle(self, context):
        return (translation.get_language(), context.autoescape)


@register.tag("translate")
@register.tag("trans")
def traduire(parser, token):
    return TraductionFigee(i18n_django.do_translate(parser, token))


class TraductionEnBlocFigee(i18n_django.BlockTranslateNode):
    def __init__(self, noeud: i18n_django.BlockTranslateNode):
        super().__init__(
            noeud.extra_context,
            noeud.singular,
            noeud.plural,
            noeud.countervar,
            noeud.counter,
            noeud.message_context,
            noeud.trimmed,
            noeud.asvar,
            noeud.tag_name,
        )
        self.figee = not self.plural and (
            self.message_context is None or texte_cite(self.message_context)
        )
        self.message, self.variables = self.render_token_list(self.singular)
        self.traductions = {}

    def _traduction(self, context) -> str:
        langue = translation.get_language()
        try:
            return self.traductions[langue]
        except KeyError:
            if self.message_context:
                contexte = self.message_context.resolve(context)
                traduit = translation.pgettext(contexte, self.message)
            else:
                traduit = translation.gettext(self.message)
            self.traductions[langue] = traduit
            return traduit

    def render(self, context, nested=False):
        if not self.figee or nested:
            return super().render(context, nested)
        traduit = self._traduction(context)
        # Django's render from here: the `with` values pushed, each variable rendered in the
        # context (an unknown one as the engine's string_if_invalid), the values popped.
        context.update({var: val.resolve(context) for var, val in self.extra_context.items()})
        invalide = context.template.engine.string_if_invalid
        data = {
            var: render_value_in_context(
                context[var]
                if var in context
                else (invalide % var if "%s" in invalide else invalide),
                context,
            )
            for var in self.variables
        }
        context.pop()
        try:
            resultat = traduit % data
        except (KeyError, ValueError):
            return super().render(context)
        if self.asvar:
            context[self.asvar] = SafeString(resultat)
            return ""
        return resultat


@register.tag("blocktranslate")
@register.tag("blocktrans")
def traduire_en_bloc(parser, token):
    return TraductionEnBlocFigee(i18n_django.do_block_translate(parser, token))
