"""The secrétariat's and the direction's SIECLE upload: files → preview of the diff → confirm."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orientation.accounts.permissions import peut_gerer_etablissement

from .forms import ImportSiecleForm
from .models import Etablissement
from .siecle import annee_scolaire_courante, stockage
from .siecle.apply import appliquer
from .siecle.diff import calculer
from .siecle.parse import SiecleError, lire

SESSION_KEY = "import_siecle"


def _etablissement(request, uai: str) -> Etablissement:
    # Another school's page is a 404, never a hint that it exists (ARCHITECTURE.md rule 3).
    etablissement = get_object_or_404(Etablissement, uai=uai.upper())
    if not peut_gerer_etablissement(request.user, etablissement.pk):
        raise Http404
    return etablissement


def _sources(token: str, noms: list[str]):
    chemins = stockage.chemins(token)
    return list(zip(noms, chemins, strict=False)) if len(chemins) == len(noms) else []


def _page(request, etablissement, form, status=200):
    return render(
        request,
        "etablissements/import.html",
        {
            "etablissement": etablissement,
            "form": form,
            "imports": etablissement.imports_siecle.select_related("auteur")[:10],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_siecle(request, uai):
    etablissement = _etablissement(request, uai)
    if request.method == "GET":
        return _page(request, etablissement, ImportSiecleForm())
    form = ImportSiecleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, etablissement, form, status=400)
    fichiers = form.cleaned_data["fichiers"]
    ancien = request.session.pop(SESSION_KEY, None)
    if ancien:
        stockage.supprimer(ancien.get("token", ""))
    token = stockage.deposer(fichiers)
    noms = [f.name[:120] for f in fichiers]
    try:
        donnees = lire(
            _sources(token, noms), uai=etablissement.uai, annee=annee_scolaire_courante()
        )
        diff = calculer(donnees, etablissement)
    except SiecleError as exc:
        stockage.supprimer(token)
        form.add_error("fichiers", str(exc))
        return _page(request, etablissement, form, status=400)
    request.session[SESSION_KEY] = {"token": token, "etablissement": etablissement.pk, "noms": noms}
    return render(
        request,
        "etablissements/apercu.html",
        {"etablissement": etablissement, "diff": diff, "token": token, "noms": noms},
    )


@login_required
@require_POST
def import_confirmer(request, uai):
    etablissement = _etablissement(request, uai)
    attente = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if (
        attente.get("etablissement") != etablissement.pk
        or not token
        or not secrets.compare_digest(token, attente.get("token", ""))
        or not _sources(token, attente.get("noms", []))
    ):
        messages.error(
            request, _("Cet aperçu n'est plus valable : déposez de nouveau les fichiers SIECLE.")
        )
        return redirect("etablissements:import", uai=etablissement.uai)
    request.session.pop(SESSION_KEY, None)
    try:
        donnees = lire(
            _sources(token, attente["noms"]),
            uai=etablissement.uai,
            annee=annee_scolaire_courante(),
        )
        diff = appliquer(
            donnees, etablissement=etablissement, auteur=request.user, fichiers=attente["noms"]
        )
    except SiecleError as exc:
        messages.error(request, str(exc))
        return redirect("etablissements:import", uai=etablissement.uai)
    finally:
        stockage.supprimer(token)
    r = diff.resume()
    messages.success(
        request,
        _(
            "Import terminé : %(nouveaux)s élèves nouveaux, %(modifies)s modifiés, "
            "%(sortis)s sortis, %(comptes)s comptes créés."
        )
        % {
            "nouveaux": r["eleves_nouveaux"],
            "modifies": r["eleves_modifies"],
            "sortis": r["eleves_sortis"],
            "comptes": r["comptes_crees"],
        },
    )
    return redirect("etablissements:import", uai=etablissement.uai)


@login_required
@require_POST
def import_annuler(request, uai):
    etablissement = _etablissement(request, uai)
    attente = request.session.pop(SESSION_KEY, None)
    if attente:
        stockage.supprimer(attente.get("token", ""))
    messages.info(request, _("Import annulé : rien n'a été modifié."))
    return redirect("etablissements:import", uai=etablissement.uai)
