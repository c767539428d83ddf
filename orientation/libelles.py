"""The labels of a field's choices (`get_FOO_display()`), read from a table per field and language.

Django's `Model._get_FIELD_display` builds, at every call, a dict of all the field's choices
through `make_hashable()`, which hashes each lazy label, that is translates it: a dossier's
state, written on the family's home and dossier pages, cost eleven `gettext` calls and ≈ 5 % of
the dossier page under the profiler (docs/performance.md, « Mesures du 07/12/2026, neuvième
machine »). The service's models with choices take `LibellesDesChoix` first among their bases:
their `get_FOO_display()` (Django binds them to the class's `_get_FIELD_display`) read a table
built once per process, field and language, with the same answer as Django's: the label of the
value, in the active language, or the value itself when it is not among the choices. Choices
given by a callable (which may change) keep Django's way.
"""

from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

# (field, language) -> {value: label}: a few dozen entries, fixed by the code.
_TABLES: dict = {}


def table_des_libelles(champ) -> dict:
    cle = (champ, get_language())
    table = _TABLES.get(cle)
    if table is None:
        # dict() keeps the last of two equal values, as Django's does.
        table = _TABLES[cle] = {
            make_hashable(valeur): force_str(libelle, strings_only=True)
            for valeur, libelle in champ.flatchoices
        }
    return table


class LibellesDesChoix:
    def _get_FIELD_display(self, field):
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        valeur = getattr(self, field.attname)
        cle = make_hashable(valeur)
        table = table_des_libelles(field)
        if cle in table:
            return table[cle]
        return force_str(valeur, strings_only=True)
