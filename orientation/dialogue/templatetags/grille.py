"""The council grid's repeated controls, written in Python.

A grid shows, for every pupil, the answer's radios for each voeu and up to twenty spécialité
checkboxes per general voeu and per proposed general voie: ≈ 2,000 controls for a class in the
definitive phase. Written by template tags they were most of the page's 40 ms; here one format
string per control. The markup is the DSFR's, as the template wrote it. Each value is escaped as
format_html would, by orientation.rendu.echapper, without format_html's per-argument checks (a
grid page writes ≈ 10,000 of them).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from orientation.rendu import echapper

register = template.Library()

CASE = (
    '<div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="{id}" '
    'name="{nom}" value="{pk}"{coche}><label class="fr-label" for="{id}">{libelle}</label></div>'
)
ELEMENT = f'<div class="fr-fieldset__element">{CASE}</div>'


@register.simple_tag
def cases_specialites(specialites, cochees, prefixe, cle_id, cle_nom, element=True):
    """One checkbox per spécialité: id `<prefixe>-<cle_id>-<pk>`, name `<prefixe>-<cle_nom>`,
    ticked when its pk is in `cochees`; each in a fieldset element when `element`."""
    nom = echapper(f"{prefixe}-{cle_nom}")
    debut = echapper(f"{prefixe}-{cle_id}-")
    gabarit = ELEMENT if element else CASE
    return mark_safe(  # noqa: S308 — every value escaped above or here
        "".join(
            gabarit.format(
                id=f"{debut}{s.pk}",
                nom=nom,
                pk=s.pk,
                coche=" checked" if s.pk in cochees else "",
                libelle=echapper(s.libelle),
            )
            for s in specialites
        )
    )


RADIO = (
    '<div class="fr-fieldset__element fr-fieldset__element--inline"><div class="fr-radio-group">'
    '<input type="radio" id="{id}" name="{nom}" value="{valeur}"{coche}><label class="fr-label" '
    'for="{id}">{libelle}</label></div></div>'
)


@register.simple_tag
def radios_en_ligne(prefixe, cle, valeurs, choisie):
    """The inline radios of one answer (avis or réponse): name `<prefixe>-<cle>`, one per
    (value, label) of `valeurs`, the `choisie` one checked."""
    nom = echapper(f"{prefixe}-{cle}")
    return mark_safe(  # noqa: S308 — every value escaped above or here
        "".join(
            RADIO.format(
                id=f"{nom}-{echapper(v)}",
                nom=nom,
                valeur=echapper(v),
                coche=" checked" if v == choisie else "",
                libelle=echapper(capfirst(lib)),
            )
            for v, lib in valeurs
        )
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
