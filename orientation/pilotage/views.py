"""Pilotage of the campaign by the school: settings, follow-up dashboard, reminders, exports,
fiche dialogue PDFs (docs/pilotage.md, docs/exports.md)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orientation.accounts import permissions
from orientation.campagnes.models import ConseilDivision, Phase
from orientation.dialogue.courriels import Rappel
from orientation.dialogue.models import Dossier, Etat, Evenement
from orientation.pdf import telechargement

from . import exports, forms, pdf, stats
from .acces import division_choisie, etablissement_visible, peut_parametrer


def _campagne(etablissement):
    campagne = etablissement.campagnes.order_by("-annee").first()
    if campagne is None:
        raise Http404
    return campagne


@login_required
@require_GET
def etablissement(request, uai):
    etab, divisions = etablissement_visible(request.user, uai)
    campagne = etab.campagnes.order_by("-annee").first()
    choisies = division_choisie(divisions, request.GET.get("division"))
    contexte = {
        "page_title": _("Pilotage de la campagne — %(nom)s") % {"nom": etab.nom},
        "etablissement": etab,
        "campagne": campagne,
        "divisions": divisions,
        "division": choisies[0] if len(choisies) == 1 and request.GET.get("division") else None,
        "peut_parametrer": peut_parametrer(request.user, etab),
        "etapes": stats.ETAPES,
        "formats": list(exports.FORMATS),
    }
    if campagne is not None:
        contexte["tableau"] = stats.tableau(campagne, choisies)
        contexte["relances"] = stats.a_relancer(campagne, choisies)
    return render(request, "pilotage/tableau.html", contexte)


def _echeance(dossier, campagne) -> tuple[str, datetime.datetime]:
    if dossier.etat == Etat.INTENTIONS_OUVERTES:
        return Phase.PROVISOIRE, campagne.provisoire_fin
    if dossier.etat in (Etat.AVIS_PUBLIE, Etat.AVIS_ACCUSE):
        return Phase.DEFINITIVE, campagne.definitive_fin
    return Phase.DEFINITIVE, campagne.reponse_limite


@login_required
@require_POST
def relancer(request, uai):
    etab, divisions = etablissement_visible(request.user, uai)
    campagne = _campagne(etab)
    ids = [int(i) for i in request.POST.getlist("dossiers") if i.isdigit()]
    dossiers = stats.a_relancer(campagne, divisions).filter(pk__in=ids)
    if not ids:
        messages.error(request, _("Cochez au moins une famille à relancer."))
        return redirect("pilotage:etablissement", etab.uai)
    jour = timezone.localdate().isoformat()
    envoyes = 0
    with transaction.atomic():
        for dossier in dossiers:
            phase, fermeture = _echeance(dossier, campagne)
            lignes = Rappel.envoyer(
                dossier=dossier,
                contexte={"phase": phase, "date_fermeture": fermeture},
                cle_unicite=f"rappel-manuel:{dossier.pk}:{jour}",
            )
            if lignes:
                envoyes += 1
                Evenement.objects.create(
                    dossier=dossier,
                    etablissement=etab,
                    acteur=request.user,
                    action="rappel_envoye",
                    etat_avant=dossier.etat,
                    etat_apres=dossier.etat,
                    adresse_ip=request.META.get("REMOTE_ADDR"),
                    details={"phase": phase},
                )
    messages.success(
        request,
        _("Rappel envoyé à %(n)d famille(s) ; une famille n'est relancée qu'une fois par jour.")
        % {"n": envoyes},
    )
    return redirect("pilotage:etablissement", etab.uai)


@login_required
def parametres(request, uai):
    etab, divisions = etablissement_visible(request.user, uai)
    if not peut_parametrer(request.user, etab):
        raise Http404
    campagne = _campagne(etab)
    conseils = forms.conseils_de(campagne)
    par_cle = {(c.division_id, c.phase): c for c in conseils}
    form = forms.CampagneForm(
        request.POST or None, instance=campagne, divisions=divisions, conseils=par_cle
    )
    if request.method == "POST":
        avant = forms.etat_campagne(campagne, conseils)
        if form.is_valid():
            with transaction.atomic():
                campagne = form.save(commit=False)
                for (division_id, phase), date in form.dates_conseils().items():
                    conseil = par_cle.get((division_id, phase))
                    if date is None and conseil is not None:
                        conseil.delete()
                    elif date is not None and conseil is None:
                        ConseilDivision.objects.create(
                            campagne=campagne,
                            division_id=division_id,
                            phase=phase,
                            date_conseil=date,
                        )
                    elif date is not None and conseil.date_conseil != date:
                        conseil.date_conseil = date
                        conseil.save(update_fields=["date_conseil"])
                campagne.save()
                form.save_m2m()
                apres = forms.etat_campagne(campagne, forms.conseils_de(campagne))
                if apres != avant:
                    calendrier = {k: v for k, v in apres.items() if k != "specialites_offertes"}
                    if calendrier != {
                        k: v for k, v in avant.items() if k != "specialites_offertes"
                    }:
                        campagne.calendrier_modifie_le = timezone.now()
                        campagne.save(update_fields=["calendrier_modifie_le"])
                    Evenement.objects.create(
                        etablissement=etab,
                        acteur=request.user,
                        action="campagne_modifiee",
                        adresse_ip=request.META.get("REMOTE_ADDR"),
                        details={
                            "avant": {k: v for k, v in avant.items() if apres[k] != v},
                            "apres": {k: v for k, v in apres.items() if avant[k] != v},
                        },
                    )
            messages.success(request, _("Les paramètres de la campagne sont enregistrés."))
            return redirect("pilotage:parametres", etab.uai)
        messages.error(request, _("Corrigez les erreurs signalées ci-dessous."))
    return render(
        request,
        "pilotage/parametres.html",
        {
            "page_title": _("Calendrier et paramètres — %(nom)s") % {"nom": etab.nom},
            "etablissement": etab,
            "campagne": campagne,
            "form": form,
        },
    )


@login_required
@require_GET
def exporter(request, uai, quoi, fmt):
    if quoi not in exports.EN_TETES or fmt not in exports.FORMATS:
        raise Http404
    etab, divisions = etablissement_visible(request.user, uai)
    campagne = _campagne(etab)
    choisies = division_choisie(divisions, request.GET.get("division"))
    contenu = exports.exporter(quoi, fmt, campagne, choisies)
    suffixe = choisies[0].code if request.GET.get("division") else etab.uai
    response = HttpResponse(contenu, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{quoi}-{suffixe}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def fiches_pdf(request, uai):
    etab, divisions = etablissement_visible(request.user, uai)
    campagne = _campagne(etab)
    if not request.GET.get("division"):
        # A whole school takes minutes to lay out (docs/performance.md): one class at a time.
        messages.error(request, _("Choisissez une classe pour imprimer ses fiches dialogue."))
        return redirect("pilotage:etablissement", etab.uai)
    choisies = division_choisie(divisions, request.GET.get("division"))
    qs = Dossier.objects.filter(campagne=campagne, eleve__division__in=choisies)
    suffixe = choisies[0].code if request.GET.get("division") else etab.uai
    titre = _("Fiches dialogue — %(quoi)s") % {"quoi": suffixe}
    return telechargement(
        pdf.pdf_des_dossiers(qs, titre, request.build_absolute_uri("/")), f"fiches-{suffixe}"
    )


@login_required
@require_GET
def fiche_pdf(request, pk):
    dossier = get_object_or_404(
        Dossier.objects.for_user(request.user).select_related("campagne", "eleve"), pk=pk
    )
    # Staff of the pupil's school or division only (a family reads its fiche on its own pages).
    if not (
        permissions.lit_toute_l_ecole(request.user, dossier.campagne.etablissement_id)
        or dossier.eleve.division_id in permissions.divisions_ids(request.user)
    ):
        raise Http404
    qs = Dossier.objects.filter(pk=dossier.pk)
    titre = _("Fiche dialogue — %(nom)s") % {"nom": dossier.eleve.nom}
    return telechargement(
        pdf.pdf_des_dossiers(qs, titre, request.build_absolute_uri("/")), f"fiche-{dossier.pk}"
    )
