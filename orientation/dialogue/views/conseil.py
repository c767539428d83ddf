"""The class council's grid (R4, R16; docs/conseil-de-classe.md): one page per division and
phase, one form per pupil, filled by the professeur principal during the meeting; the direction
publishes the results. The secrétariat reads.

Lookups: the division must be one the user may read (professeur principal of it, direction or
secrétariat of its school), else 404; entering goes through workflow.enregistrer_avis /
enregistrer_propositions, which check `peut_saisir_conseil` again under the row lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orientation.accounts import permissions
from orientation.campagnes import catalogue
from orientation.campagnes.models import Campagne, Phase, Voie
from orientation.etablissements.models import Division, homonymes
from orientation.requetes import RequeteFigee

from .. import forms_conseil, lectures, regles, workflow
from ..models import Avis, Dossier, Proposition, Voeu

PHASES = {"provisoire": Phase.PROVISOIRE, "definitive": Phase.DEFINITIVE}


def _ip(request):
    return request.META.get("REMOTE_ADDR")


@dataclass
class Reponse:
    """One voeu of the grid with what the council said (or what was just typed)."""

    voeu: Voeu
    valeur: str = ""
    motif: str = ""
    commentaire: str = ""
    specialites: set[int] = field(default_factory=set)
    saisi_par: str = ""
    saisi_le: object = None
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def erreur_choix(self) -> str:
        """The error of the avis (provisional) or of the oui / non (definitive), whichever."""
        return self.erreurs.get("avis") or self.erreurs.get("reponse", "")

    @property
    def erreur_motif(self) -> str:
        # A property rather than erreurs.motif in the template: a key missing from a dict costs
        # the template engine an exception, three times per wish on every row of the grid.
        return self.erreurs.get("motif", "")

    @property
    def est_generale(self) -> bool:
        return self.voeu.voie.famille == Voie.Famille.GENERALE

    @property
    def est_pro(self) -> bool:
        return self.voeu.voie.famille == Voie.Famille.PROFESSIONNELLE


@dataclass
class Ligne:
    dossier: Dossier
    reponses: list[Reponse]
    modifiable: bool
    # Definitive phase: each voie the family did not ask for, whether the council proposes it,
    # and the spécialités it recommends with it (1re générale).
    proposables: list[tuple[catalogue.Entree, bool, set[int]]] = field(default_factory=list)
    erreur: str = ""
    # The fingerprint of the pupil's list and of the saved answers this form starts from
    # (workflow.version_conseil): a save over a colleague's newer entry, or on wishes the family
    # has since replaced, is refused instead of overwriting or losing it.
    version: str = ""

    @property
    def sans_saisie(self) -> bool:
        return not self.reponses

    @property
    def a_des_propositions(self) -> bool:
        return any(proposee for _voie, proposee, _spe in self.proposables)

    @property
    def complete(self) -> bool:
        return bool(self.reponses) and all(r.valeur for r in self.reponses)


def _nom(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _entiers(valeurs) -> set[int]:
    """The integers among posted values; anything else (even "²", which isdigit() accepts and
    int() refuses) is ignored."""
    entiers = set()
    for valeur in valeurs:
        try:
            entiers.add(int(valeur))
        except (TypeError, ValueError):
            continue
    return entiers


# Every read and save of the grid looks up its division and the school's campaign (the council:
# workflow.conseil_de_la_division): compiled once per process (orientation/requetes.py).
_DIVISION = RequeteFigee(lambda pk: Division.objects.select_related("etablissement").filter(pk=pk))
_CAMPAGNE = RequeteFigee(
    lambda etablissement_id: Campagne.objects.filter(etablissement=etablissement_id).order_by(
        "-annee"
    )[:1]
)


def _division(request, division_pk: int, phase: str):
    if phase not in PHASES:
        raise Http404
    division = _DIVISION.premier(division_pk)
    if division is None or not (
        permissions.peut_saisir_conseil(request.user, division)
        or permissions.lit_toute_l_ecole(request.user, division.etablissement_id)
    ):
        raise Http404
    campagne = _CAMPAGNE.premier(division.etablissement_id)
    if campagne is None:
        raise Http404
    return division, campagne, PHASES[phase]


def _dossiers(division, campagne, phase):
    """The pupils of the division with their voeux and the council's answers: a fixed number of
    queries whatever the division's size, compiled once per process (lectures.py)."""
    return lectures.dossiers_du_conseil(
        campagne.pk, division.pk, phase, provisoire=phase == Phase.PROVISOIRE
    )


def _dossier(division, campagne, phase, pk):
    """One pupil of _dossiers(), read as it is after a save; None if not a current pupil of the
    division."""
    trouves = lectures.dossiers_du_conseil(
        campagne.pk, division.pk, phase, provisoire=phase == Phase.PROVISOIRE, pk=pk
    )
    return trouves[0] if trouves else None


def _enregistrees(dossier, phase) -> list:
    """The pupil's saved Avis or Proposition rows, from what _dossiers() prefetched."""
    champ = "avis" if phase == Phase.PROVISOIRE else "proposition"
    lues = [r for v in dossier.voeux_lus if (r := getattr(v, champ, None)) is not None]
    if phase == Phase.DEFINITIVE:
        lues += dossier.proposees_lues
    return lues


def _ligne(dossier, phase, voies, data=None, erreurs=None) -> Ligne:
    erreurs = erreurs or {}
    reponses = []
    for voeu in dossier.voeux_lus:
        r = Reponse(voeu=voeu)
        enregistre = getattr(voeu, "avis" if phase == Phase.PROVISOIRE else "proposition", None)
        if enregistre is not None:
            r.valeur = enregistre.valeur if phase == Phase.PROVISOIRE else enregistre.reponse
            r.motif = getattr(enregistre, "motif", "")
            r.commentaire = enregistre.commentaire
            r.specialites = {s.pk for s in enregistre.specialites_recommandees.all()}
            r.saisi_par = _nom(enregistre.saisi_par)
            r.saisi_le = enregistre.saisi_le
        if data is not None:  # redisplay what was typed, with its errors
            champ = "avis" if phase == Phase.PROVISOIRE else "reponse"
            r.valeur = data.get(f"{champ}-{voeu.pk}", "")
            r.motif = data.get(f"motif-{voeu.pk}", "")
            r.commentaire = data.get(f"commentaire-{voeu.pk}", "")
            r.specialites = _entiers(data.getlist(f"spe-{voeu.pk}"))
            r.erreurs = {
                nom.split("-")[0]: message
                for nom, message in erreurs.items()
                if nom.endswith(f"-{voeu.pk}")
            }
        reponses.append(r)
    ligne = Ligne(
        dossier=dossier,
        reponses=reponses,
        modifiable=dossier.etat == workflow.SOURCE_SAISIE_CONSEIL[phase],
        version=workflow.version_conseil(
            _enregistrees(dossier, phase), phase, [v.pk for v in dossier.voeux_lus]
        ),
    )
    if data is not None:  # nothing was saved: the typed answers still start from that version
        ligne.version = data.get("version", ligne.version)[:64]
    if phase == Phase.DEFINITIVE:
        demandees = {v.voie_id for v in dossier.voeux_lus}
        proposees = {
            p.voie_id: {s.pk for s in p.specialites_recommandees.all()}
            for p in dossier.proposees_lues
        }
        if data is not None:
            proposees = {
                v: _entiers(data.getlist(f"spe-proposee-{v}"))
                for v in _entiers(data.getlist("proposer"))
            }
        ligne.proposables = [
            (v, v.pk in proposees, proposees.get(v.pk, set()))
            for v in voies
            if v.pk not in demandees
        ]
    return ligne


def _contexte(request, division, campagne, phase, lignes, conseil):
    aujourd_hui = timezone.localdate()
    est_direction = permissions.est_direction(request.user, division.etablissement_id)
    publiable = (
        conseil is not None
        and est_direction
        and regles.publication_possible(conseil.date_conseil, aujourd_hui)
    )
    completes = sum(1 for ligne in lignes if ligne.complete)
    return {
        "page_title": _("Conseil de classe — %(division)s") % {"division": division.code},
        "division": division,
        "campagne": campagne,
        "phase": phase,
        "segment": "provisoire" if phase == Phase.PROVISOIRE else "definitive",
        "autre_segment": "definitive" if phase == Phase.PROVISOIRE else "provisoire",
        "conseil": conseil,
        "date_publication": regles.date_de_publication(conseil.date_conseil) if conseil else None,
        "publication_automatique": campagne.publication == campagne.Publication.AUTOMATIQUE,
        "publiable": publiable,
        "peut_saisir": permissions.peut_saisir_conseil(request.user, division),
        "lignes": lignes,
        "homonymes": homonymes(ligne.dossier.eleve for ligne in lignes),
        "nb_completes": completes,
        "nb_sans_saisie": sum(1 for ligne in lignes if ligne.sans_saisie),
        # Translated once for the page, not once per pupil's radios.
        "valeurs_avis": _traduits(Avis.Valeur.choices),
        "valeurs_reponse": _traduits(Proposition.Reponse.choices),
        "specialites": catalogue.actif().specialites,
    }


def _traduits(choix) -> list[tuple[str, str]]:
    return [(valeur, str(libelle)) for valeur, libelle in choix]


def _voies(phase):
    """The voies the council may propose (definitive phase): the active catalogue, in memory."""
    return list(catalogue.actif().voies) if phase == Phase.DEFINITIVE else []


@login_required
@require_GET
def grille(request, division_pk: int, phase: str):
    division, campagne, phase = _division(request, division_pk, phase)
    voies = _voies(phase)
    lignes = [_ligne(d, phase, voies) for d in _dossiers(division, campagne, phase)]
    conseil = workflow.conseil_de_la_division(campagne.pk, division.pk, phase)
    return render(
        request,
        "dialogue/conseil/grille.html",
        _contexte(request, division, campagne, phase, lignes, conseil),
    )


@login_required
@require_POST
def enregistrer(request, division_pk: int, phase: str, dossier_pk: int):
    """Save one pupil's answers; the rest of the grid is untouched."""
    division, campagne, phase = _division(request, division_pk, phase)
    if not permissions.peut_saisir_conseil(request.user, division):
        raise Http404
    dossier = _dossier(division, campagne, phase, dossier_pk)
    if dossier is None:
        raise Http404
    voies = _voies(phase)
    specialites_ids = {s.pk for s in catalogue.actif().specialites}
    lecture = forms_conseil.lire(request.POST, phase, dossier.voeux_lus, voies, specialites_ids)
    segment = "provisoire" if phase == Phase.PROVISOIRE else "definitive"
    ancre = f"{reverse('dialogue:conseil', args=[division.pk, segment])}#eleve-{dossier.pk}"
    erreur = ""
    # The grid always sends the version it was built from; None (no field) skips the check.
    version = request.POST.get("version")
    if not lecture.erreurs:
        try:
            if phase == Phase.PROVISOIRE:
                workflow.enregistrer_avis(
                    dossier, request.user, lecture.avis, _ip(request), version=version
                )
            else:
                workflow.enregistrer_propositions(
                    dossier, request.user, lecture.propositions, _ip(request), version=version
                )
        except workflow.ModificationConcurrente as refus:
            # Show what is saved now (the colleague's answers) with its version, not what was
            # typed over the old one.
            ligne = _ligne(_dossier(division, campagne, phase, dossier.pk), phase, voies)
            ligne.erreur = refus.message
            return _reafficher(request, division, campagne, phase, voies, ligne, 409, refus.message)
        except workflow.TransitionRefusee as refus:
            erreur = refus.message
        else:
            message = _("Réponses enregistrées pour %(eleve)s.") % {
                "eleve": dossier.eleve.nom_complet
            }
            if request.headers.get("x-requested-with") == "fetch":
                ligne = _ligne(_dossier(division, campagne, phase, dossier.pk), phase, voies)
                return _reafficher(request, division, campagne, phase, voies, ligne, 200, message)
            messages.success(request, message)
            return redirect(ancre)
    # Nothing saved: the pupil's block shows what was typed and the errors next to the fields.
    ligne = _ligne(dossier, phase, voies, request.POST, lecture.erreurs)
    ligne.erreur = erreur or _("Rien n'a été enregistré : corrigez les champs signalés.")
    return _reafficher(
        request,
        division,
        campagne,
        phase,
        voies,
        ligne,
        422,
        _("Rien n'a été enregistré pour %(eleve)s.") % {"eleve": dossier.eleve.nom_complet},
    )


def _reafficher(request, division, campagne, phase, voies, ligne, status, message):
    """The answer to a save that is not a plain success: the pupil's block alone for the grid's
    script (`message` announced in it when saved), or the whole grid with that block as `ligne`
    — what is saved now, or what was typed with its errors — and `message` on top."""
    if request.headers.get("x-requested-with") == "fetch":
        # Nothing in the pupil's block depends on the council (its date, the publication): it
        # is not read for it.
        contexte = _contexte(request, division, campagne, phase, [ligne], None)
        contexte.update(ligne=ligne, message=message if status == 200 else "")
        return render(request, "dialogue/conseil/_eleve.html", contexte, status=status)
    conseil = workflow.conseil_de_la_division(campagne.pk, division.pk, phase)
    lignes = [
        ligne if d.pk == ligne.dossier.pk else _ligne(d, phase, voies)
        for d in _dossiers(division, campagne, phase)
    ]
    messages.error(request, message)
    contexte = _contexte(request, division, campagne, phase, lignes, conseil)
    return render(request, "dialogue/conseil/grille.html", contexte, status=status)


@login_required
@require_POST
def publier(request, division_pk: int, phase: str):
    """R4, R16: the direction publishes the division's results (from the day after the
    council)."""
    segment = phase
    division, campagne, phase = _division(request, division_pk, phase)
    if not permissions.est_direction(request.user, division.etablissement_id):
        raise Http404
    conseil = workflow.conseil_de_la_division(campagne.pk, division.pk, phase)
    if conseil is None:
        raise Http404
    try:
        nombre = workflow.publier_conseil(conseil, request.user, _ip(request))
    except workflow.TransitionRefusee as refus:
        messages.error(request, refus.message)
    else:
        messages.success(
            request,
            _("Résultats publiés : %(n)s fiche(s) ; les familles sont prévenues par courriel.")
            % {"n": nombre},
        )
    return redirect("dialogue:conseil", division.pk, segment)
