"""The form renderer: django-dsfr's, with the widget templates of the busiest forms flattened.

django-dsfr and Django render a choice widget one small template per option (the option, then
the input it includes, then the attributes the input includes): a row of the family's wish form
(three selects, thirteen specialty checkboxes) rendered ≈ 60 templates and cost ≈ 8 ms. The
templates in orientation/formulaires/ write the same markup with the option, input and attributes
inline (tests/test_rendu.py compares both renderers' output for every widget the service uses);
every other template still comes from django-dsfr, then Django. The input, the attributes and the
checkbox or radio option are written once, by the filters below (built-ins of the form templates),
for the option templates and the field snippet alike: a loop of template tags per attribute was
half of what remained after the flattening. The select and django-dsfr's field groups (input,
checkboxes, radios) are filters too: their templates ran a dozen tags per field and looked up
attributes most widgets lack (an exception each time); wish form −15 to −25 % of CPU. The
renderer now answers those templates itself, by the same filters (ECRITS_EN_PYTHON): no template
lookup, context and render for each field; only the templates that other templates include
(attributes, input, options) are still files in orientation/formulaires/.
"""

from html import escape
from pathlib import Path

import dsfr
from django import forms, template
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from dsfr.forms import DsfrDjangoTemplates
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

from orientation.memoire import MemoireBornee

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
def liste(widget: dict) -> SafeString:
    """Django's django/forms/widgets/select.html: the `<select>`, its groups and options (the
    three lists of every row of the wish form)."""
    morceaux = [format_html('<select name="{}"{}>', widget["name"], attributs(widget["attrs"]))]
    for groupe, options, _indice in widget["optgroups"]:
        if groupe:
            morceaux.append(format_html('<optgroup label="{}">', groupe))
        # A dozen options per list, three lists per row: written by f-strings with the escaping
        # format_html would apply (the value always, the label unless already safe).
        morceaux.extend(
            f'<option value="{escape(str(o["value"]))}"{attributs(o["attrs"])}>'
            f"{echapper(o['label'])}</option>"
            for o in options
        )
        if groupe:
            morceaux.append("</optgroup>")
    morceaux.append("</select>")
    return mark_safe("".join(morceaux))


def echapper(texte) -> str:
    """conditional_escape() without its per-call checks: a safe string as it is, anything else
    escaped by the standard library's html.escape, as Django's escape() does. For markup
    written by f-strings where thousands of values are escaped per page (here, the grid's tags)."""
    return texte if hasattr(texte, "__html__") else escape(str(texte))


def _aide(champ, ident: str) -> SafeString:
    """The field's hint, under its label or legend."""
    if not champ.help_text:
        return ""
    return format_html(
        '<span class="fr-hint-text" id="{}_helptext">{}</span>',
        ident,
        mark_safe(champ.help_text),  # as the template's |safe
    )


@register.filter
def groupe_de_saisie(champ) -> SafeString:
    """django-dsfr's dsfr/form_field_snippets/input_snippet.html in Python: the group of an
    input, a select or a text area — its label with the required marker and the hint, the
    widget, the errors. The template looked up the widget's group class on every field (an
    exception when absent) and ran a dozen tags per field, on every row of the wish form."""
    widget = champ.field.widget
    groupe = getattr(widget, "group_class", "") or "fr-input-group"
    erreurs = champ.errors
    classes = groupe
    if erreurs:
        classes += f" {groupe}--error"
    if champ.field.disabled:
        classes += " fr-input-group--disabled"
    ident = champ.id_for_label
    return format_html(
        '<div class="{}"><label for="{}" class="fr-label">{}{}{}</label>{}{}</div>',
        classes,
        ident,
        champ.label,
        dsfr_mark_optionnal_fields(champ),
        _aide(champ, ident),
        dsfr_input_class_attr(champ),  # the widget's DSFR classes, then the bound field rendered
        format_html('<div id="{}-desc-error">{}</div>', champ.auto_id, erreurs) if erreurs else "",
    )


@register.filter
def groupe_d_options(champ, genre: str) -> SafeString:
    """django-dsfr's checkbox (`genre` "case") and radio ("radio") field snippets in Python: the
    fieldset, its legend with the required marker and the hint, each option in its element, the
    errors. The template looked the widget's `inline` flag up on every option (an exception when
    absent: nineteen per row of the wish form)."""
    cases = genre == "case"
    ident, erreurs = champ.auto_id, champ.errors
    decrit = f" {ident}-{'messages' if cases else 'desc-error'}" if erreurs else ""
    legende = format_html(
        '<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="{}-legend">'
        "{}{}{}</legend>",
        ident,
        champ.label,
        dsfr_mark_optionnal_fields(champ),
        _aide(champ, ident),
    )
    champ = dsfr_input_class_attr(champ)  # the widget's DSFR attributes, before its options
    element = (
        '<div class="fr-fieldset__element fr-fieldset__element--inline">'
        if getattr(champ.field.widget, "inline", False)
        else '<div class="fr-fieldset__element">'
    )
    options = mark_safe(
        "".join(f"{element}{option(sous.data, genre)}</div>" for sous in champ.subwidgets)
    )
    return format_html(
        '<fieldset class="fr-fieldset{}{}" id="{}-{}" aria-labelledby="{}-legend{}">'
        "{}{}{}</fieldset>",
        " fr-fieldset--error" if erreurs else "",
        " fr-fieldsets" if cases else "",
        "checkboxes" if cases else "radio",
        ident,
        ident,
        decrit,
        legende,
        options,
        format_html(
            '<div{} id="{}-desc-error">{}</div>',
            "" if cases else mark_safe(' class="fr-messages-group"'),
            ident,
            erreurs,
        )
        if erreurs
        else "",
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


# A campaign's options, row by row, checked or not, are a few hundred.
_MEMO_OPTIONS = MemoireBornee(4096)


def _option_memorisee(cle, widget: dict, genre: str) -> SafeString:
    return _MEMO_OPTIONS.obtenir(cle, lambda: _option(widget, genre))


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


# The templates the renderer itself is asked for most (a widget's or a field group's own
# template, rendered at each field of every form), answered by the filters above without a
# template: a lookup, a context and a render each for one filter call. Django's input widgets'
# templates only include input.html. The templates other templates include (attributes, input,
# options) stay templates, in orientation/formulaires/.
ECRITS_EN_PYTHON = {
    "django/forms/widgets/select.html": lambda contexte: liste(contexte["widget"]),
    "dsfr/form_field_snippets/input_snippet.html": lambda contexte: groupe_de_saisie(
        contexte["field"]
    ),
    "dsfr/form_field_snippets/checkboxselectmultiple_snippet.html": lambda contexte: (
        groupe_d_options(contexte["field"], "case")
    ),
    "dsfr/form_field_snippets/radioselect_snippet.html": lambda contexte: groupe_d_options(
        contexte["field"], "radio"
    ),
    **{
        f"django/forms/widgets/{genre}.html": lambda contexte: entree(contexte["widget"])
        for genre in [
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "file",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        ]
    },
}


class RenduFormulaires(DsfrDjangoTemplates):
    def render(self, template_name, context, request=None):
        ecrit = ECRITS_EN_PYTHON.get(template_name)
        if ecrit is None:
            return super().render(template_name, context, request)
        return ecrit(context)

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
