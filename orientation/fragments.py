"""`{% fige clé… %}…{% endfige %}`: a part of the page skeleton that is the same for every
visitor, rendered once per process and key (`{% load fragments %}`).

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
