"""What a process keeps of the text it wrote, in two shapes used across the service
(docs/performance.md, « Ce qui a été changé pour la vitesse »):

- `MemoireBornee`: a dict of texts forgotten all at once when full — bounded memory, no
  bookkeeping per hit (the options of the wish form, the dates in words);
- `NoeudFige`: a template node whose output cannot change while the process runs for a given key
  (a constant `{% translate %}` per language, a `{% url %}` without arguments per URL
  configuration, a `{% static %}` of a quoted path per storage, a part of the page skeleton per
  its keys), kept in the compiled template's node.
"""


def texte_cite(expression) -> bool:
    """A tag's argument that is a quoted string — resolved when the template is compiled (a str),
    not a variable — without filters: what the nodes below may keep per process."""
    return isinstance(expression.var, str) and not expression.filters


class MemoireBornee(dict):
    def __init__(self, taille: int):
        super().__init__()
        self.taille = taille

    def obtenir(self, cle, calculer):
        """The text kept for `cle`, or `calculer()`'s, then kept (a text is never None)."""
        valeur = self.get(cle)
        if valeur is None:
            if len(self) >= self.taille:
                self.clear()
            valeur = self[cle] = calculer()
        return valeur


class NoeudFige:
    """Mixed in before a Django template node: when `constante` (decided by the subclass at
    compile time), the node's output — or, with `as`, the value it gives its variable — is
    rendered once per `cle(context)` by the Django node, then read from the node. An exception
    raised by the Django node is raised again at the next render: nothing is kept for it."""

    constante = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rendus = {}

    def cle(self, context):
        raise NotImplementedError

    def render(self, context):
        if not self.constante:
            return super().render(context)
        cle = self.cle(context)
        try:
            valeur = self.rendus[cle]
        except KeyError:
            valeur = super().render(context)
            if self.asvar:
                valeur = context[self.asvar]
            self.rendus[cle] = valeur
        if self.asvar:
            context[self.asvar] = valeur
            return ""
        return valeur
