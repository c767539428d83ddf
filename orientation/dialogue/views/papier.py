"""The paper route (docs/saisie-papier.md): the school enters what a family wrote and signed on a
paper fiche, through the same transitions as online; the head hands the entry right over (R7);
the secrétariat imports intentions gathered elsewhere; a printable fiche for families who ask.

Every lookup goes through `Dossier.objects.for_user()` and `peut_saisir_pour_la_famille`: another
school's dossier, a professeur principal's other divisions and the families get a 404.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orientation.accounts import permissions
from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
from orientation.etablissements.models import Etablissement, Responsable, homonymes

from .. import chronologie, regles, workflow
from .. import import_intentions as imp
from ..forms import Ligne, VoeuxForm, lignes_depuis_voeux, liste_postee, voeux_saisis
from ..forms_papier import (
    AccordPapierForm,
    ImportIntentionsForm,
    ReponsePapierForm,
    SignatureForm,
    TransmissionForm,
)
from ..models import Dossier, Etat, Saisie, Voeu

SESSION_IMPORT = "import_intentions"
MAX_LISTE = 400


def _ip(request):
    return request.META.get("REMOTE_ADDR")


def _dossier(request, dossier_pk: int) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.for_user(request.user).select_related(
            "campagne__etablissement",
            "eleve__division",
            "titulaire_intentions",
            "titulaire_demandes",
        ),
        pk=dossier_pk,
    )
    if not permissions.peut_saisir_pour_la_famille(request.user, dossier):
        raise Http404
    return dossier


def _responsables(dossier: Dossier):
    """The pupil's legal representatives; None when the adult pupil acts for themself (X)."""
    if permissions.eleve_majeur(dossier.eleve):
        return None
    return Responsable.objects.filter(liens__eleve=dossier.eleve, liens__niveau=1).order_by("pk")


def _phase_des_voeux(dossier: Dossier) -> str | None:
    """Which list can be entered at this step (the transitions' source states)."""
    if dossier.etat in workflow.TRANSITIONS["valider_intentions"][0]:
        return Phase.PROVISOIRE
    if dossier.etat in workflow.TRANSITIONS["valider_demandes"][0]:
        return Phase.DEFINITIVE
    return None


def _phases_transmissibles(dossier: Dossier) -> list[str]:
    return [p for p, etats in workflow.ETATS_TRANSMISSION.items() if dossier.etat in etats]


def _signature_voeux(dossier, data=None):
    return SignatureForm(data, responsables=_responsables(dossier), prefix="voeux")


def _voeux_form(dossier, phase, lignes=None):
    """The family's own wish form (forms.VoeuxForm), started from the saved list of the phase."""
    if lignes is None:
        voeux = (
            Voeu.objects.filter(dossier=dossier, phase=phase)
            .select_related("voie")
            .prefetch_related("specialites")
            .order_by("rang")
        )
        lignes = lignes_depuis_voeux(voeux) or [Ligne()]
    return VoeuxForm(lignes, campagne=dossier.campagne, phase=phase).sans_erreurs()


def _listes(dossier: Dossier):
    saisies = {s.phase: s for s in Saisie.objects.filter(dossier=dossier)}
    voeux = (
        Voeu.objects.filter(dossier=dossier)
        .select_related("voie")
        .prefetch_related("specialites")
        .order_by("phase", "rang")
    )
    listes = []
    for phase, titre in (
        (Phase.PROVISOIRE, _("Intentions (phase provisoire)")),
        (Phase.DEFINITIVE, _("Demandes définitives")),
    ):
        listes.append(
            {
                "titre": titre,
                "saisie": saisies.get(phase),
                "voeux": [v for v in voeux if v.phase == phase],
                "titulaire": dossier.titulaire(phase),
            }
        )
    return listes


def _reponse_form(dossier, data=None):
    titulaire = dossier.titulaire_demandes_id
    form = ReponsePapierForm(
        data,
        responsables=_responsables(dossier),
        propositions=workflow.propositions_acceptables(dossier),
        prefix="reponse",
    )
    if titulaire and "pour" in form.fields:
        form.fields["pour"].initial = titulaire  # R17: the one who entered the demandes
    return form


def _accord_form(dossier, data=None):
    from ..models import ReponseFamille

    reponse = ReponseFamille.objects.filter(dossier=dossier).first()
    autres = Responsable.objects.filter(
        pk__in=[
            r.pk for r in workflow.autres_representants(dossier, reponse and reponse.responsable_id)
        ]
    ).order_by("pk")
    return AccordPapierForm(data, responsables=autres, prefix="accord")


def _page_fiche(
    request,
    dossier,
    *,
    voeux_form=None,
    signature_form=None,
    accuse_form=None,
    transmission_form=None,
    reponse_form=None,
    accord_form=None,
    status=200,
    version_liste: str | None = None,
):
    phase = _phase_des_voeux(dossier)
    responsables = _responsables(dossier)
    # The version of the list the wish form was first built from, kept while the list is edited
    # (move up, add…) so that validating cannot replace a list validated meanwhile.
    if version_liste is None:
        version_liste = request.POST.get("version")
    if version_liste is None and phase is not None:
        version_liste = workflow.version_de_la_liste(dossier, phase)
    est_direction = permissions.est_direction(request.user, dossier.campagne.etablissement_id)
    if voeux_form is None and phase is not None:
        voeux_form = _voeux_form(dossier, phase)
    if signature_form is None and phase is not None:
        signature_form = _signature_voeux(dossier)
    if accuse_form is None and dossier.etat == Etat.AVIS_PUBLIE:
        accuse_form = SignatureForm(responsables=responsables, prefix="accuse")
    if reponse_form is None and dossier.etat == Etat.PROPOSITIONS_PUBLIEES:
        reponse_form = _reponse_form(dossier)
    if accord_form is None and dossier.etat == Etat.REPONSE_FAMILLE and responsables is not None:
        accord_form = _accord_form(dossier)
    if (
        transmission_form is None
        and est_direction
        and responsables is not None
        and len(responsables) > 1
        and any(dossier.etat in etats for etats in workflow.ETATS_TRANSMISSION.values())
    ):
        transmission_form = TransmissionForm(
            responsables=responsables, phases=_phases_transmissibles(dossier), prefix="transmettre"
        )
    return render(
        request,
        "dialogue/papier/fiche.html",
        {
            "page_title": _("Saisie d'une fiche papier — %(eleve)s")
            % {"eleve": dossier.eleve.nom_complet},
            "dossier": dossier,
            "listes": _listes(dossier),
            "phase": phase or "",
            "phase_libelle": dict(Phase.choices).get(phase, "") if phase else "",
            "voeux_form": voeux_form,
            "signature_form": signature_form,
            "version_liste": version_liste or "",
            "rangees": voeux_form.rangees() if voeux_form is not None else [],
            "peut_ajouter": voeux_form is not None
            and len(voeux_form.lignes_saisies) < regles.MAX_VOEUX,
            "accuse_form": accuse_form,
            "transmission_form": transmission_form,
            "reponse_form": reponse_form,
            "accord_form": accord_form,
            "saisie_ouverte": bool(phase) and dossier.campagne.saisie_ouverte(phase),
            "etapes": chronologie.etapes(dossier, pour_famille=False),
        },
        status=status,
    )


# --- the list of pupils --------------------------------------------------------------------------


def _etablissement(request, uai: str) -> Etablissement:
    etablissement = get_object_or_404(Etablissement, uai=uai.upper())
    if not permissions.est_personnel(request.user, etablissement.pk) and not (
        request.user.is_superuser
    ):
        raise Http404
    return etablissement


@login_required
@require_GET
def liste(request, uai):
    """The pupils whose paper fiche this person may enter (a professeur principal: their
    divisions), with a search by name or INE. Four queries whatever the number of pupils."""
    etablissement = _etablissement(request, uai)
    q = request.GET.get("q", "").strip()[:100]
    dossiers = (
        Dossier.objects.for_user(request.user)
        .filter(campagne__etablissement=etablissement)
        .select_related("eleve__division", "campagne")
        .prefetch_related(
            Prefetch("saisies", queryset=Saisie.objects.order_by("-phase"), to_attr="saisies_lues")
        )
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom")
    )
    if q:
        dossiers = dossiers.filter(
            Q(eleve__nom__icontains=q) | Q(eleve__prenom__icontains=q) | Q(eleve__ine__iexact=q)
        )
    lignes = list(dossiers[: MAX_LISTE + 1])
    return render(
        request,
        "dialogue/papier/liste.html",
        {
            "page_title": _("Fiches papier — %(nom)s") % {"nom": etablissement.nom},
            "etablissement": etablissement,
            "dossiers": lignes[:MAX_LISTE],
            "homonymes": homonymes(d.eleve for d in lignes[:MAX_LISTE]),
            "tronque": len(lignes) > MAX_LISTE,
            "q": q,
            "peut_importer": permissions.peut_gerer_etablissement(request.user, etablissement.pk),
        },
    )


# --- one pupil's paper fiche ---------------------------------------------------------------------


@login_required
@require_GET
def fiche(request, dossier_pk):
    return _page_fiche(request, _dossier(request, dossier_pk))


@login_required
@require_POST
def voeux(request, dossier_pk, phase):
    dossier = _dossier(request, dossier_pk)
    if phase not in Phase.values or phase != _phase_des_voeux(dossier):
        messages.error(request, _("Cette liste ne peut pas être saisie à cette étape."))
        return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)
    lignes, valider = liste_postee(request.POST)
    signature = _signature_voeux(dossier, request.POST)
    if not valider:
        # A button that only changes the list: nothing is saved (R12).
        signature._errors = ErrorDict()  # what was typed stays on screen, unchecked yet
        return _page_fiche(
            request,
            dossier,
            voeux_form=_voeux_form(dossier, phase, lignes),
            signature_form=signature,
        )
    form = _voeux_form(dossier, phase, lignes)

    def refus(message=None):
        if message:
            form.add_error(None, message)
        return _page_fiche(request, dossier, voeux_form=form, signature_form=signature, status=400)

    if not signature.is_valid():
        return refus()
    try:
        workflow.valider_voeux(
            dossier,
            request.user,
            phase,
            voeux_saisis(lignes),
            ip=_ip(request),
            canal=Saisie.Canal.ETABLISSEMENT,
            version=request.POST.get("version"),
            **signature.signature(),
        )
    except workflow.ModificationConcurrente as exc:
        # Another member of staff validated a list since this page was built: show theirs.
        messages.error(request, exc.message)
        return _page_fiche(
            request,
            _dossier(request, dossier.pk),
            status=409,
            version_liste=workflow.version_de_la_liste(dossier, phase),
        )
    except workflow.VoeuxInvalides as exc:
        form.erreurs_des_regles(exc.erreurs)  # R8–R11, next to their field
        return refus(exc.message)
    except workflow.TransitionRefusee as exc:
        return refus(exc.message)
    if phase == Phase.PROVISOIRE:
        messages.success(request, _("Les intentions de la fiche papier sont enregistrées."))
    else:
        messages.success(request, _("Les demandes de la fiche papier sont enregistrées."))
    return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)


@login_required
@require_POST
def accuse(request, dossier_pk):
    dossier = _dossier(request, dossier_pk)
    form = SignatureForm(request.POST, responsables=_responsables(dossier), prefix="accuse")
    if not form.is_valid():
        return _page_fiche(request, dossier, accuse_form=form, status=400)
    try:
        workflow.accuser_reception(
            dossier,
            request.user,
            ip=_ip(request),
            canal=Saisie.Canal.ETABLISSEMENT,
            **form.signature(),
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page_fiche(request, dossier, accuse_form=form, status=400)
    messages.success(request, _("L'accusé de réception de l'avis provisoire est enregistré."))
    return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)


@login_required
@require_POST
def reponse(request, dossier_pk):
    dossier = _dossier(request, dossier_pk)
    form = _reponse_form(dossier, request.POST)
    if not form.is_valid():
        return _page_fiche(request, dossier, reponse_form=form, status=400)
    try:
        workflow.repondre(
            dossier,
            request.user,
            accepte=form.cleaned_data["choix"] == "accepte",
            propositions=form.cleaned_data["propositions"],
            ip=_ip(request),
            canal=Saisie.Canal.ETABLISSEMENT,
            **form.signature(),
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page_fiche(request, dossier, reponse_form=form, status=400)
    messages.success(request, _("La réponse de la famille est enregistrée."))
    return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)


@login_required
@require_POST
def accord(request, dossier_pk):
    dossier = _dossier(request, dossier_pk)
    form = _accord_form(dossier, request.POST)
    if not form.is_valid():
        return _page_fiche(request, dossier, accord_form=form, status=400)
    try:
        workflow.conclure_accord(
            dossier,
            request.user,
            d_accord=form.cleaned_data["d_accord"] == "oui",
            ip=_ip(request),
            canal=Saisie.Canal.ETABLISSEMENT,
            **form.signature(),
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page_fiche(request, dossier, accord_form=form, status=400)
    messages.success(request, _("La réponse de l'autre représentant légal est enregistrée."))
    return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)


@login_required
@require_POST
def transmettre(request, dossier_pk):
    dossier = _dossier(request, dossier_pk)
    responsables = _responsables(dossier)
    if responsables is None or not permissions.est_direction(
        request.user, dossier.campagne.etablissement_id
    ):
        raise Http404
    form = TransmissionForm(
        request.POST,
        responsables=responsables,
        phases=_phases_transmissibles(dossier),
        prefix="transmettre",
    )
    if not form.is_valid():
        return _page_fiche(request, dossier, transmission_form=form, status=400)
    try:
        workflow.transmettre_saisie(
            dossier,
            request.user,
            form.cleaned_data["phase"],
            form.cleaned_data["vers"],
            form.cleaned_data["motif"],
            ip=_ip(request),
        )
    except workflow.TransitionRefusee as exc:
        form.add_error(None, exc.message)
        return _page_fiche(request, dossier, transmission_form=form, status=400)
    messages.success(request, _("La saisie est transmise ; la transmission est consignée."))
    return redirect("dialogue:papier_fiche", dossier_pk=dossier.pk)


# --- the printable fiche -------------------------------------------------------------------------


def _contexte_impression(campagne: Campagne | None, etablissement, dossier=None, vierge=False):
    voies = list(Voie.objects.filter(actif=True).order_by("ordre"))
    offre = set(campagne.specialites_offertes.values_list("pk", flat=True)) if campagne else set()
    specialites = [
        (s, s.pk in offre) for s in Specialite.objects.filter(actif=True).order_by("ordre")
    ]
    return {
        "etablissement": etablissement,
        "campagne": campagne,
        "dossier": dossier,
        "vierge": vierge,
        "listes": _listes(dossier) if dossier is not None and not vierge else [],
        "series": [v for v in voies if v.famille == regles.TECHNOLOGIQUE],
        "specialites": specialites,
        "rangs": range(1, 6),
        "max_voeux": regles.MAX_VOEUX,
    }


@login_required
@require_GET
def imprimer(request, dossier_pk):
    """A fiche dialogue to print for a family who asks for paper: pre-filled with what is
    already validated, or blank (`?vierge=1`) with only the pupil's identity."""
    dossier = _dossier(request, dossier_pk)
    vierge = request.GET.get("vierge") == "1"
    contexte = _contexte_impression(
        dossier.campagne, dossier.campagne.etablissement, dossier, vierge
    )
    contexte["page_title"] = _("Fiche dialogue — %(eleve)s") % {"eleve": dossier.eleve.nom_complet}
    return render(request, "dialogue/papier/imprimer.html", contexte)


@login_required
@require_GET
def imprimer_vierge(request, uai):
    etablissement = _etablissement(request, uai)
    campagne = etablissement.campagnes.order_by("-annee").first()
    contexte = _contexte_impression(campagne, etablissement, None, True)
    contexte["page_title"] = _("Fiche dialogue vierge")
    return render(request, "dialogue/papier/imprimer.html", contexte)


# --- the import of intentions --------------------------------------------------------------------


def _etablissement_gere(request, uai: str) -> tuple[Etablissement, Campagne]:
    etablissement = get_object_or_404(Etablissement, uai=uai.upper())
    if not permissions.peut_gerer_etablissement(request.user, etablissement.pk):
        raise Http404
    campagne = etablissement.campagnes.order_by("-annee").first()
    if campagne is None:
        raise Http404
    return etablissement, campagne


def _page_import(request, etablissement, form, status=200):
    return render(
        request,
        "dialogue/papier/import.html",
        {
            "page_title": (_("Erreur : ") if form.errors else "")
            + _("Import d'intentions — %(nom)s") % {"nom": etablissement.nom},
            "etablissement": etablissement,
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def importer(request, uai):
    etablissement, campagne = _etablissement_gere(request, uai)
    if request.method == "GET":
        return _page_import(request, etablissement, ImportIntentionsForm())
    form = ImportIntentionsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page_import(request, etablissement, form, status=400)
    fichier = form.cleaned_data["fichier"]
    contenu = fichier.read(imp.TAILLE_MAX + 1)
    phase = form.cleaned_data["phase"]
    try:
        diff = imp.calculer(imp.lire(contenu, fichier.name), campagne, phase)
    except imp.ImportIntentionsError as exc:
        form.add_error("fichier", str(exc))
        return _page_import(request, etablissement, form, status=400)
    ancien = request.session.pop(SESSION_IMPORT, None)
    if ancien:
        imp.supprimer(ancien.get("jeton", ""))
    jeton = imp.deposer(contenu)
    request.session[SESSION_IMPORT] = {
        "jeton": jeton,
        "etablissement": etablissement.pk,
        "nom": fichier.name[:120],
        "phase": phase,
    }
    return render(
        request,
        "dialogue/papier/apercu.html",
        {
            "page_title": _("Aperçu de l'import d'intentions"),
            "etablissement": etablissement,
            "diff": diff,
            "jeton": jeton,
            "nom": fichier.name[:120],
            "a_appliquer": len(diff.a_appliquer()),
        },
    )


@login_required
@require_POST
def importer_confirmer(request, uai):
    etablissement, campagne = _etablissement_gere(request, uai)
    attente = request.session.get(SESSION_IMPORT) or {}
    jeton = request.POST.get("jeton", "")
    contenu = imp.relire(jeton)
    if (
        attente.get("etablissement") != etablissement.pk
        or not jeton
        or not secrets.compare_digest(jeton, attente.get("jeton", ""))
        or contenu is None
    ):
        messages.error(request, _("Cet aperçu n'est plus valable : déposez de nouveau le fichier."))
        return redirect("dialogue:import_intentions", uai=etablissement.uai)
    request.session.pop(SESSION_IMPORT, None)
    if "annuler" in request.POST:
        imp.supprimer(jeton)
        messages.info(request, _("Import annulé : rien n'a été modifié."))
        return redirect("dialogue:import_intentions", uai=etablissement.uai)
    remplacer = request.POST.get("remplacer") == "1"
    try:
        # Computed again against the database of now: the preview may be minutes old.
        diff = imp.calculer(imp.lire(contenu, attente["nom"]), campagne, attente["phase"])
        resultat = imp.appliquer(
            diff,
            request.user,
            remplacer=remplacer,
            reference=f"import {attente['nom']}",
            ip=_ip(request),
        )
    except imp.ImportIntentionsError as exc:
        messages.error(request, str(exc))
        return redirect("dialogue:import_intentions", uai=etablissement.uai)
    finally:
        imp.supprimer(jeton)
    messages.success(
        request,
        _("Import terminé : %(n)s listes enregistrées, %(ignorees)s lignes ignorées.")
        % {"n": resultat.appliquees, "ignorees": resultat.ignorees},
    )
    return redirect(reverse("dialogue:papier_liste", args=[etablissement.uai]))
