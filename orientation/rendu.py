"""The form renderer: django-dsfr's, with the widget templates of the busiest forms flattened.

django-dsfr and Django render a choice widget one small template per option (the option, then
the input it includes, then the attributes the input includes): a row of the family's wish form
(three selects, thirteen specialty checkboxes) rendered ≈ 60 templates and cost ≈ 8 ms. The
templates in orientation/formulaires/ write the same markup with the option, input and attributes
inline (tests/test_rendu.py compares both renderers' output for every widget the service uses);
every other template still comes from django-dsfr, then Django.
"""

from pathlib import Path

import dsfr
from django import forms
from django.utils.functional import cached_property
from dsfr.forms import DsfrDjangoTemplates

GABARITS_APLATIS = Path(__file__).resolve().parent / "formulaires"


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
                "OPTIONS": {},
            }
        )
