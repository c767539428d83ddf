"""Who sees which divisions of a school in the pilotage pages (accounts/permissions.py predicates).

The direction and the secrétariat see the whole school; a professeur principal their divisions;
anybody else gets a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from orientation.accounts import permissions
from orientation.etablissements.models import Division, Etablissement


def divisions_de_l_ecole(etablissement):
    """The classes the pilotage counts for the whole school: its 2des GT, by code."""
    return Division.objects.filter(etablissement=etablissement, est_seconde_gt=True).order_by(
        "code"
    )


def etablissement_visible(user, uai: str) -> tuple[Etablissement, list[Division]]:
    etablissement = get_object_or_404(Etablissement, uai=uai.upper())
    if permissions.lit_toute_l_ecole(user, etablissement.pk):
        divisions = divisions_de_l_ecole(etablissement)
    else:
        ids = permissions.divisions_ids(user)
        if not ids:
            raise Http404
        divisions = Division.objects.filter(etablissement=etablissement, id__in=ids).order_by(
            "code"
        )
    divisions = list(divisions)
    if not divisions and not permissions.lit_toute_l_ecole(user, etablissement.pk):
        raise Http404
    return etablissement, divisions


def peut_parametrer(user, etablissement) -> bool:
    """The campaign settings: the chef d'établissement (and adjoint) and the secrétariat."""
    return permissions.peut_gerer_etablissement(user, etablissement.pk)


def division_choisie(divisions, valeur) -> list[Division]:
    """The `?division=<id>` filter, limited to the visible divisions (else 404)."""
    if not valeur:
        return divisions
    try:
        pk = int(valeur)
    except (TypeError, ValueError):
        raise Http404 from None
    choisies = [d for d in divisions if d.pk == pk]
    if not choisies:
        raise Http404
    return choisies
