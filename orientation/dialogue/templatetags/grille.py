"""The council grid's repeated controls, written in Python.

A grid shows, for every pupil, the answer's radios for each voeu and up to twenty spécialité
checkboxes per general voeu and per proposed general voie: ≈ 2,000 controls for a class in the
definitive phase. Written by template tags they were most of the page's 40 ms; here one format
string per control. The markup is the DSFR's, as the template wrote it.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

register = template.Library()

CASE = (
    '<div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="{}" name="{}" '
    'value="{}"{}><label class="fr-label" for="{}">{}</label></div>'
)


@register.simple_tag
def cases_specialites(specialites, cochees, prefixe, cle_id, cle_nom, element=True):
    """One checkbox per spécialité: id `<prefixe>-<cle_id>-<pk>`, name `<prefixe>-<cle_nom>`,
    ticked when its pk is in `cochees`; each in a fieldset element when `element`."""
    nom = f"{prefixe}-{cle_nom}"
    gabarit = f'<div class="fr-fieldset__element">{CASE}</div>' if element else CASE
    return format_html_join(
        "",
        gabarit,
        (
            (ident, nom, s.pk, " checked" if s.pk in cochees else "", ident, s.libelle)
            for s in specialites
            for ident in (f"{prefixe}-{cle_id}-{s.pk}",)
        ),
    )


RADIO = (
    '<div class="fr-fieldset__element fr-fieldset__element--inline"><div class="fr-radio-group">'
    '<input type="radio" id="{}" name="{}" value="{}"{}><label class="fr-label" for="{}">{}</label>'
    "</div></div>"
)


@register.simple_tag
def radios_en_ligne(prefixe, cle, valeurs, choisie):
    """The inline radios of one answer (avis or réponse): name `<prefixe>-<cle>`, one per
    (value, label) of `valeurs`, the `choisie` one checked."""
    nom = f"{prefixe}-{cle}"
    return format_html_join(
        "",
        RADIO,
        (
            (f"{nom}-{v}", nom, v, " checked" if v == choisie else "", f"{nom}-{v}", capfirst(lib))
            for v, lib in valeurs
        ),
    )


@register.simple_tag
def libelle_voeu(voeu):
    """The voeu as the grid names it: rank, then the voie and pro option as Voeu.libeller words
    them, then its spécialités in small type (prefetched by the grid's query)."""
    texte = format_html("{}. {}", voeu.rang, voeu.libeller(voeu.voie.libelle, []))
    noms = [s.libelle for s in voeu.specialites.all()]
    if noms:
        texte += format_html(' <span class="fr-text--sm">({})</span>', ", ".join(noms))
    return texte
