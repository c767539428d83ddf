"""`{% extends %}` with the root template's blocks found once per compiled root, and
`{% include "constant" %}` with its template found once per node.

At every render of a page, Django's `{% extends %}` walks the whole tree of the template at the
root of the inheritance (layout/base.html: the header, the footer, the skeleton's fragments) to
collect its `{% block %}` nodes — ≈ 150 µs a page, 2.4 % of a family's dossier page — although
the compiled template never changes. This module, a builtin of the template engine
(settings.TEMPLATES), is Django's tag with that walk done once per compiled root template and
kept beside it (a weak dictionary: the blocks go with the template when the cached loader drops
it). Everything else — the parent's lookup, the block context, the render — is Django's, in
Django's order (tests/test_heritage.py compares the output of both on a three-level
inheritance with `{{ block.super }}`).

An `{% include %}` of a quoted name looks its template up at the first render of each page that
uses it (Django keeps it for the rest of that render only: a loop's iterations share it), through
the engine and its cached loader, ≈ 2.5 µs, eight times per page (the header, its tools and
menu, the messages, the parts of the family's pages). `InclusionFigee` asks Django's own tag for
it once, at the first render of the node, then keeps it in the node. A node lives as long as its
compiled template: until the process restarts in production (the cached loader), one render in
development, where templates are read again at each request. An include of a variable is Django's
at every render.
"""

from weakref import WeakKeyDictionary

from django import template
from django.template.base import TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    IncludeNode,
    do_extends,
    do_include,
)

from orientation.memoire import texte_cite

register = template.Library()

# Compiled root template → its blocks by name; None for a template that extends another.
_BLOCS_DE_LA_RACINE: WeakKeyDictionary = WeakKeyDictionary()


def blocs_de_la_racine(gabarit) -> dict | None:
    """The `{% block %}` nodes of `gabarit` by name if it is the root of the inheritance (its
    first node that is not text is not an `{% extends %}`), else None — as Django decides."""
    try:
        return _BLOCS_DE_LA_RACINE[gabarit]
    except KeyError:
        pass
    blocs = None
    for noeud in gabarit.nodelist:
        if not isinstance(noeud, TextNode):
            if not isinstance(noeud, ExtendsNode):
                blocs = {n.name: n for n in gabarit.nodelist.get_nodes_by_type(BlockNode)}
            break
    _BLOCS_DE_LA_RACINE[gabarit] = blocs
    return blocs


class ExtensionFigee(ExtendsNode):
    def __init__(self, noeud: ExtendsNode):
        super().__init__(noeud.nodelist, noeud.parent_name, noeud.template_dirs)

    def render(self, context):
        # Django's ExtendsNode.render, with the root's blocks read from blocs_de_la_racine().
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocs = blocs_de_la_racine(compiled_parent)
        if blocs is not None:
            block_context.add_blocks(blocs)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag
def extends(parser, token):
    return ExtensionFigee(do_extends(parser, token))


class InclusionFigee(IncludeNode):
    gabarit = None

    def __init__(self, noeud: IncludeNode):
        super().__init__(
            noeud.template,
            extra_context=noeud.extra_context,
            isolated_context=noeud.isolated_context,
        )
        self.constante = texte_cite(self.template)

    def render(self, context):
        gabarit = self.gabarit
        if gabarit is None:
            rendu = super().render(context)
            if self.constante:
                # The one template Django looked up for this node, in this render's cache.
                (self.gabarit,) = context.render_context.dicts[0][self].values()
            return rendu
        # Django's IncludeNode.render from here, with the template kept.
        valeurs = {nom: var.resolve(context) for nom, var in self.extra_context.items()}
        if self.isolated_context:
            return gabarit.render(context.new(valeurs))
        with context.push(**valeurs):
            return gabarit.render(context)


@register.tag
def include(parser, token):
    return InclusionFigee(do_include(parser, token))
