"""`{% fige clé… %}…{% endfige %}`: a part of the page skeleton that is the same for every
visitor, rendered once per process and key (`{% load fragments %}`); `{% scripts_dsfr nonce %}`:
django-dsfr's script tags, the same but for this response's CSP nonce.

The style sheets and icons, the skip links, the State brand of the header and the footer
(layout/base.html) change only with a deployment, which restarts the processes; they vary with
the keys the tag names (the language, the demo footer). Django's `{% cache %}` kept them in a
cache of the process's memory, but read them back at each render through the cache machinery —
the cache looked up by name, a key hashed and checked character by character, a lock, the text
unpickled: ≈ 20 µs a fragment, four per page. This tag keeps them in the compiled template's
node (orientation/memoire.py, NoeudFige), as a constant `{% translate %}` is kept: a dict
lookup. A node lives as long as its compiled template (until the process restarts in
production, one render in development).
"""

from django import template
from django.utils.html import conditional_escape

from orientation.memoire import NoeudFige

register = template.Library()


class _Contenu(template.Node):
    def __init__(self, nodelist, cles):
        self.nodelist = nodelist
        self.cles = cles

    def render(self, context):
        return self.nodelist.render(context)


class FragmentFige(NoeudFige, _Contenu):
    constante = True
    asvar = None

    def cle(self, context):
        return (context.autoescape, *(cle.resolve(context) for cle in self.cles))


@register.tag
def fige(parser, token):
    cles = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endfige",))
    parser.delete_first_token()
    return FragmentFige(nodelist, cles)


# Stands for the nonce in the scripts rendered once: no nonce has it (nor any URL or hash).
_NONCE = "\x00nonce\x00"


class ScriptsDsfr(template.Node):
    """`{% dsfr_js nonce=… %}` (django-dsfr's two script tags, with their integrity hashes and
    the response's nonce) rendered twice per node and autoescaping, by django-dsfr's own tag: once
    without a nonce, once with a mark where the nonce goes. Each response then gets one of the
    two, with its nonce in place of the mark, escaped as the template would escape it. The
    inclusion tag built a context, looked its template up and rendered it for every page: 47 to
    54 µs with the production settings, 6 to 7 µs now, 2 to 3 % of a family's page."""

    def __init__(self, nonce):
        self.nonce = nonce
        self.rendus = {}

    def render(self, context):
        nonce = self.nonce.resolve(context)
        try:
            sans, avec = self.rendus[context.autoescape]
        except KeyError:
            gabarit = context.template.engine.from_string(
                "{% load dsfr_tags %}{% dsfr_js nonce=nonce %}"
            )
            sans, avec = (
                gabarit.render(template.Context({"nonce": n}, autoescape=context.autoescape))
                for n in (None, _NONCE)
            )
            self.rendus[context.autoescape] = sans, avec
        if not nonce:  # as django-dsfr's `{% if self.nonce %}` (Django's LazyNonce: not yet drawn)
            return sans
        return avec.replace(_NONCE, conditional_escape(nonce) if context.autoescape else str(nonce))


@register.tag
def scripts_dsfr(parser, token):
    _balise, nonce = token.split_contents()
    return ScriptsDsfr(parser.compile_filter(nonce))
