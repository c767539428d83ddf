"""The family after the council: the response (R17, R18), the other representative's agreement
(R19), the outcome (R21, R22) and what concerns them in the dossier's timeline.

The lookup goes through `permissions.dossier_visible()` (R2) and `agit_pour_la_famille`: another
family's dossier and the staff get a 404 (the staff have their own pages, views/direction.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orientation.accounts import permissions
from orientation.requetes import RequeteFigee

from .. import chronologie, workflow
from ..forms_decision import AccordForm, ReponseForm
from ..models import Accord, Dossier, Etat, ReponseFamille
from ..parcours import Etape


def _ip(request):
    return request.META.get("REMOTE_ADDR")


def _dossier(request, pk: int) -> Dossier:
    dossier = permissions.dossier_visible(
        request.user, pk, "campagne__etablissement", "eleve", "titulaire_demandes"
    )
    if dossier is None or not permissions.agit_pour_la_famille(request.user, dossier.eleve):
        raise Http404
    return dossier


_REPONSE = RequeteFigee(
    lambda dossier_id: (
        ReponseFamille.objects.filter(dossier=dossier_id)
        .select_related("responsable")
        .prefetch_related("propositions_acceptees__voie")
        .order_by("pk")
    )
)
_ACCORDS = RequeteFigee(
    lambda dossier_id, responsable_id: Accord.objects.filter(
        dossier=dossier_id, responsable=responsable_id
    ).values_list("pk")
)


def _a_donne_son_accord(dossier: Dossier, responsable) -> bool:
    return bool(_ACCORDS.lignes(dossier.pk, responsable.pk))


def _contexte(request, dossier: Dossier) -> dict:
    responsable = workflow._responsable(request.user, dossier)
    reponses = _REPONSE.objets(dossier.pk)
    reponse = reponses[0] if reponses else None
    propositions = workflow.propositions_du_dossier(dossier)
    titulaire_id = dossier.titulaire_demandes_id
    peut_repondre = dossier.etat == Etat.PROPOSITIONS_PUBLIEES and (
        responsable is None or titulaire_id in (None, responsable.pk)
    )
    peut_accorder = (
        dossier.etat == Etat.REPONSE_FAMILLE
        and reponse is not None
        and responsable is not None
        and responsable.pk != reponse.responsable_id
        and not _a_donne_son_accord(dossier, responsable)
    )
    decision = workflow.decision_en_vigueur(dossier)
    nom = _("Réponse aux propositions du conseil de classe")
    return {
        "dossier": dossier,
        "propositions": propositions,
        "acceptables": workflow.propositions_acceptables(dossier, propositions),
        "reponse": reponse,
        "peut_repondre": peut_repondre,
        "attend_le_titulaire": dossier.etat == Etat.PROPOSITIONS_PUBLIEES and not peut_repondre,
        "peut_accorder": peut_accorder,
        "attend_accord": dossier.etat == Etat.REPONSE_FAMILLE and not peut_accorder,
        "entretien_requis": dossier.etat == Etat.ENTRETIEN_REQUIS,
        "decision": decision,
        "etapes": chronologie.etapes(dossier, pour_famille=True),
        "courriels": chronologie.courriels_recus(dossier, request.user),
        "page_title": nom,
        "etape": _etape(nom, responsable, dossier, reponse, peut_repondre, peut_accorder),
    }


def _etape(nom, responsable, dossier, reponse, peut_repondre, peut_accorder) -> Etape | None:
    """RGAA 8.6: the step of the user's own journey (dialogue/parcours.py), none when they have
    nothing to answer (the other representative before the response, or after a refusal)."""
    if peut_repondre:
        return Etape(nom, "reponse", 1)
    if peut_accorder:
        return Etape(nom, "accord", 1)
    if reponse is not None and (responsable is None or reponse.responsable_id == responsable.pk):
        return Etape(nom, "reponse", 2)
    if responsable is not None and _a_donne_son_accord(dossier, responsable):
        return Etape(nom, "accord", 2)
    return None


def _page(request, dossier, *, reponse_form=None, accord_form=None, status=200):
    contexte = _contexte(request, dossier)
    if contexte["peut_repondre"]:
        contexte["reponse_form"] = reponse_form or ReponseForm(propositions=contexte["acceptables"])
    if contexte["peut_accorder"]:
        contexte["accord_form"] = accord_form or AccordForm()
    form = reponse_form or accord_form
    contexte["erreurs"] = form is not None and bool(form.errors)
    return render(request, "dialogue/reponse/page.html", contexte, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reponse(request, pk):
    """R17: the response; R18: leaving without responding warns (static/dialogue/reponse.js)."""
    dossier = _dossier(request, pk)
    if request.method == "GET":
        return _page(request, dossier)
    form = ReponseForm(request.POST, propositions=workflow.propositions_acceptables(dossier))
    if not form.is_valid():
        return _page(request, dossier, reponse_form=form, status=400)
    accepte = form.cleaned_data["choix"] == "accepte"
    try:
        workflow.repondre(
            dossier,
            request.user,
            accepte=accepte,
            propositions=form.cleaned_data["propositions"],
            ip=_ip(request),
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page(request, dossier, reponse_form=form, status=400)
    if accepte:
        messages.success(request, _("Votre réponse est enregistrée."))
    else:
        # R17: the page tells them to contact the head immediately.
        messages.warning(
            request,
            _(
                "Votre refus est enregistré. Contactez immédiatement le chef d'établissement "
                "pour convenir d'un rendez-vous avec votre enfant."
            ),
        )
    return redirect("dialogue:reponse", pk=dossier.pk)


@login_required
@require_http_methods(["POST"])
def accord(request, pk):
    """R19: the other representative's oui or non."""
    dossier = _dossier(request, pk)
    form = AccordForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, accord_form=form, status=400)
    try:
        workflow.conclure_accord(
            dossier, request.user, d_accord=form.cleaned_data["d_accord"] == "oui", ip=_ip(request)
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page(request, dossier, accord_form=form, status=400)
    messages.success(request, _("Votre réponse est enregistrée."))
    return redirect("dialogue:reponse", pk=dossier.pk)
