"""The form renderer: django-dsfr's, with the widget templates of the busiest forms flattened.

django-dsfr and Django render a choice widget one small template per option (the option, then
the input it includes, then the attributes the input includes): a row of the family's wish form
(three selects, thirteen specialty checkboxes) rendered ≈ 60 templates and cost ≈ 8 ms. The
templates in orientation/formulaires/ write the same markup with the option, input and attributes
inline (tests/test_rendu.py compares both renderers' output for every widget the service uses);
every other template still comes from django-dsfr, then Django. The input, the attributes and the
checkbox or radio option are written once, by the filters below (built-ins of the form templates),
for the option templates and the field snippet alike: a loop of template tags per attribute was
half of what remained after the flattening.
"""

from pathlib import Path

import dsfr
from django import forms, template
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
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


@register.filter
def entree(widget: dict) -> SafeString:
    """Django's django/forms/widgets/input.html: the `<input>` of a widget or of an option."""
    valeur = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        "" if valeur is None else format_html(' value="{}"', str(valeur)),
        attributs(widget["attrs"]),
    )


@register.filter
def option(widget: dict, genre: str) -> SafeString:
    """One checkbox (`genre` "case") or radio ("radio") option as django-dsfr writes it: the
    input, its label — with its hint when the choice's label is a {label, help_text} dict — in the
    DSFR group (always for a radio, when django-dsfr marked the widget for a checkbox).

    The same options come back on every page of the wish form (the catalogue's spécialités, on
    every row): each distinct option — its name, value, label, attributes, checked or not — is
    written once per process and then read from a bounded memo. The key holds everything the
    markup is made of, the label's type included (a safe label is not escaped)."""
    libelle = widget["label"]
    try:
        cle = (
            genre,
            widget["type"],
            widget["name"],
            widget["value"],
            type(libelle),
            tuple(libelle.items()) if isinstance(libelle, dict) else libelle,
            tuple(widget["attrs"].items()),
            widget.get("wrap_label", True),
        )
        return _option_memorisee(cle, widget, genre)
    except TypeError:  # an unhashable attribute or label: written without the memo
        return _option(widget, genre)


# Forgotten all at once when full: bounded memory, no bookkeeping per hit (a campaign's options,
# row by row, checked or not, are a few hundred).
TAILLE_MEMO = 4096
_MEMO_OPTIONS: dict = {}


def _option_memorisee(cle, widget: dict, genre: str) -> SafeString:
    html = _MEMO_OPTIONS.get(cle)
    if html is None:
        if len(_MEMO_OPTIONS) >= TAILLE_MEMO:
            _MEMO_OPTIONS.clear()
        html = _MEMO_OPTIONS[cle] = _option(widget, genre)
    return html


def _option(widget: dict, genre: str) -> SafeString:
    libelle, ident = widget["label"], widget["attrs"].get("id")
    if isinstance(libelle, dict) and libelle.get("label"):
        libelle = format_html(
            '{}<span class="fr-hint-text" id="{}_helptext">{}</span>',
            libelle["label"],
            ident,
            libelle.get("help_text", ""),
        )
    etiquette = (
        format_html(
            '<label class="fr-label"{}>{}</label>',
            format_html(' for="{}"', ident) if ident else "",
            libelle,
        )
        if widget.get("wrap_label", True)  # a subwidget's data: BoundWidget.tag() wraps
        else ""
    )
    html = entree(widget) + etiquette
    if genre == "radio":
        return format_html('<div class="fr-radio-group">{}</div>', html)
    if widget["attrs"].get("dsfr") == "dsfr":
        return format_html('<div class="fr-checkbox-group">{}</div>', html)
    return html


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
