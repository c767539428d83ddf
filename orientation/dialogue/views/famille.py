"""The family's pages (docs/parcours-famille.md): the dossier of a child with every phase read-only,
the wish form (R8–R12), the récapitulatif of a validated list (R12), the acknowledgement of the
provisional avis (R5, R6).

Every lookup goes through `permissions.dossier_visible()` (R2): another family's dossier is a 404.
Only the legal representatives (or the adult pupil) act; the pupil and the other representative
read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orientation.accounts import permissions
from orientation.accounts.reprise import reprendre
from orientation.campagnes import calendrier
from orientation.campagnes.models import Phase
from orientation.requetes import RequeteFigee

from .. import lectures, workflow
from ..forms import Ligne, VoeuxForm, lignes_depuis_voeux, liste_postee, voeux_saisis
from ..models import Dossier, Etat, Saisie
from ..parcours import Etape

# The URL segment of each phase's list.
PHASES = {"intentions": Phase.PROVISOIRE, "demandes": Phase.DEFINITIVE}
SEGMENTS = {v: k for k, v in PHASES.items()}
TRANSITION = {Phase.PROVISOIRE: "valider_intentions", Phase.DEFINITIVE: "valider_demandes"}


def _ip(request):
    return request.META.get("REMOTE_ADDR")


def _dossier(request, pk: int) -> Dossier:
    """R2: the user's own child (or themself); staff use their own pages."""
    dossier = permissions.dossier_visible(
        request.user, pk, "campagne__etablissement", "eleve__division", "avis_accuse_par"
    )
    if dossier is None or not (
        permissions.est_representant_legal(request.user, dossier.eleve)
        or dossier.eleve.user_id == request.user.pk
    ):
        raise Http404
    return dossier


def _phase(segment: str) -> str:
    if segment not in PHASES:
        raise Http404
    return PHASES[segment]


def fenetre(campagne, phase: str, now=None) -> str:
    """R1: the sentence saying whether the window is open, when it opens or when it closed."""
    now = now or timezone.now()
    debut, fin = campagne.fenetre(phase)
    if campagne.saisie_ouverte(phase, now):
        if campagne.forcage == "ouvert" and not debut <= now < fin:
            return _("L'établissement a rouvert la saisie.")
        return _("La saisie est ouverte jusqu'au %(fin)s.") % {"fin": calendrier.echeance(fin)}
    if campagne.forcage == "ferme" and debut <= now < fin:
        return _("L'établissement a fermé la saisie : les choix sont en lecture seule.")
    if now < debut:
        return _("La saisie ouvrira le %(debut)s.") % {"debut": calendrier.moment(debut)}
    return _("La saisie est close depuis le %(fin)s : les choix sont en lecture seule.") % {
        "fin": calendrier.echeance(fin)
    }


def peut_saisir(user, dossier: Dossier, phase: str) -> tuple[bool, str]:
    """Whether `user` may change `phase`'s list now, and if not, why (a French sentence).
    The rules are the workflow's (`refus_de_saisie`); the page only words the window (R1)."""
    if not permissions.agit_pour_la_famille(user, dossier.eleve):
        return False, _("Seuls vos représentants légaux peuvent saisir les choix.")
    refus = workflow.refus_de_saisie(dossier, phase, user=user)
    if isinstance(refus, workflow.SaisieFermee):
        return False, fenetre(dossier.campagne, phase)
    if refus is not None:
        return False, refus.message
    return True, ""


# The dossier's lists as validated (at most one per phase), with who validated them (R7).
_SAISIES = RequeteFigee(
    lambda dossier_id: Saisie.objects.filter(dossier=dossier_id).select_related(
        "valide_par", "valide_par_compte"
    )
)


def _auteur(saisie: Saisie | None) -> str:
    """R7: who entered the list, as the family reads it."""
    if saisie is None:
        return ""
    if saisie.valide_par is not None:
        return f"{saisie.valide_par.prenom} {saisie.valide_par.nom}".strip()
    if saisie.valide_par_compte is not None:
        return saisie.valide_par_compte.get_full_name() or saisie.valide_par_compte.username
    return ""


def _bloc_phase(request, dossier: Dossier, phase: str, saisies: dict, voeux: list) -> dict:
    saisie = saisies.get(phase)
    modifiable, raison = peut_saisir(request.user, dossier, phase)
    return {
        "phase": phase,
        "segment": SEGMENTS[phase],
        "url_saisie": reverse(f"dialogue:famille_{SEGMENTS[phase]}", args=[dossier.pk]),
        "titre": _("Intentions d'orientation (phase provisoire)")
        if phase == Phase.PROVISOIRE
        else _("Demandes d'orientation définitives"),
        "voeux": [v for v in voeux if v.phase == phase],
        "saisie": saisie,
        "auteur": _auteur(saisie),
        "fenetre": fenetre(dossier.campagne, phase),
        "modifiable": modifiable,
        "raison": raison,
    }


@login_required
@require_http_methods(["GET"])
def dossier(request, pk):
    """Every phase of the child's dossier: what is expected, who entered what and when (R7), the
    provisional avis and its acknowledgement (R4, R5), read-only outside the window (R1)."""
    dossier = _dossier(request, pk)
    saisies = {s.phase: s for s in _SAISIES.objets(dossier.pk)}
    voeux = lectures.voeux_du_dossier(dossier.pk)
    avis_visible = dossier.etat not in (Etat.INTENTIONS_OUVERTES, Etat.INTENTIONS_VALIDEES)
    return render(
        request,
        "dialogue/famille/dossier.html",
        {
            "page_title": _("Fiche dialogue de %(prenom)s") % {"prenom": dossier.eleve.prenom},
            "dossier": dossier,
            "provisoire": _bloc_phase(request, dossier, Phase.PROVISOIRE, saisies, voeux),
            "definitive": _bloc_phase(request, dossier, Phase.DEFINITIVE, saisies, voeux),
            "avis_visible": avis_visible,
            "accuse_par": (
                dossier.avis_accuse_par.get_full_name() or dossier.avis_accuse_par.username
            )
            if dossier.avis_accuse_par
            else "",
            "peut_accuser": dossier.etat == Etat.AVIS_PUBLIE
            and permissions.agit_pour_la_famille(request.user, dossier.eleve),
            "definitive_visible": dossier.etat
            not in (Etat.INTENTIONS_OUVERTES, Etat.INTENTIONS_VALIDEES, Etat.AVIS_PUBLIE)
            or Phase.DEFINITIVE in saisies,
        },
    )


def _lignes_initiales(dossier: Dossier, phase: str) -> list[Ligne]:
    lignes = lignes_depuis_voeux(lectures.voeux_du_dossier(dossier.pk, phase))
    if not lignes and phase == Phase.DEFINITIVE:
        # The demandes start from the intentions, which the family adjusts.
        lignes = lignes_depuis_voeux(lectures.voeux_du_dossier(dossier.pk, Phase.PROVISOIRE))
    return lignes or [Ligne()]


def _nom_de_la_liste(phase: str) -> str:
    if phase == Phase.PROVISOIRE:
        return _("Intentions d'orientation")
    return _("Demandes d'orientation définitives")


def _page_voeux(request, dossier, phase, form, status=200, modifie=False):
    return render(
        request,
        "dialogue/famille/voeux.html",
        {
            "page_title": _nom_de_la_liste(phase),
            "etape": Etape(_nom_de_la_liste(phase), "voeux", 1),
            "dossier": dossier,
            "phase": phase,
            "segment": SEGMENTS[phase],
            "form": form,
            "rangees": form.rangees(),
            "peut_ajouter": len(form.lignes_saisies) < workflow.regles.MAX_VOEUX,
            "max_voeux": workflow.regles.MAX_VOEUX,
            "campagne": dossier.campagne,
            "fenetre": fenetre(dossier.campagne, phase),
            "modifie": modifie,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def voeux(request, pk, segment):
    """The wish form. Buttons other than "Valider" only change the working list (R12)."""
    phase = _phase(segment)
    dossier = _dossier(request, pk)
    if not permissions.agit_pour_la_famille(request.user, dossier.eleve):
        raise PermissionDenied(_("Seuls vos représentants légaux peuvent saisir les choix."))
    modifiable, raison = peut_saisir(request.user, dossier, phase)
    if not modifiable:
        messages.info(request, raison)
        return redirect("dialogue:famille_dossier", pk=dossier.pk)
    campagne = dossier.campagne
    if request.method == "GET":
        reprise = reprendre(request)
        if reprise is not None and reprise.action == request.path:
            # The list sent once the session had ended, with its rows: shown, not validated.
            reprise.remise_par_la_vue = True
            lignes, _valider = liste_postee(reprise.donnees)
            form = VoeuxForm(lignes, campagne=campagne, phase=phase)
            return _page_voeux(request, dossier, phase, form.sans_erreurs(), modifie=True)
        form = VoeuxForm(_lignes_initiales(dossier, phase), campagne=campagne, phase=phase)
        return _page_voeux(request, dossier, phase, form.sans_erreurs())

    lignes, valider = liste_postee(request.POST)
    if not valider:
        form = VoeuxForm(lignes, campagne=campagne, phase=phase).sans_erreurs()
        return _page_voeux(request, dossier, phase, form, modifie=True)

    def refus(erreurs=(), message=None):
        # The form is built only to show the list again, with the reasons next to their fields.
        form = VoeuxForm(lignes, campagne=campagne, phase=phase).sans_erreurs()
        form.erreurs_des_regles(erreurs)  # R8–R11
        if message:
            form.add_error(None, message)
        return _page_voeux(request, dossier, phase, form, status=400, modifie=True)

    try:
        validation = workflow.valider_voeux(
            dossier, request.user, phase, voeux_saisis(lignes), ip=_ip(request)
        )
    except workflow.VoeuxInvalides as exc:
        return refus(exc.erreurs)
    except workflow.Interdit as exc:
        # R7: the other representative validated first (maybe a second ago).
        messages.error(request, exc.message)
        return redirect("dialogue:famille_dossier", pk=dossier.pk)
    except workflow.TransitionRefusee as exc:
        return refus(message=exc.message)
    workflow.noter_modification(request.session, validation)  # R15
    if validation.modifie:
        messages.success(
            request,
            _("Vos choix sont validés. Un courriel de confirmation vous est envoyé."),
        )
    else:
        messages.info(request, _("Ces choix étaient déjà validés : rien n'a changé."))
    return redirect("dialogue:famille_recapitulatif", pk=dossier.pk, segment=SEGMENTS[phase])


@login_required
@require_http_methods(["GET"])
def recapitulatif(request, pk, segment):
    """R12: what was validated, by whom and when."""
    phase = _phase(segment)
    dossier = _dossier(request, pk)
    saisie = next((s for s in _SAISIES.objets(dossier.pk) if s.phase == phase), None)
    if saisie is None:
        messages.info(request, _("Aucun choix n'a encore été validé pour cette phase."))
        return redirect("dialogue:famille_dossier", pk=dossier.pk)
    modifiable, _raison = peut_saisir(request.user, dossier, phase)
    return render(
        request,
        "dialogue/famille/recapitulatif.html",
        {
            "page_title": _("Récapitulatif des choix validés"),
            "etape": Etape(_nom_de_la_liste(phase), "voeux", 2),
            "dossier": dossier,
            "phase": phase,
            "segment": segment,
            "voeux": lectures.voeux_du_dossier(dossier.pk, phase),
            "saisie": saisie,
            "auteur": _auteur(saisie),
            "modifiable": modifiable,
            "fenetre": fenetre(dossier.campagne, phase),
        },
    )


@login_required
@require_POST
def accuse(request, pk):
    """R5, R6: whoever comes first acknowledges the provisional avis."""
    dossier = _dossier(request, pk)
    try:
        workflow.accuser_reception(dossier, request.user, ip=_ip(request))
    except workflow.Interdit as exc:
        raise PermissionDenied(exc.message) from exc
    except workflow.TransitionRefusee as exc:
        messages.info(request, exc.message)
        return redirect("dialogue:famille_dossier", pk=dossier.pk)
    messages.success(request, _("Vous avez accusé réception de l'avis provisoire du conseil."))
    return redirect("dialogue:famille_dossier", pk=dossier.pk)
