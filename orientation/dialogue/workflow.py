"""Every transition of a Dossier, and nothing else writes `Dossier.etat` (ARCHITECTURE.md rule 1).

Each transition: names its source states (TRANSITIONS, never "any state"), takes the acting user,
checks a predicate of accounts/permissions.py, runs in one transaction with the dossier's row
locked (`select_for_update(of=("self",))`), re-checks everything under the lock, writes an
`Evenement` (who, from, to, what, from which IP) and the e-mails it causes in the same transaction
(notifications outbox). A refusal raises `TransitionRefusee` with a French message for the page and
writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orientation.accounts import permissions
from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
from orientation.dialogue import courriels, regles
from orientation.etablissements.models import Lien, Responsable

from .models import Dossier, Etat, Evenement, Saisie, Voeu

# The explicit transition table: name → (source states, target state). A validation of a list that
# is already validated stays in its state (R14: the holder changes the list until the window
# closes).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "valider_intentions": (
        frozenset({Etat.INTENTIONS_OUVERTES, Etat.INTENTIONS_VALIDEES}),
        Etat.INTENTIONS_VALIDEES,
    ),
    "publier_avis": (frozenset({Etat.INTENTIONS_VALIDEES}), Etat.AVIS_PUBLIE),
    "accuser_reception": (frozenset({Etat.AVIS_PUBLIE}), Etat.AVIS_ACCUSE),
    "valider_demandes": (
        frozenset({Etat.AVIS_ACCUSE, Etat.VOEUX_VALIDES}),
        Etat.VOEUX_VALIDES,
    ),
    # R16: the council's answers become visible to the family (the day after the council).
    "publier_propositions": (frozenset({Etat.VOEUX_VALIDES}), Etat.PROPOSITIONS_PUBLIEES),
    # R17: the entering representative accepts or refuses; the dossier waits for the other (R19).
    "repondre": (frozenset({Etat.PROPOSITIONS_PUBLIEES}), Etat.REPONSE_FAMILLE),
    # R20, R21: every representative answered, acceptance and agreement → the decision.
    "conclure_accord": (frozenset({Etat.REPONSE_FAMILLE}), Etat.DECIDE),
    # R22 and X: refusal, disagreement, or the response deadline passed in silence → interview.
    "exiger_entretien": (
        frozenset({Etat.PROPOSITIONS_PUBLIEES, Etat.REPONSE_FAMILLE}),
        Etat.ENTRETIEN_REQUIS,
    ),
    "tenir_entretien": (frozenset({Etat.ENTRETIEN_REQUIS}), Etat.ENTRETIEN_TENU),
    # X: after the interview the head decides (motivation required when it differs from the request).
    "decider": (frozenset({Etat.ENTRETIEN_TENU}), Etat.DECIDE),
    # R23: the family appeals the head's decision within 3 jours ouvrables.
    "engager_recours": (frozenset({Etat.DECIDE}), Etat.RECOURS),
    # R23: the commission d'appel's decision, or the maintien claimed instead (X).
    "statuer_recours": (frozenset({Etat.RECOURS}), Etat.DECIDE),
}

# R15: the session remembers the dossiers whose voeux changed; the logout receiver passes the list
# to envoyer_recapitulatif().
SESSION_DOSSIERS_MODIFIES = "dialogue_dossiers_modifies"


class TransitionRefusee(Exception):
    """The transition cannot happen now; `message` is French, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Interdit(TransitionRefusee, PermissionDenied):
    """The acting user has no right to this transition on this dossier."""


class VoeuxInvalides(TransitionRefusee):
    """The list breaks R8–R11; `erreurs` are regles.Erreur, tied to a rank and a field."""

    def __init__(self, erreurs: list[regles.Erreur]):
        super().__init__(_("La liste des choix n'est pas valide : rien n'a été enregistré."))
        self.erreurs = erreurs


@dataclass(frozen=True)
class Validation:
    """What valider_voeux() did. `modifie` is False when the very same list was submitted again
    (a double submit): nothing was written, no e-mail, and R15 has nothing new to summarise."""

    dossier: Dossier
    saisie: Saisie
    modifie: bool
    premiere: bool


# --- helpers -------------------------------------------------------------------------------------


def _verrouiller(dossier: Dossier | int) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("campagne__etablissement", "eleve")
        .get(pk=pk)
    )


def _verifier_source(dossier: Dossier, transition: str) -> str:
    sources, cible = TRANSITIONS[transition]
    if dossier.etat not in sources:
        raise TransitionRefusee(
            _("Cette action n'est pas possible à cette étape (%(etat)s).")
            % {"etat": dossier.get_etat_display()}
        )
    return cible


def _changer_etat(dossier, user, transition, cible, *, ip=None, details=None, champs=()):
    avant = dossier.etat
    dossier.etat = cible
    dossier.save(update_fields=["etat", "modifie_le", *champs])
    return Evenement.objects.create(
        dossier=dossier,
        etablissement_id=dossier.campagne.etablissement_id,
        acteur=user,
        action=transition,
        etat_avant=avant,
        etat_apres=cible,
        adresse_ip=ip,
        details=details or {},
    )


def _responsable(user, dossier: Dossier) -> Responsable | None:
    """The acting user's Responsable row for this pupil; None for an adult pupil acting (X)."""
    if permissions.eleve_majeur(dossier.eleve):
        return None
    return (
        Responsable.objects.filter(
            user=user, liens__eleve=dossier.eleve, liens__niveau=Lien.Niveau.LEGAL
        )
        .order_by("pk")
        .first()
    )


def _exiger_famille(user, dossier: Dossier) -> None:
    if not permissions.agit_pour_la_famille(user, dossier.eleve):
        raise Interdit(_("Seuls les représentants légaux de l'élève peuvent faire cette démarche."))


def contexte_pour(campagne: Campagne, phase: str) -> regles.Contexte:
    """The data regles.py needs, from the campaign (R9 counts) and the year's catalogue."""
    return regles.Contexte(
        phase=phase,
        nb_specialites_definitif=campagne.nb_specialites_definitif,
        nb_specialites_provisoire=campagne.nb_specialites_provisoire,
        nb_specialites_provisoire_avec_hors=campagne.nb_specialites_provisoire_avec_hors,
        max_hors=campagne.max_hors_etablissement_provisoire,
        offre=frozenset(campagne.specialites_offertes.values_list("code", flat=True)),
        voies=dict(Voie.objects.filter(actif=True).values_list("code", "famille")),
        specialites=frozenset(Specialite.objects.filter(actif=True).values_list("code", flat=True)),
    )


def _empreinte(voeux: list[regles.VoeuSaisi]) -> str:
    canonique = [
        [v.voie_code, sorted(v.specialites) if v.famille == regles.GENERALE else [], v.option_pro]
        for v in voeux
    ]
    return hashlib.sha256(json.dumps(canonique).encode()).hexdigest()


def _remplacer_voeux(dossier: Dossier, phase: str, voeux: list[regles.VoeuSaisi]) -> list[Voeu]:
    # R12: the whole list is replaced at once, inside the transaction; nothing partial survives.
    Voeu.objects.filter(dossier=dossier, phase=phase).delete()
    voies = Voie.objects.in_bulk([v.voie_code for v in voeux], field_name="code")
    specialites = Specialite.objects.in_bulk(
        [c for v in voeux for c in v.specialites], field_name="code"
    )
    crees = Voeu.objects.bulk_create(
        [
            Voeu(
                dossier=dossier,
                phase=phase,
                rang=rang,
                voie=voies[v.voie_code],
                option_pro=v.option_pro,
            )
            for rang, v in enumerate(voeux, start=1)
        ]
    )
    Voeu.specialites.through.objects.bulk_create(
        [
            Voeu.specialites.through(voeu_id=voeu.pk, specialite_id=specialites[code].pk)
            for voeu, v in zip(crees, voeux, strict=True)
            for code in v.specialites
        ]
    )
    return crees


def libelles_voeux(dossier: Dossier, phase: str) -> list[str]:
    """The saved voeux of a phase, as the family reads them, in order of preference."""
    qs = (
        Voeu.objects.filter(dossier=dossier, phase=phase)
        .select_related("voie")
        .prefetch_related("specialites")
        .order_by("rang")
    )
    return [v.libelle for v in qs]


# --- transitions ---------------------------------------------------------------------------------


def valider_voeux(
    dossier: Dossier, user, phase: str, voeux: list[regles.VoeuSaisi], ip: str | None = None
) -> Validation:
    """R3/R7–R14: validate the intentions (provisional) or the demandes (definitive).

    Raises TransitionRefusee (or its subclasses Interdit, VoeuxInvalides) and writes nothing when
    refused. The view stores `noter_modification()` in the session for R15.
    """
    transition = "valider_intentions" if phase == Phase.PROVISOIRE else "valider_demandes"
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_famille(user, dossier)
        if phase == Phase.DEFINITIVE and dossier.etat == Etat.AVIS_PUBLIE:
            # R5, R6: whoever comes for the definitive phase acknowledges the avis first.
            raise TransitionRefusee(
                _("Accusez d'abord réception de l'avis provisoire du conseil de classe.")
            )
        cible = _verifier_source(dossier, transition)
        if not dossier.campagne.saisie_ouverte(phase):
            # R1: outside the window everything stays readable, nothing changes.
            raise TransitionRefusee(_("Le service de saisie est fermé : rien n'a été enregistré."))

        # R7 (and R3 for the intentions): the first representative to validate holds the right;
        # re-read under the row lock, so two simultaneous first validations cannot both win.
        responsable = _responsable(user, dossier)
        titulaire_id = dossier.titulaire_id(phase)
        if responsable is not None and titulaire_id not in (None, responsable.pk):
            raise Interdit(
                _(
                    "Les choix ont déjà été validés par l'autre représentant légal : lui seul peut "
                    "les modifier. Vous pouvez les consulter."
                )
            )

        erreurs = regles.verifier(voeux, contexte_pour(dossier.campagne, phase))
        if erreurs:
            raise VoeuxInvalides(erreurs)  # R8–R11
        ordonnes = regles.dans_l_ordre(voeux)
        empreinte = _empreinte(ordonnes)

        maintenant = timezone.now()
        saisie = Saisie.objects.filter(dossier=dossier, phase=phase).first()
        if saisie is not None and saisie.empreinte == empreinte and dossier.etat == cible:
            # A double submit of the same list: saved once.
            return Validation(dossier=dossier, saisie=saisie, modifie=False, premiere=False)

        _remplacer_voeux(dossier, phase, ordonnes)
        premiere = saisie is None
        if premiere:
            saisie = Saisie(dossier=dossier, phase=phase, premiere_validation_le=maintenant)
            saisie.nb_validations = 1
        else:
            saisie.nb_validations += 1
        saisie.valide_par = responsable
        saisie.valide_par_compte = user
        saisie.valide_le = maintenant
        saisie.canal = Saisie.Canal.EN_LIGNE
        saisie.empreinte = empreinte
        saisie.save()

        champs = []
        if responsable is not None and titulaire_id is None:
            champ = "titulaire_intentions" if phase == Phase.PROVISOIRE else "titulaire_demandes"
            setattr(dossier, champ, responsable)
            champs.append(champ)
        _changer_etat(
            dossier,
            user,
            transition,
            cible,
            ip=ip,
            champs=champs,
            details={
                "phase": phase,
                "premiere_validation": premiere,
                "nb_validations": saisie.nb_validations,
                "voeux": [
                    {
                        "voie": v.voie_code,
                        "specialites": list(v.specialites),
                        "option_pro": v.option_pro,
                    }
                    for v in ordonnes
                ],
            },
        )
        # R13: confirmation to the person who validated (a row marked "sans adresse" otherwise).
        destinataire = (
            courriels.destinataire_responsable(responsable)
            if responsable is not None
            else courriels.destinataire_eleve(dossier.eleve)
        )
        courriels.Confirmation.envoyer(
            dossier=dossier,
            destinataires=[destinataire],
            contexte={"phase": phase, "voeux": libelles_voeux(dossier, phase)},
        )
    return Validation(dossier=dossier, saisie=saisie, modifie=True, premiere=premiere)


def publier_avis(dossier: Dossier, user, ip: str | None = None) -> Dossier:
    """R4: the direction publishes the provisional avis; the family is told (X)."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        if not permissions.est_direction(user, dossier.campagne.etablissement_id):
            raise Interdit(_("Seule la direction de l'établissement peut publier les avis."))
        cible = _verifier_source(dossier, "publier_avis")
        _changer_etat(dossier, user, "publier_avis", cible, ip=ip, details={"phase": "provisoire"})
        courriels.ResultatsDisponibles.envoyer(
            dossier=dossier, contexte={"phase": Phase.PROVISOIRE}
        )
    return dossier


def accuser_reception(dossier: Dossier, user, ip: str | None = None) -> Dossier:
    """R5: a representative (whoever comes first, R6) acknowledges the provisional avis."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_famille(user, dossier)
        cible = _verifier_source(dossier, "accuser_reception")
        dossier.avis_accuse_le = timezone.now()
        dossier.avis_accuse_par = user
        _changer_etat(
            dossier,
            user,
            "accuser_reception",
            cible,
            ip=ip,
            champs=["avis_accuse_le", "avis_accuse_par"],
        )
    return dossier


# --- R15: the summary at the end of a session with changes ----------------------------------------


def noter_modification(session, validation: Validation) -> None:
    """Remember in the session that this dossier's voeux changed (R15)."""
    if not validation.modifie:
        return
    modifies = list(session.get(SESSION_DOSSIERS_MODIFIES, []))
    if validation.dossier.pk not in modifies:
        modifies.append(validation.dossier.pk)
        session[SESSION_DOSSIERS_MODIFIES] = modifies


def envoyer_recapitulatif(user, dossiers_modifies: Iterable[int], session_key: str) -> int:
    """R15: the summary to both representatives (or the adult pupil) of each dossier changed in
    the session, once per session (`cle_unicite`). Returns the number of dossiers summarised."""
    envoyes = 0
    for pk in dict.fromkeys(int(p) for p in dossiers_modifies):
        with transaction.atomic():
            dossier = (
                Dossier.objects.select_related("campagne__etablissement", "eleve")
                .filter(pk=pk)
                .first()
            )
            if dossier is None or not permissions.agit_pour_la_famille(user, dossier.eleve):
                continue
            saisie = Saisie.objects.filter(dossier=dossier).order_by("-valide_le").first()
            if saisie is None:
                continue
            lignes = courriels.Recapitulatif.envoyer(
                dossier=dossier,
                contexte={"phase": saisie.phase, "voeux": libelles_voeux(dossier, saisie.phase)},
                cle_unicite=f"recapitulatif:{dossier.pk}:{session_key}",
            )
            envoyes += bool(lignes)
    return envoyes
