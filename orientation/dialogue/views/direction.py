"""The head's side after the council (R20–R23, X): the dossiers waiting for an interview, for the
second representative or past the response deadline; the interview, the decision, the appeal and
its outcome; the printable decision and appeal form.

Every lookup goes through `Dossier.objects.for_user()` then `est_direction`: families, other
schools and the other staff get a 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orientation import pdf
from orientation.accounts import permissions
from orientation.campagnes import calendrier
from orientation.etablissements.models import Etablissement, homonymes

from .. import chronologie, workflow
from ..forms_decision import DecisionForm, EntretienForm, RecoursForm, StatuerForm
from ..models import (
    Dossier,
    Entretien,
    Etat,
    Evenement,
    Proposition,
    Recours,
    ReponseFamille,
    Voeu,
)

ETATS_SUIVIS = (
    Etat.PROPOSITIONS_PUBLIEES,
    Etat.REPONSE_FAMILLE,
    Etat.ENTRETIEN_REQUIS,
    Etat.ENTRETIEN_TENU,
    Etat.RECOURS,
)


def _ip(request):
    return request.META.get("REMOTE_ADDR")


def _dossier(request, pk: int) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.for_user(request.user).select_related(
            "campagne__etablissement", "eleve__division"
        ),
        pk=pk,
    )
    if not permissions.est_direction(request.user, dossier.campagne.etablissement_id):
        raise Http404
    return dossier


@login_required
@require_GET
def liste(request, uai):
    etablissement = get_object_or_404(Etablissement, uai=uai.upper())
    if not permissions.est_direction(request.user, etablissement.pk):
        raise Http404
    campagne = etablissement.campagnes.order_by("-annee").first()
    dossiers = (
        Dossier.objects.filter(campagne=campagne, etat__in=ETATS_SUIVIS)
        .select_related("eleve__division", "campagne")
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom")
        if campagne
        else Dossier.objects.none()
    )
    maintenant = timezone.now()
    delai_passe = campagne is not None and maintenant >= campagne.reponse_limite
    sections = {
        "apres_delai": [],
        "attente_reponse": [],
        "second_representant": [],
        "entretien_requis": [],
        "a_decider": [],
        "recours": [],
    }
    for d in dossiers:
        if d.etat in (Etat.PROPOSITIONS_PUBLIEES, Etat.REPONSE_FAMILLE) and delai_passe:
            sections["apres_delai"].append(d)
        elif d.etat == Etat.PROPOSITIONS_PUBLIEES:
            sections["attente_reponse"].append(d)
        elif d.etat == Etat.REPONSE_FAMILLE:
            sections["second_representant"].append(d)
        elif d.etat == Etat.ENTRETIEN_REQUIS:
            sections["entretien_requis"].append(d)
        elif d.etat == Etat.ENTRETIEN_TENU:
            sections["a_decider"].append(d)
        elif d.etat == Etat.RECOURS:
            sections["recours"].append(d)
    suivis = [d.eleve for dossiers_de in sections.values() for d in dossiers_de]
    return render(
        request,
        "dialogue/direction/liste.html",
        {
            "etablissement": etablissement,
            "campagne": campagne,
            "homonymes": homonymes(suivis),
            "delai_passe": delai_passe,
            "sections": [
                (
                    "apres_delai",
                    _("Date limite de réponse passée : à traiter"),
                    sections["apres_delai"],
                ),
                (
                    "attente_reponse",
                    _("En attente de la réponse de la famille"),
                    sections["attente_reponse"],
                ),
                (
                    "second_representant",
                    _("En attente du second représentant"),
                    sections["second_representant"],
                ),
                ("entretien_requis", _("Entretien requis"), sections["entretien_requis"]),
                ("a_decider", _("Entretien tenu : décision à prendre"), sections["a_decider"]),
                ("recours", _("Recours en cours"), sections["recours"]),
            ],
            "page_title": _("Décisions d'orientation — %(nom)s") % {"nom": etablissement.nom},
        },
    )


def _contexte_dossier(request, dossier, **forms):
    etat = dossier.etat
    contexte = {
        "dossier": dossier,
        "demandes": Voeu.objects.filter(dossier=dossier, phase="definitive")
        .select_related("voie")
        .order_by("rang"),
        "propositions": Proposition.objects.filter(dossier=dossier)
        .select_related("voie", "voeu")
        .order_by("voeu__rang", "voie__libelle"),
        "reponse": ReponseFamille.objects.filter(dossier=dossier)
        .select_related("responsable")
        .prefetch_related("propositions_acceptees__voie")
        .first(),
        "accords": dossier.accords.select_related("responsable").order_by("repondu_le"),
        "entretiens": Entretien.objects.filter(dossier=dossier).select_related("conduit_par"),
        "decision": workflow.decision_en_vigueur(dossier),
        "recours": Recours.objects.filter(dossier=dossier).select_related("voie_decidee"),
        "etapes": chronologie.etapes(dossier, pour_famille=False),
        "peut_exiger": etat in workflow.TRANSITIONS["exiger_entretien"][0]
        and timezone.now() >= dossier.campagne.reponse_limite,
        "page_title": _("Orientation — %(eleve)s") % {"eleve": dossier.eleve.nom_complet},
    }
    if etat == Etat.ENTRETIEN_REQUIS:
        contexte["entretien_form"] = forms.get("entretien_form") or EntretienForm()
    if etat == Etat.ENTRETIEN_TENU:
        contexte["decision_form"] = forms.get("decision_form") or DecisionForm()
    decision = contexte["decision"]
    if etat == Etat.DECIDE and decision is not None and decision.date_limite_recours:
        contexte["recours_form"] = forms.get("recours_form") or RecoursForm(
            initial={"depose_le": timezone.localdate()}
        )
    if etat == Etat.RECOURS:
        contexte["statuer_form"] = forms.get("statuer_form") or StatuerForm()
    if any(f is not None and f.errors for f in forms.values()):
        contexte["page_title"] = _("Erreur : ") + contexte["page_title"]
    return contexte


def _page(request, dossier, status=200, **forms):
    return render(
        request,
        "dialogue/direction/dossier.html",
        _contexte_dossier(request, dossier, **forms),
        status=status,
    )


@login_required
@require_GET
def dossier(request, pk):
    return _page(request, _dossier(request, pk))


def _etape_depassee(request, dossier, refus) -> str:
    """The refusal of a transition whose source state is gone. When somebody else moved the
    dossier on (the head and the deputy on the same dossier, maybe a second ago), say who and
    when rather than only "not possible at this step"."""
    dernier = (
        Evenement.objects.filter(dossier_id=dossier.pk)
        .select_related("acteur", "dossier")
        .order_by("-quand", "-pk")
        .first()
    )
    if dernier is None or dernier.acteur is None or dernier.acteur_id == request.user.pk:
        return refus.message
    return _(
        "Ce dossier a été modifié par %(qui)s le %(quand)s (étape : %(etape)s) : rien n'a été "
        "enregistré de votre côté. Voici le dossier à jour."
    ) % {
        "qui": dernier.acteur.get_full_name() or dernier.acteur.username,
        "quand": calendrier.moment(dernier.quand),
        "etape": dernier.dossier.get_etat_display(),
    }


def _executer(request, dossier, form, nom_form, appel, message):
    """One transition for one valid form; a refusal comes back on the form, nothing saved."""
    if not form.is_valid():
        return _page(request, dossier, status=400, **{nom_form: form})
    try:
        appel(form.cleaned_data)
    except workflow.EtapeDepassee as exc:
        # The form belongs to a step that is over: show the dossier as it is now.
        messages.error(request, _etape_depassee(request, dossier, exc))
        return _page(request, _dossier(request, dossier.pk), status=409)
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page(request, dossier, status=400, **{nom_form: form})
    messages.success(request, message)
    return redirect("dialogue:direction_dossier", pk=dossier.pk)


@login_required
@require_POST
def exiger(request, pk):
    """X: after the response deadline, the head handles the dossier: interview required."""
    dossier = _dossier(request, pk)
    try:
        workflow.exiger_entretien(dossier, request.user, ip=_ip(request))
    except workflow.EtapeDepassee as exc:
        messages.error(request, _etape_depassee(request, dossier, exc))
    except workflow.TransitionRefusee as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Entretien requis : chaque représentant légal est prévenu par courriel.")
        )
    return redirect("dialogue:direction_dossier", pk=dossier.pk)


@login_required
@require_POST
def entretien(request, pk):
    dossier = _dossier(request, pk)
    return _executer(
        request,
        dossier,
        EntretienForm(request.POST),
        "entretien_form",
        lambda d: workflow.tenir_entretien(dossier, request.user, ip=_ip(request), **d),
        _("L'entretien est enregistré."),
    )


@login_required
@require_POST
def decision(request, pk):
    dossier = _dossier(request, pk)
    return _executer(
        request,
        dossier,
        DecisionForm(request.POST),
        "decision_form",
        lambda d: workflow.decider(
            dossier,
            request.user,
            voies=[v.code for v in d["voies"]],
            option_pro=d["option_pro"],
            motivation=d["motivation"],
            ip=_ip(request),
        ),
        _("La décision est enregistrée et notifiée à la famille."),
    )


@login_required
@require_POST
def recours(request, pk):
    dossier = _dossier(request, pk)

    def appel(d):
        depose_le = timezone.make_aware(
            datetime.datetime.combine(d["depose_le"], datetime.time(12))
        )
        workflow.engager_recours(
            dossier,
            request.user,
            depose_le=depose_le,
            maintien=d["objet"] == "maintien",
            ip=_ip(request),
        )

    return _executer(
        request,
        dossier,
        RecoursForm(request.POST),
        "recours_form",
        appel,
        _("La demande de la famille est enregistrée."),
    )


@login_required
@require_POST
def statuer(request, pk):
    dossier = _dossier(request, pk)
    return _executer(
        request,
        dossier,
        StatuerForm(request.POST),
        "statuer_form",
        lambda d: workflow.statuer_recours(
            dossier,
            request.user,
            maintien=d["issue_type"] == "maintien",
            voie=d["voie"].code if d["voie"] else "",
            date_commission=d["date_commission"],
            issue=d["issue"],
            ip=_ip(request),
        ),
        _("L'issue du recours est enregistrée et notifiée à la famille."),
    )


@login_required
@require_GET
def imprimer(request, pk):
    """The decision and the appeal form, to print (HTML) or as a PDF (`?format=pdf`)."""
    dossier = _dossier(request, pk)
    decision = workflow.decision_en_vigueur(dossier)
    if decision is None:
        raise Http404
    contexte = {
        "dossier": dossier,
        "decision": decision,
        "representants": workflow.autres_representants(dossier, None),
        "demandes": Voeu.objects.filter(dossier=dossier, phase="definitive")
        .select_related("voie")
        .order_by("rang"),
        "page_title": _("Décision d'orientation — %(eleve)s")
        % {"eleve": dossier.eleve.nom_complet},
    }
    if request.GET.get("format") == "pdf":
        return pdf.reponse(
            request, "dialogue/direction/imprimer_pdf.html", contexte, f"decision-{dossier.pk}"
        )
    return render(request, "dialogue/direction/imprimer.html", contexte)
