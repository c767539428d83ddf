"""The form renderer: django-dsfr's, with the widget templates of the busiest forms flattened.

django-dsfr and Django render a choice widget one small template per option (the option, then
the input it includes, then the attributes the input includes): a row of the family's wish form
(three selects, thirteen specialty checkboxes) rendered ≈ 60 templates and cost ≈ 8 ms. The
templates in orientation/formulaires/ write the same markup with the option, input and attributes
inline (tests/test_rendu.py compares both renderers' output for every widget the service uses);
every other template still comes from django-dsfr, then Django. The attributes of each input
and option are written by the `attributs` filter (a built-in of the form templates), not by a loop
of template tags: the loop was half of what remained.
"""

from pathlib import Path

import dsfr
from django import forms, template
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from dsfr.forms import DsfrDjangoTemplates

GABARITS_APLATIS = Path(__file__).resolve().parent / "formulaires"

register = template.Library()


@register.filter
def attributs(attrs: dict) -> SafeString:
    """Django's django/forms/widgets/attrs.html in Python: ` name="value"` for each attribute,
    the bare name for True, nothing for False; values escaped as the template escapes them."""
    return mark_safe(
        "".join(
            f" {conditional_escape(nom)}"
            if valeur is True
            else f' {conditional_escape(nom)}="{conditional_escape(str(valeur))}"'
            for nom, valeur in attrs.items()
            if valeur is not False
        )
    )


class RenduFormulaires(DsfrDjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    GABARITS_APLATIS,
                    Path(dsfr.__file__).resolve().parent / self.backend.app_dirname,
                    Path(forms.__file__).resolve().parent / "templates",
                ],
                "NAME": "formulaires",
                "OPTIONS": {"builtins": ["orientation.rendu"]},
            }
        )
