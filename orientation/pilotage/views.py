"""Pilotage of the campaign by the school: settings, follow-up dashboard, reminders, exports,
fiche dialogue PDFs (docs/pilotage.md, docs/exports.md)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orientation.accounts import permissions
from orientation.campagnes.models import ConseilDivision
from orientation.dialogue.courriels import liens_des_dossiers
from orientation.dialogue.models import Dossier, Evenement
from orientation.etablissements.models import homonymes
from orientation.pdf import telechargement

from . import exports, forms, pdf, relances, stats, tasks
from .acces import division_choisie, etablissement_visible, peut_parametrer
from .models import PdfEtablissement

# The families to chase, a page at a time: at 2,000 pupils the whole list weighed 541 Kio.
FAMILLES_PAR_PAGE = 50


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
        "pdf_etablissement": None,
    }
    if campagne is not None:
        contexte["tableau"] = stats.tableau(campagne, choisies)
        familles = stats.a_relancer(campagne, choisies)
        # Only the families no e-mail reaches, to call or write to: the whole list read with
        # their representatives (two queries), then paginated.
        sans_adresse = request.GET.get("sans_adresse") == "1"
        if sans_adresse:
            familles = relances.injoignables(list(familles))
        # An out-of-range or garbled page number gives the last or the first page, never an error.
        liste = Paginator(familles, FAMILLES_PAR_PAGE).get_page(request.GET.get("page"))
        page = liste.object_list = list(liste.object_list)
        if sans_adresse:  # whom to call: each family's legal representatives and their phones
            liens = liens_des_dossiers(page)
            contexte["a_appeler"] = [(d, liens[d.pk]) for d in page]
        else:  # marked in the list: the families no e-mail reaches (one query for the page)
            contexte["injoignables"] = {d.pk for d in relances.injoignables(page)}
        contexte.update(
            relances=liste,
            sans_adresse=sans_adresse,
            homonymes=homonymes(d.eleve for d in page),
            pages_relances=liste.paginator.get_elided_page_range(
                liste.number, on_each_side=2, on_ends=1
            ),
        )
        if permissions.lit_toute_l_ecole(request.user, etab.pk):
            contexte["pdf_etablissement"] = _etat_pdf(etab)
    return render(request, "pilotage/tableau.html", contexte)


def _etat_pdf(etab) -> dict:
    """The whole-school PDF as the dashboard shows it: the request being built, the latest file
    ready, the latest failure (when it is the latest request)."""
    demandes = PdfEtablissement.objects.filter(etablissement=etab).select_related("demande_par")
    derniere = demandes.first()
    pret = (
        derniere
        if derniere is not None and derniere.statut == PdfEtablissement.Statut.PRET
        else None
    )
    if derniere is not None and pret is None:
        pret = demandes.filter(statut=PdfEtablissement.Statut.PRET).first()
    return {
        "en_preparation": derniere if derniere is not None and derniere.en_preparation else None,
        "pret": pret,
        "echec": derniere
        if derniere is not None and derniere.statut == PdfEtablissement.Statut.ECHEC
        else None,
    }


def _vers_tableau(etab, division="", page=""):
    """The dashboard with the filter and the page the person was on (validated by the view)."""
    params = {
        cle: valeur
        for cle, valeur in (("division", division), ("page", page))
        if valeur and str(valeur).isdigit()
    }
    url = reverse("pilotage:etablissement", args=[etab.uai])
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@login_required
@require_POST
def relancer(request, uai):
    etab, divisions = etablissement_visible(request.user, uai)
    campagne = _campagne(etab)
    division = request.POST.get("division", "")
    retour = {"division": division, "page": request.POST.get("page", "")}
    adresse_ip = request.META.get("REMOTE_ADDR")
    if request.POST.get("tout"):
        # « All the families of this list »: every page of it, as filtered (a class or the whole
        # school). Writing 2,400 e-mails takes half a minute, more than a request may last
        # (docs/performance.md): a task writes them, reading the list again when it runs, so a
        # family that acted meanwhile is not reminded.
        choisies = division_choisie(divisions, division)
        # Who can be reached, counted now (the list and its representatives: two queries).
        familles = list(stats.a_relancer(campagne, choisies))
        injoignables = len(relances.injoignables(familles))
        tasks.relancer_familles.enqueue(
            campagne.pk, [d.pk for d in choisies], request.user.pk, adresse_ip
        )
        messages.success(
            request,
            _(
                "Rappel en cours d'envoi aux %(n)d famille(s) de la liste qu'un courriel peut "
                "joindre : les courriels partent dans les minutes qui viennent ; une famille "
                "n'est relancée qu'une fois par jour."
            )
            % {"n": len(familles) - injoignables},
        )
        if injoignables:
            messages.warning(
                request,
                _(
                    "%(n)d famille(s) de la liste n'ont aucune adresse électronique connue et ne "
                    "recevront rien : « Afficher seulement les familles sans adresse électronique "
                    "connue » les donne, avec les téléphones de leurs représentants."
                )
                % {"n": injoignables},
            )
        return _vers_tableau(etab, **retour)
    ids = [int(i) for i in request.POST.getlist("dossiers") if i.isdigit()]
    if not ids:
        messages.error(request, _("Cochez au moins une famille à relancer."))
        return _vers_tableau(etab, **retour)
    # The families ticked on one page (at most FAMILLES_PAR_PAGE): written right away.
    relance = relances.relancer(
        stats.a_relancer(campagne, divisions).filter(pk__in=ids),
        campagne,
        etab,
        request.user,
        adresse_ip,
    )
    messages.success(
        request,
        _("Rappel envoyé à %(n)d famille(s) ; une famille n'est relancée qu'une fois par jour.")
        % {"n": relance.familles},
    )
    if relance.injoignables:
        messages.warning(
            request,
            _(
                "Aucune adresse électronique connue pour : %(eleves)s. Rien ne leur a été "
                "envoyé : contactez ces familles autrement."
            )
            % {
                "eleves": ", ".join(
                    f"{d.eleve.nom_complet} ({d.eleve.division.code})" for d in relance.injoignables
                )
            },
        )
    return _vers_tableau(etab, **retour)


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
    _tracer(request, etab, "export", {"export": quoi, "format": fmt, "classes": suffixe})
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
        # A whole school takes minutes to lay out (docs/performance.md): it is prepared in the
        # background (fiches_etablissement below); here, one class at a time.
        messages.error(
            request,
            _(
                "Choisissez une classe pour imprimer ses fiches dialogue, ou préparez le PDF de "
                "tout l'établissement."
            ),
        )
        return redirect("pilotage:etablissement", etab.uai)
    choisies = division_choisie(divisions, request.GET.get("division"))
    qs = Dossier.objects.filter(campagne=campagne, eleve__division__in=choisies)
    suffixe = choisies[0].code if request.GET.get("division") else etab.uai
    titre = _("Fiches dialogue — %(quoi)s") % {"quoi": suffixe}
    _tracer(request, etab, "fiches_pdf", {"classes": suffixe})
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


def _pilote_toute_l_ecole(request, uai):
    """The whole-school PDF: the direction and the secrétariat of this school only (a professeur
    principal prints their classes; anybody else gets a 404)."""
    etab, _divisions = etablissement_visible(request.user, uai)
    if not permissions.lit_toute_l_ecole(request.user, etab.pk):
        raise Http404
    return etab


def _tracer(request, etab, action, details: dict):
    """Audit a staff action on the school's data (a request, a download, an export of personal
    data): who, when, from where, what (docs/securite.md)."""
    Evenement.objects.create(
        etablissement=etab,
        acteur=request.user,
        action=action,
        adresse_ip=request.META.get("REMOTE_ADDR"),
        details=details,
    )


@login_required
@require_POST
def demander_fiches_etablissement(request, uai):
    etab = _pilote_toute_l_ecole(request, uai)
    campagne = _campagne(etab)
    try:
        with transaction.atomic():
            demande, creee = tasks.demander(etab, campagne, request.user)
            if creee:
                _tracer(request, etab, "pdf_etablissement_demande", {"demande": demande.pk})
    except IntegrityError:  # two requests at the same instant: the other one won
        creee = False
    if creee:
        messages.success(
            request,
            _(
                "Le PDF des fiches dialogue de tout l'établissement est en préparation : cela "
                "prend quelques minutes. Rechargez cette page pour le télécharger quand il est "
                "prêt."
            ),
        )
    else:
        messages.info(
            request,
            _("Le PDF de l'établissement est déjà en préparation : une seule demande à la fois."),
        )
    return redirect(reverse("pilotage:etablissement", args=[etab.uai]) + "#fiches-etablissement")


@login_required
@require_GET
def telecharger_fiches_etablissement(request, uai, pk):
    etab = _pilote_toute_l_ecole(request, uai)
    demande = get_object_or_404(
        PdfEtablissement, pk=pk, etablissement=etab, statut=PdfEtablissement.Statut.PRET
    )
    try:
        fichier = demande.fichier.open("rb")
    except (FileNotFoundError, ValueError):
        messages.error(
            request,
            _(
                "Ce fichier n'est plus disponible : préparez à nouveau les fiches de "
                "l'établissement."
            ),
        )
        return redirect(
            reverse("pilotage:etablissement", args=[etab.uai]) + "#fiches-etablissement"
        )
    _tracer(request, etab, "pdf_etablissement_telecharge", {"demande": demande.pk})
    reponse = FileResponse(
        fichier,
        as_attachment=True,
        filename=f"fiches-{etab.uai}-{timezone.localtime(demande.termine_le):%Y%m%d-%H%M}.zip",
        content_type="application/zip",
    )
    reponse["Cache-Control"] = "no-store"
    return reponse
