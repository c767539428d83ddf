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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orientation.accounts import permissions
from orientation.campagnes import calendrier, catalogue
from orientation.campagnes.models import Campagne, Phase, Voie
from orientation.dialogue import courriels, lectures, regles
from orientation.etablissements.models import Lien, Responsable
from orientation.requetes import RequeteFigee

from .models import Dossier, Etat, Evenement, Saisie, Voeu
from .models import decision as modeles_decision

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
    # X: after the interview the head decides (a motivation when it differs from the request).
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


class EtapeDepassee(TransitionRefusee):
    """The dossier is not (or no longer) in a source state of the transition: often somebody else
    moved it on a moment ago (two members of staff on the same dossier)."""


class ModificationConcurrente(TransitionRefusee):
    """What the page was built from changed since it was displayed (another member of staff saved
    the council's answers, or a paper list): nothing is saved, rather than silently overwriting
    their entry (a lost update)."""


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


# Every transition re-reads its dossier under a row lock: compiled once per process.
_VERROU = RequeteFigee(
    lambda pk: (
        Dossier.objects.select_for_update(of=("self",))
        # The pupil's division too: the council's saves check who may answer for it.
        .select_related("campagne__etablissement", "eleve__division")
        .filter(pk=pk)
    )
)


def _verrouiller(dossier: Dossier | int) -> Dossier:
    """The dossier re-read and locked until the end of the caller's transaction."""
    if transaction.get_autocommit():
        # What Django checks when it compiles a select_for_update(), done here at every call.
        raise transaction.TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    trouves = _VERROU.objets(dossier.pk if isinstance(dossier, Dossier) else dossier)
    if not trouves:
        raise Dossier.DoesNotExist
    return trouves[0]


def _verifier_source(dossier: Dossier, transition: str) -> str:
    sources, cible = TRANSITIONS[transition]
    if dossier.etat not in sources:
        raise EtapeDepassee(
            _("Cette action n'est pas possible à cette étape (%(etat)s).")
            % {"etat": dossier.get_etat_display()}
        )
    return cible


def _changer_etat(dossier, user, transition, cible, *, ip=None, details=None, champs=()):
    avant = dossier.etat
    dossier.etat = cible
    dossier.save(update_fields=["etat", "modifie_le", *champs])
    return _journaliser(dossier, user, transition, ip=ip, details=details, avant=avant)


def _journaliser(dossier, user, action, *, ip=None, details=None, avant=None) -> Evenement:
    """The audit trail: who did what to the dossier, when, from where (docs/securite.md)."""
    return Evenement.objects.create(
        dossier=dossier,
        etablissement_id=dossier.campagne.etablissement_id,
        acteur=user,
        action=action,
        etat_avant=dossier.etat if avant is None else avant,
        etat_apres=dossier.etat,
        adresse_ip=ip,
        details=details or {},
    )


# The parameters in the order of the compiled SQL (RequeteFigee checks it).
_RESPONSABLE = RequeteFigee(
    lambda eleve_id, niveau, user_id: Responsable.objects.filter(
        user=user_id, liens__eleve=eleve_id, liens__niveau=niveau
    ).order_by("pk")
)


def _responsable(user, dossier: Dossier) -> Responsable | None:
    """The acting user's Responsable row for this pupil; None for an adult pupil acting (X)."""
    if permissions.eleve_majeur(dossier.eleve):
        return None
    responsable = _RESPONSABLE.premier(dossier.eleve_id, Lien.Niveau.LEGAL, user.pk)
    if responsable is not None:
        responsable.user = user  # the acting account itself: e-mailing them reads nothing more
    return responsable


def _exiger_famille(user, dossier: Dossier) -> None:
    if not permissions.agit_pour_la_famille(user, dossier.eleve):
        raise Interdit(_("Seuls les représentants légaux de l'élève peuvent faire cette démarche."))


def contexte_pour(campagne: Campagne, phase: str) -> regles.Contexte:
    """The data regles.py needs, from the campaign (R9 counts) and the year's catalogue."""
    ref = catalogue.actif()
    return regles.Contexte(
        phase=phase,
        nb_specialites_definitif=campagne.nb_specialites_definitif,
        nb_specialites_provisoire=campagne.nb_specialites_provisoire,
        nb_specialites_provisoire_avec_hors=campagne.nb_specialites_provisoire_avec_hors,
        max_hors=campagne.max_hors_etablissement_provisoire,
        offre=catalogue.offre(campagne),
        voies={v.code: v.famille for v in ref.voies},
        specialites=frozenset(s.code for s in ref.specialites),
    )


def _empreinte(voeux: list[regles.VoeuSaisi]) -> str:
    canonique = [
        [v.voie_code, sorted(v.specialites) if v.famille == regles.GENERALE else [], v.option_pro]
        for v in voeux
    ]
    return hashlib.sha256(json.dumps(canonique).encode()).hexdigest()


def _voeux_de_la_phase(dossier_id, phase):
    return Voeu.objects.filter(dossier=dossier_id).filter(phase=phase)


# Two DELETEs of fixed shape, written once per process (orientation/requetes.py).
_SUPPRIMER_SPECIALITES = RequeteFigee(
    lambda dossier_id, phase: Voeu.specialites.through.objects.filter(
        voeu__in=_voeux_de_la_phase(dossier_id, phase)
    ),
    suppression=True,
)
_SUPPRIMER_VOEUX = RequeteFigee(_voeux_de_la_phase, suppression=True)
# The wishes of a list that the council already answered (an Avis, a Proposition).
_VOEUX_REPONDUS = RequeteFigee(
    lambda dossier_id, phase: (
        _voeux_de_la_phase(dossier_id, phase)
        .filter(Q(avis__isnull=False) | Q(proposition__isnull=False))
        .values_list("pk")
    )
)


def _supprimer_voeux(dossier: Dossier, phase: str) -> None:
    """A list's wishes, with their spécialités and the council's answers to them. Under the
    dossier's lock (the council's saves take it too), a list nobody answered yet, nearly always,
    goes by two DELETEs; Django's cascade, which reads every related table first, only when
    there are answers to remove with it."""
    if _VOEUX_REPONDUS.lignes(dossier.pk, phase):
        _voeux_de_la_phase(dossier.pk, phase).delete()
        return
    _SUPPRIMER_SPECIALITES.supprimer(dossier.pk, phase)  # nothing refers to them
    _SUPPRIMER_VOEUX.supprimer(dossier.pk, phase)  # nothing refers to them any more


def _remplacer_voeux(dossier: Dossier, phase: str, voeux: list[regles.VoeuSaisi]) -> list[Voeu]:
    # R12: the whole list is replaced at once, inside the transaction; nothing partial survives.
    # The voeux were checked against the active catalogue (regles.verifier): every code is in it.
    _supprimer_voeux(dossier, phase)
    ref = catalogue.actif()
    crees = Voeu.objects.bulk_create(
        [
            Voeu(
                dossier=dossier,
                phase=phase,
                rang=rang,
                voie_id=ref.voie(v.voie_code).pk,
                option_pro=v.option_pro,
            )
            for rang, v in enumerate(voeux, start=1)
        ]
    )
    Voeu.specialites.through.objects.bulk_create(
        [
            Voeu.specialites.through(voeu_id=voeu.pk, specialite_id=ref.specialite(code).pk)
            for voeu, v in zip(crees, voeux, strict=True)
            for code in v.specialites
        ]
    )
    return crees


def _libelles_des_crees(crees: list[Voeu], voeux: list[regles.VoeuSaisi]) -> list[str]:
    """libelles_voeux() of the voeux _remplacer_voeux just wrote, from the catalogue in memory."""
    ref = catalogue.actif()
    return [
        voeu.libeller(
            ref.voie(v.voie_code).libelle,
            [s.libelle for s in ref.specialites if s.code in v.specialites],
        )
        for voeu, v in zip(crees, voeux, strict=True)
    ]


def libelles_voeux(dossier: Dossier, phase: str) -> list[str]:
    """The saved voeux of a phase, as the family reads them, in order of preference."""
    return [v.libelle for v in lectures.voeux_du_dossier(dossier.pk, phase)]


# --- transitions ---------------------------------------------------------------------------------


class SaisieFermee(TransitionRefusee):
    """R1: the phase's window is closed (the page says when it opens or when it closed)."""


def refus_de_saisie(
    dossier: Dossier, phase: str, *, responsable: Responsable | None = None, user=None
) -> TransitionRefusee | None:
    """Why the list of `phase` cannot be validated now, or None when it can: R1, R5–R7, R14.
    The one place for both the family's page (read-only, with the reason) and valider_voeux.
    R7 is checked for the acting `responsable` (valider_voeux; None: the school on nobody's
    behalf, or an adult pupil) or, on the family's page, for the signed-in `user`."""
    transition = "valider_intentions" if phase == Phase.PROVISOIRE else "valider_demandes"
    if phase == Phase.DEFINITIVE and dossier.etat == Etat.AVIS_PUBLIE:
        # R5, R6: whoever comes for the definitive phase acknowledges the avis first.
        return TransitionRefusee(
            _("Accusez d'abord réception de l'avis provisoire du conseil de classe.")
        )
    if dossier.etat not in TRANSITIONS[transition][0]:
        return TransitionRefusee(_("Cette liste ne peut plus être modifiée à cette étape."))
    if not dossier.campagne.saisie_ouverte(phase):
        # R1, R14: outside the window everything stays readable, nothing changes.
        return SaisieFermee(_("Le service de saisie est fermé : rien n'a été enregistré."))
    titulaire_id = dossier.titulaire_id(phase)
    if titulaire_id is not None and (
        (responsable is not None and responsable.pk != titulaire_id)
        or (user is not None and not permissions.est_le_responsable(user, titulaire_id))
    ):
        # R7 (and R3 for the intentions): the first representative to validate holds the right.
        return Interdit(
            _(
                "Les choix ont déjà été validés par l'autre représentant légal : lui seul peut "
                "les modifier. Vous pouvez les consulter."
            )
        )
    return None


def _version(saisie: Saisie | None) -> str:
    return saisie.valide_le.isoformat() if saisie is not None else ""


def version_de_la_liste(dossier: Dossier, phase: str) -> str:
    """The version of a phase's validated list, sent with a form that may replace it and checked
    by valider_voeux: it changes with every validation that changes the list."""
    return _version(Saisie.objects.filter(dossier=dossier, phase=phase).only("valide_le").first())


# A phase's validated list (at most one: the unique constraint of Saisie).
_SAISIE = RequeteFigee(
    lambda dossier_id, phase: Saisie.objects.filter(dossier=dossier_id).filter(phase=phase)
)


def valider_voeux(
    dossier: Dossier,
    user,
    phase: str,
    voeux: list[regles.VoeuSaisi],
    ip: str | None = None,
    *,
    canal: str = Saisie.Canal.EN_LIGNE,
    pour: Responsable | None = None,
    date_papier=None,
    reference_scan: str = "",
    version: str | None = None,
) -> Validation:
    """R3/R7–R14: validate the intentions (provisional) or the demandes (definitive).

    Raises TransitionRefusee (or its subclasses Interdit, VoeuxInvalides) and writes nothing when
    refused. The view stores `noter_modification()` in the session for R15.
    `canal="etablissement"`: the school enters a paper fiche for the representative `pour` (None:
    no representative named, e.g. an import), with the date written on the paper and the scan's
    reference; the same rules apply (docs/saisie-papier.md).
    `version`: the list's version the form was built from (version_de_la_liste); a list validated
    since by someone else raises ModificationConcurrente. None: no check.
    """
    transition = "valider_intentions" if phase == Phase.PROVISOIRE else "valider_demandes"
    papier = Papier(canal, pour, date_papier, reference_scan)
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        papier.exiger(user, dossier)
        # Re-read under the row lock, so two simultaneous first validations cannot both win (R7).
        responsable = papier.responsable(user, dossier)
        refus = refus_de_saisie(dossier, phase, responsable=responsable)
        if refus is not None:
            raise refus
        cible = TRANSITIONS[transition][1]

        erreurs = regles.verifier(voeux, contexte_pour(dossier.campagne, phase))
        if erreurs:
            raise VoeuxInvalides(erreurs)  # R8–R11
        ordonnes = regles.dans_l_ordre(voeux)
        empreinte = _empreinte(ordonnes)

        maintenant = timezone.now()
        saisie = _SAISIE.premier(dossier.pk, phase)
        if saisie is not None and saisie.empreinte == empreinte and dossier.etat == cible:
            # A double submit of the same list: saved once.
            return Validation(dossier=dossier, saisie=saisie, modifie=False, premiere=False)
        if version is not None and version != _version(saisie):
            # Two members of staff typing the same paper fiche: the second would replace the
            # first's list without knowing it.
            raise ModificationConcurrente(
                _(
                    "Pendant votre saisie, %(qui)s a validé une autre liste pour cet élève le "
                    "%(quand)s : rien n'a été enregistré. La liste enregistrée est affichée ; "
                    "refaites vos changements si besoin."
                )
                % {
                    "qui": _nom_de(saisie.valide_par_compte) or _("une autre personne"),
                    "quand": calendrier.moment(saisie.valide_le),
                }
            )

        crees = _remplacer_voeux(dossier, phase, ordonnes)
        premiere = saisie is None
        if premiere:
            saisie = Saisie(dossier=dossier, phase=phase, premiere_validation_le=maintenant)
            saisie.nb_validations = 1
        else:
            saisie.nb_validations += 1
        saisie.valide_par = responsable
        saisie.valide_par_compte = user
        saisie.valide_le = maintenant
        saisie.canal = papier.canal
        saisie.date_papier = papier.date_papier
        saisie.reference_scan = papier.reference_scan
        saisie.empreinte = empreinte
        saisie.save()

        champs = []
        if responsable is not None and dossier.titulaire_id(phase) is None:
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
                **papier.details(responsable),
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
        destinataires = (
            [courriels.destinataire_responsable(responsable)]
            if responsable is not None
            else papier.sans_signataire(dossier)
        )
        courriels.Confirmation.envoyer(
            dossier=dossier,
            destinataires=destinataires,
            contexte={"phase": phase, "voeux": _libelles_des_crees(crees, ordonnes)},
        )
        papier.recapituler(dossier, phase, saisie)
    return Validation(dossier=dossier, saisie=saisie, modifie=True, premiere=premiere)


def publier_avis(
    dossier: Dossier, user, ip: str | None = None, *, automatique: bool = False
) -> Dossier:
    """R4: the direction publishes the provisional avis; the family is told (X). `automatique`:
    the campaign publishes by itself the day after the council (docs/conseil-de-classe.md)."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        if not automatique and not permissions.est_direction(
            user, dossier.campagne.etablissement_id
        ):
            raise Interdit(_("Seule la direction de l'établissement peut publier les avis."))
        cible = _verifier_source(dossier, "publier_avis")
        _changer_etat(dossier, user, "publier_avis", cible, ip=ip, details={"phase": "provisoire"})
        courriels.ResultatsDisponibles.envoyer(
            dossier=dossier, contexte={"phase": Phase.PROVISOIRE}
        )
    return dossier


def accuser_reception(
    dossier: Dossier,
    user,
    ip: str | None = None,
    *,
    canal: str = Saisie.Canal.EN_LIGNE,
    pour: Responsable | None = None,
    date_papier=None,
    reference_scan: str = "",
) -> Dossier:
    """R5: a representative (whoever comes first, R6) acknowledges the provisional avis; with
    `canal="etablissement"`, the school records a signed paper acknowledgement (as valider_voeux).
    """
    papier = Papier(canal, pour, date_papier, reference_scan)
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        papier.exiger(user, dossier)
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
            details=papier.details(papier.responsable(user, dossier)),
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


# R15's summary at logout, for each dossier changed in the session: compiled once per process.
_DOSSIER_RECAPITULE = RequeteFigee(
    lambda pk: Dossier.objects.select_related("campagne__etablissement", "eleve").filter(pk=pk)
)
_DERNIERE_SAISIE = RequeteFigee(
    lambda dossier_id: Saisie.objects.filter(dossier=dossier_id).order_by("-valide_le")[:1]
)


def envoyer_recapitulatif(user, dossiers_modifies: Iterable[int], session_key: str) -> int:
    """R15: the summary to both representatives (or the adult pupil) of each dossier changed in
    the session, once per session (`cle_unicite`). Returns the number of dossiers summarised."""
    envoyes = 0
    for pk in dict.fromkeys(int(p) for p in dossiers_modifies):
        with transaction.atomic():
            dossiers = _DOSSIER_RECAPITULE.objets(pk)
            if not dossiers or not permissions.agit_pour_la_famille(user, dossiers[0].eleve):
                continue
            dossier = dossiers[0]
            saisies = _DERNIERE_SAISIE.objets(dossier.pk)
            if not saisies:
                continue
            saisie = saisies[0]
            lignes = courriels.Recapitulatif.envoyer(
                dossier=dossier,
                contexte={"phase": saisie.phase, "voeux": libelles_voeux(dossier, saisie.phase)},
                cle_unicite=f"recapitulatif:{dossier.pk}:{session_key}",
            )
            envoyes += bool(lignes)
    return envoyes


# --- Saisie papier: the school enters on the family's behalf (docs/saisie-papier.md) -------------


@dataclass(frozen=True)
class Papier:
    """The channel of a family step. Online, the acting user is the family; `canal="etablissement"`,
    the acting user is a member of staff who types in what a representative (`pour`) wrote and
    signed on paper. Everything else — states, rules R1–R11, R7's holder, e-mails — is the same."""

    canal: str = Saisie.Canal.EN_LIGNE
    pour: Responsable | None = None
    date_papier: object = None
    reference_scan: str = ""

    @property
    def par_l_etablissement(self) -> bool:
        return self.canal == Saisie.Canal.ETABLISSEMENT

    def exiger(self, user, dossier: Dossier, signataire: bool = False) -> None:
        """`signataire`: the step is one person's (a response, an agreement): the paper must
        name the representative who signed it, unless the adult pupil acts."""
        if self.canal not in Saisie.Canal.values:
            raise ValueError(self.canal)
        if not self.par_l_etablissement:
            _exiger_famille(user, dossier)
            return
        if not permissions.peut_saisir_pour_la_famille(user, dossier):
            raise Interdit(
                _(
                    "Seuls le secrétariat, la direction et le professeur principal de l'élève "
                    "peuvent saisir une fiche papier."
                )
            )
        if signataire and self.pour is None and not permissions.eleve_majeur(dossier.eleve):
            raise TransitionRefusee(_("Indiquez le représentant légal qui a signé la fiche."))
        if self.date_papier is not None and self.date_papier > timezone.localdate():
            raise TransitionRefusee(_("La date portée sur la fiche papier est dans le futur."))
        if self.pour is not None and (
            permissions.eleve_majeur(dossier.eleve)
            or not self.pour.liens.filter(eleve=dossier.eleve, niveau=Lien.Niveau.LEGAL).exists()
        ):
            raise TransitionRefusee(_("Ce signataire n'est pas représentant légal de l'élève."))

    def responsable(self, user, dossier: Dossier) -> Responsable | None:
        """The representative on whose behalf the step is taken (None: the adult pupil, or an
        import that names nobody)."""
        if self.par_l_etablissement:
            return self.pour
        return _responsable(user, dossier)

    def details(self, responsable: Responsable | None) -> dict:
        if not self.par_l_etablissement:
            return {}
        return {
            "canal": self.canal,
            "pour": responsable.pk if responsable is not None else None,
            "date_papier": self.date_papier.isoformat() if self.date_papier else None,
            "reference_scan": self.reference_scan,
        }

    def sans_signataire(self, dossier: Dossier) -> list:
        # R13 names the person who validated; an import names nobody, so every representative
        # (or the adult pupil) gets the confirmation.
        if self.par_l_etablissement:
            return courriels.representants(dossier)
        return [courriels.destinataire_eleve(dossier.eleve)]

    def recapituler(self, dossier: Dossier, phase: str, saisie: Saisie) -> None:
        # R15: online, the summary leaves at the end of the family's session. A paper entry has no
        # family session: the entry itself is the session, so both representatives get it now.
        if not self.par_l_etablissement:
            return
        courriels.Recapitulatif.envoyer(
            dossier=dossier,
            contexte={"phase": phase, "voeux": libelles_voeux(dossier, phase)},
            cle_unicite=f"recapitulatif:{dossier.pk}:papier:{saisie.pk}:{saisie.nb_validations}",
        )


# R7 (X): the entry right of a phase can be handed to the other representative by the head.
ETATS_TRANSMISSION = {
    Phase.PROVISOIRE: frozenset({Etat.INTENTIONS_VALIDEES}),
    Phase.DEFINITIVE: frozenset(
        {Etat.VOEUX_VALIDES, Etat.PROPOSITIONS_PUBLIEES, Etat.REPONSE_FAMILLE}
    ),
}


def transmettre_saisie(
    dossier: Dossier, user, phase: str, vers: Responsable, motif: str, ip: str | None = None
) -> Dossier:
    """R7 (X: "the head can hand the right to the other representative, logged"). The state does
    not change; the Evenement records who handed what to whom and why."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        if not permissions.est_direction(user, dossier.campagne.etablissement_id):
            raise Interdit(
                _("Seul le chef d'établissement (ou son adjoint) peut transmettre la saisie.")
            )
        if dossier.etat not in ETATS_TRANSMISSION.get(phase, frozenset()):
            raise TransitionRefusee(
                _("Cette action n'est pas possible à cette étape (%(etat)s).")
                % {"etat": dossier.get_etat_display()}
            )
        if permissions.eleve_majeur(dossier.eleve):
            raise TransitionRefusee(
                _("L'élève majeur agit lui-même : il n'y a rien à transmettre.")
            )
        if not vers.liens.filter(eleve=dossier.eleve, niveau=Lien.Niveau.LEGAL).exists():
            raise TransitionRefusee(_("Ce représentant n'est pas représentant légal de l'élève."))
        ancien = dossier.titulaire_id(phase)
        if ancien == vers.pk:
            raise TransitionRefusee(_("Ce représentant détient déjà la saisie."))
        if not motif.strip():
            raise TransitionRefusee(_("Indiquez le motif de la transmission."))
        champ = "titulaire_intentions" if phase == Phase.PROVISOIRE else "titulaire_demandes"
        setattr(dossier, champ, vers)
        dossier.save(update_fields=[champ, "modifie_le"])
        _journaliser(
            dossier,
            user,
            "transmettre_saisie",
            ip=ip,
            details={"phase": phase, "de": ancien, "vers": vers.pk, "motif": motif.strip()[:500]},
        )
    return dossier


# --- After the council: response, agreement, interview, decision, appeal (R17–R23) -------------
# docs/decision.md describes the choices. A refusal (R17) or a disagreement (R19) leads straight
# to the interview (R22); an acceptance with nobody else to ask (a single representative, an adult
# pupil) leads straight to the decision (R20, R21): each step is its own Evenement.

ReponseFamille = modeles_decision.ReponseFamille
Accord = modeles_decision.Accord
Entretien = modeles_decision.Entretien
Decision = modeles_decision.Decision
Recours = modeles_decision.Recours
Proposition = modeles_decision.Proposition


def autres_representants(dossier: Dossier, repondant_id: int | None) -> list[Responsable]:
    """R19: the legal representatives who must still agree with the response of `repondant_id`.
    None when an adult pupil acts for themself (X)."""
    if permissions.eleve_majeur(dossier.eleve):
        return []
    return list(
        Responsable.objects.filter(liens__eleve=dossier.eleve, liens__niveau=Lien.Niveau.LEGAL)
        .exclude(pk=repondant_id)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


_PROPOSITIONS = RequeteFigee(
    lambda dossier_id: (
        Proposition.objects.filter(dossier=dossier_id)
        .select_related("voie", "voeu")
        .order_by("voeu__rang", "voie__libelle")
    )
)


def propositions_du_dossier(dossier: Dossier) -> list:
    """The council's answers on the demandes and the voies it proposed, in the order the family
    reads them: its demandes by rank, then the proposed voies by name."""
    return _PROPOSITIONS.objets(dossier.pk)


def propositions_acceptables(dossier: Dossier, propositions: list | None = None) -> list:
    """R17: the voies the council answered *oui* to or proposed (of `propositions`, the
    dossier's already read, or read here)."""
    if propositions is None:
        propositions = propositions_du_dossier(dossier)
    return [p for p in propositions if p.reponse == Proposition.Reponse.OUI]


def voies_demandees(dossier: Dossier) -> set[str]:
    """X: the family's request is its definitive demandes, validated by the holder (R7). A
    proposal accepted by one representative alone is not the family's request: when the head
    decides after an interview, the representatives did not agree on it (docs/decision.md)."""
    return set(
        Voeu.objects.filter(dossier=dossier, phase=Phase.DEFINITIVE).values_list(
            "voie__code", flat=True
        )
    )


def _exiger_direction(user, dossier: Dossier) -> None:
    if not permissions.est_direction(user, dossier.campagne.etablissement_id):
        raise Interdit(
            _("Seul le chef d'établissement (ou son adjoint) peut faire cette démarche.")
        )


def repondre(
    dossier: Dossier,
    user,
    *,
    accepte: bool,
    propositions: Iterable[int] = (),
    ip: str | None = None,
    canal: str = Saisie.Canal.EN_LIGNE,
    pour: Responsable | None = None,
    date_papier=None,
    reference_scan: str = "",
) -> Dossier:
    """R17: the representative who entered the demandes (or the adult pupil) accepts one or more
    propositions answered oui, or refuses them all. Then R19/R20: the other representative is
    asked; with nobody to ask the decision follows (R21); a refusal requires the interview (R22).
    """
    choisies = {int(pk) for pk in propositions}
    papier = Papier(canal, pour, date_papier, reference_scan)  # a signed paper response
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        papier.exiger(user, dossier, signataire=True)
        cible = _verifier_source(dossier, "repondre")
        responsable = papier.responsable(user, dossier)
        titulaire_id = dossier.titulaire_demandes_id
        if responsable is not None and titulaire_id not in (None, responsable.pk):
            raise Interdit(
                _(
                    "Le représentant qui a saisi les demandes répond en premier ; vous pourrez "
                    "ensuite donner votre accord ou votre désaccord."
                )
            )
        acceptables = {p.pk: p for p in propositions_acceptables(dossier)}
        erreur = regles.verifier_reponse(accepte, choisies, set(acceptables))  # R17
        if erreur:
            raise TransitionRefusee(erreur)
        reponse = ReponseFamille.objects.create(
            dossier=dossier,
            choix=ReponseFamille.Choix.ACCEPTE if accepte else ReponseFamille.Choix.REFUSE,
            responsable=responsable,
            compte=user,
            repondu_le=timezone.now(),
        )
        reponse.propositions_acceptees.set([acceptables[pk] for pk in sorted(choisies)])
        _changer_etat(
            dossier,
            user,
            "repondre",
            cible,
            ip=ip,
            details={
                "choix": reponse.choix,
                "responsable": responsable.pk if responsable else None,
                "voies": [acceptables[pk].voie.code for pk in sorted(choisies)],
                **papier.details(responsable),
            },
        )
        if not accepte:
            _entrer_en_entretien(dossier, user, Entretien.Motif.REFUS, ip)  # R22
        elif not autres_representants(dossier, responsable.pk if responsable else None):
            _decider_par_accord(dossier, user, reponse, ip)  # R20, R21
    return dossier


def conclure_accord(
    dossier: Dossier,
    user,
    *,
    d_accord: bool,
    ip: str | None = None,
    canal: str = Saisie.Canal.EN_LIGNE,
    pour: Responsable | None = None,
    date_papier=None,
    reference_scan: str = "",
) -> Dossier:
    """R19: the other representative answers oui or non to the response. R20: once every
    representative has answered: agreement → the decision (R21); disagreement → the interview
    (R22). Silence is never agreement (X): only this call writes an Accord (or the school, from
    the paper the other representative signed: `canal="etablissement"`, `pour=`)."""
    papier = Papier(canal, pour, date_papier, reference_scan)
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        papier.exiger(user, dossier, signataire=True)
        _verifier_source(dossier, "conclure_accord")
        reponse = ReponseFamille.objects.get(dossier=dossier)
        responsable = papier.responsable(user, dossier)
        if responsable is None or responsable.pk == reponse.responsable_id:
            raise Interdit(_("L'accord est donné par l'autre représentant légal."))
        if Accord.objects.filter(dossier=dossier, responsable=responsable).exists():
            raise TransitionRefusee(_("Vous avez déjà répondu."))
        Accord.objects.create(
            dossier=dossier, responsable=responsable, d_accord=d_accord, repondu_le=timezone.now()
        )
        attendus = {r.pk for r in autres_representants(dossier, reponse.responsable_id)}
        accords = dict(
            Accord.objects.filter(dossier=dossier).values_list("responsable_id", "d_accord")
        )
        if not d_accord:
            _entrer_en_entretien(
                dossier,
                user,
                Entretien.Motif.DESACCORD,
                ip,
                details={"responsable": responsable.pk, **papier.details(responsable)},
            )
        elif attendus <= set(accords) and all(accords[pk] for pk in attendus):
            _decider_par_accord(
                dossier,
                user,
                reponse,
                ip,
                details={"responsable": responsable.pk, **papier.details(responsable)},
            )
        else:
            # A third legal representative has not answered yet: the state stays (R20).
            _journaliser(
                dossier,
                user,
                "accord_partiel",
                ip=ip,
                details={"responsable": responsable.pk, "d_accord": True},
            )
    return dossier


def _decider_par_accord(dossier, user, reponse, ip, details=None) -> Decision:
    cible = _verifier_source(dossier, "conclure_accord")
    acceptees = list(reponse.propositions_acceptees.select_related("voie"))
    decision = Decision.objects.create(
        dossier=dossier,
        option_pro=next((p.option_pro for p in acceptees if p.option_pro), ""),
        conforme_a_la_demande=True,
        prise_le=timezone.now(),
    )
    decision.voies.set([p.voie for p in acceptees])
    _changer_etat(
        dossier,
        user,
        "conclure_accord",
        cible,
        ip=ip,
        details={**(details or {}), "voies": [p.voie.code for p in acceptees]},
    )
    courriels.DecisionPrise.envoyer(dossier=dossier)  # R21: each representative
    return decision


def _entrer_en_entretien(dossier, user, motif, ip, details=None) -> Entretien:
    cible = _verifier_source(dossier, "exiger_entretien")
    entretien = Entretien.objects.create(dossier=dossier, motif=motif)
    _changer_etat(
        dossier,
        user,
        "exiger_entretien",
        cible,
        ip=ip,
        details={**(details or {}), "motif": motif},
    )
    courriels.EntretienRequis.envoyer(dossier=dossier)  # R22: each representative
    return entretien


def exiger_entretien(dossier: Dossier, user, ip: str | None = None) -> Dossier:
    """X: after the response deadline, the head handles a dossier left without an answer (or
    without the second representative's): the interview is required, logged and e-mailed."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_direction(user, dossier)
        _verifier_source(dossier, "exiger_entretien")
        if timezone.now() < dossier.campagne.reponse_limite:
            raise TransitionRefusee(
                _("La date limite de réponse des familles n'est pas encore passée.")
            )
        _entrer_en_entretien(dossier, user, Entretien.Motif.SANS_REPONSE, ip)
    return dossier


def tenir_entretien(
    dossier: Dossier,
    user,
    *,
    tenu_le,
    participants: str,
    compte_rendu: str,
    ip: str | None = None,
) -> Entretien:
    """R22: the head records the interview (date, participants, outcome)."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_direction(user, dossier)
        cible = _verifier_source(dossier, "tenir_entretien")
        if not participants.strip() or not compte_rendu.strip():
            raise TransitionRefusee(_("Indiquez les participants et l'issue de l'entretien."))
        if tenu_le > timezone.now():
            raise TransitionRefusee(
                _("L'entretien ne peut pas être enregistré avant d'avoir eu lieu.")
            )
        entretien = Entretien.objects.filter(dossier=dossier, tenu_le__isnull=True).last()
        if entretien is None:
            entretien = Entretien(dossier=dossier, motif=Entretien.Motif.SANS_REPONSE)
        entretien.tenu_le = tenu_le
        entretien.participants = participants.strip()
        entretien.compte_rendu = compte_rendu.strip()
        entretien.conduit_par = user
        entretien.save()
        _changer_etat(
            dossier,
            user,
            "tenir_entretien",
            cible,
            ip=ip,
            details={"entretien": entretien.pk, "tenu_le": tenu_le.isoformat()},
        )
    return entretien


def decider(
    dossier: Dossier,
    user,
    *,
    voies: Iterable[str],
    option_pro: str = "",
    motivation: str = "",
    ip: str | None = None,
) -> Decision:
    """X: after the interview the head decides on the voie only, with a written motivation when
    the decision differs from the request; the family then has 3 jours ouvrables to appeal."""
    from .jours_ouvrables import DELAI_RECOURS_JOURS, date_limite_recours

    codes = {c for c in voies if c}
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_direction(user, dossier)
        cible = _verifier_source(dossier, "decider")
        demandees = voies_demandees(dossier)
        erreur = regles.verifier_decision(codes, demandees, motivation)
        if erreur:
            raise TransitionRefusee(erreur)
        voies_decidees = list(Voie.objects.filter(code__in=codes, actif=True))
        if len(voies_decidees) != len(codes):
            raise TransitionRefusee(_("Cette voie n'existe pas dans le catalogue."))
        conforme = regles.decision_conforme(codes, demandees)
        maintenant = timezone.now()
        limite = None if conforme else date_limite_recours(timezone.localdate(maintenant))
        decision = Decision.objects.create(
            dossier=dossier,
            option_pro=option_pro
            if any(v.famille == regles.PROFESSIONNELLE for v in voies_decidees)
            else "",
            conforme_a_la_demande=conforme,
            motivation=motivation.strip(),
            entretien=Entretien.objects.filter(dossier=dossier).last(),
            prise_par=user,
            prise_le=maintenant,
            date_limite_recours=limite,
        )
        decision.voies.set(voies_decidees)
        _changer_etat(
            dossier,
            user,
            "decider",
            cible,
            ip=ip,
            details={
                "voies": sorted(codes),
                "conforme": conforme,
                "date_limite_recours": limite.isoformat() if limite else None,
            },
        )
        courriels.DecisionApresEntretien.envoyer(
            dossier=dossier,
            contexte={
                "delai_recours_jours": DELAI_RECOURS_JOURS,
                "date_limite_recours": limite,
                "conforme": conforme,
            },
        )
    return decision


_DECISIONS = RequeteFigee(
    lambda dossier_id: (
        Decision.objects.filter(dossier=dossier_id)
        .prefetch_related("voies")
        .order_by("prise_le", "pk")
    )
)


def decision_en_vigueur(dossier: Dossier) -> Decision | None:
    """The last decision taken (a decision after an interview, then after an appeal, replaces
    the one before)."""
    decisions = _DECISIONS.objets(dossier.pk)
    return decisions[-1] if decisions else None


def engager_recours(
    dossier: Dossier, user, *, depose_le=None, maintien: bool = False, ip: str | None = None
) -> Recours:
    """R23: the school records the family's appeal to the commission d'appel (or its claim to the
    maintien, X), within 3 jours ouvrables of a decision that differs from the request."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_direction(user, dossier)
        cible = _verifier_source(dossier, "engager_recours")
        decision = decision_en_vigueur(dossier)
        if decision is None or decision.conforme_a_la_demande:
            raise TransitionRefusee(
                _(
                    "Seule une décision qui diffère de la demande de la famille peut faire "
                    "l'objet d'un recours."
                )
            )
        depose_le = depose_le or timezone.now()
        if (
            decision.date_limite_recours
            and timezone.localdate(depose_le) > decision.date_limite_recours
        ):
            raise TransitionRefusee(
                _("Le délai de recours de 3 jours ouvrables est dépassé (%(date)s).")
                % {"date": decision.date_limite_recours.strftime("%d/%m/%Y")}
            )
        recours = Recours.objects.create(
            dossier=dossier,
            decision_contestee=decision,
            depose_le=depose_le,
            maintien=maintien,
            enregistre_par=user,
        )
        _changer_etat(
            dossier,
            user,
            "engager_recours",
            cible,
            ip=ip,
            details={"recours": recours.pk, "decision": decision.pk, "maintien": maintien},
        )
    return recours


def statuer_recours(
    dossier: Dossier,
    user,
    *,
    maintien: bool,
    voie: str = "",
    date_commission=None,
    issue: str = "",
    ip: str | None = None,
) -> Decision:
    """R23: the commission d'appel's decision (a voie), or the maintien in 2de (X, as of right),
    becomes the decision in force; each representative is told."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_direction(user, dossier)
        cible = _verifier_source(dossier, "statuer_recours")
        recours = Recours.objects.filter(dossier=dossier).order_by("pk").last()
        voie_decidee = None
        if not maintien:
            voie_decidee = Voie.objects.filter(code=voie, actif=True).first()
            if voie_decidee is None:
                raise TransitionRefusee(
                    _("Choisissez la voie décidée par la commission d'appel, ou le maintien.")
                )
            if date_commission is None:
                raise TransitionRefusee(_("Indiquez la date de la commission d'appel."))
        recours.maintien = maintien
        recours.voie_decidee = voie_decidee
        recours.date_commission = date_commission
        recours.issue = issue.strip()
        recours.save()
        conforme = maintien or regles.decision_conforme(
            {voie_decidee.code}, voies_demandees(dossier)
        )
        motivation = issue.strip() or (
            _("Maintien en seconde, de droit.")
            if maintien
            else _("Décision de la commission d'appel.")
        )
        decision = Decision.objects.create(
            dossier=dossier,
            maintien=maintien,
            conforme_a_la_demande=conforme,
            motivation=motivation,
            prise_par=user,
            prise_le=timezone.now(),
        )
        if voie_decidee is not None:
            decision.voies.set([voie_decidee])
        _changer_etat(
            dossier,
            user,
            "statuer_recours",
            cible,
            ip=ip,
            details={
                "recours": recours.pk,
                "maintien": maintien,
                "voie": voie_decidee.code if voie_decidee else None,
            },
        )
        courriels.DecisionPrise.envoyer(dossier=dossier)
    return decision


# --- Conseil de classe: avis (R4), réponses et propositions (R16), publication -------------------
# docs/conseil-de-classe.md. Entering an answer is not a transition (the dossier stays in
# intentions_validees / voeux_valides until publication) but it is audited like one: each save
# that changes something writes an Evenement listing what changed, before → after.


@dataclass(frozen=True)
class SaisieAvis:
    """R4: what the council says on one intention."""

    voeu_id: int
    valeur: str
    motif: str = ""
    commentaire: str = ""
    specialites: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SaisieProposition:
    """R16: oui / non on one demande (`voeu_id`), or a voie the family did not ask for
    (`voeu_id` None, always oui)."""

    voeu_id: int | None
    voie_id: int
    reponse: str
    commentaire: str = ""
    specialites: frozenset[int] = frozenset()


SOURCE_SAISIE_CONSEIL = {
    Phase.PROVISOIRE: Etat.INTENTIONS_VALIDEES,
    Phase.DEFINITIVE: Etat.VOEUX_VALIDES,
}


def _exiger_conseil(user, dossier: Dossier, phase: str) -> None:
    if not permissions.peut_saisir_conseil(user, dossier.eleve.division):
        raise Interdit(
            _(
                "Seuls le professeur principal de la division et la direction saisissent les "
                "réponses du conseil de classe."
            )
        )
    if dossier.etat != SOURCE_SAISIE_CONSEIL[phase]:
        # Entries can be corrected until publication, never after (R4, R16).
        raise TransitionRefusee(
            _("Les réponses du conseil ne peuvent plus être modifiées à cette étape (%(etat)s).")
            % {"etat": dossier.get_etat_display()}
        )


def _ecrire_reponses(reponses: list[tuple]) -> None:
    """Write the council's answers to one pupil, (row, recommended spécialités' pks, new?) each:
    the new rows in one INSERT and their spécialités in another, whatever the number of wishes (a
    first entry, nearly always); a corrected row by itself, its spécialités replaced."""
    nouvelles = [reponse for reponse, _specialites, nouveau in reponses if nouveau]
    if nouvelles:
        type(nouvelles[0]).objects.bulk_create(nouvelles)
    liens = []
    for reponse, specialites, nouveau in reponses:
        relation = reponse.specialites_recommandees
        if not nouveau:
            reponse.save()
            relation.set(specialites)
            continue
        # A row just created has no spécialités yet: nothing to read before inserting them.
        liens += [
            relation.through(
                **{
                    f"{relation.source_field_name}_id": reponse.pk,
                    f"{relation.target_field_name}_id": pk,
                }
            )
            for pk in specialites
        ]
    if liens:
        type(liens[0]).objects.bulk_create(liens)


def _conseils(campagne_id, division_id, phase):
    from orientation.campagnes.models import ConseilDivision

    return ConseilDivision.objects.filter(
        campagne=campagne_id, division=division_id, phase=phase
    ).order_by("pk")[:1]


# A division's council in a phase, read at every save and read of its grid: compiled once per
# process (orientation/requetes.py); the parameters in the order of the SQL.
_CONSEIL = RequeteFigee(_conseils)


def conseil_de_la_division(campagne_id, division_id, phase: str):
    return _CONSEIL.premier(campagne_id, division_id, phase)


def _conseil_de(dossier: Dossier, phase: str):
    return conseil_de_la_division(dossier.campagne_id, dossier.eleve.division_id, phase)


def _etat_avis(avis) -> dict:
    return {
        "valeur": avis.valeur,
        "motif": avis.motif,
        "commentaire": avis.commentaire,
        "specialites": sorted(s.pk for s in avis.specialites_recommandees.all()),
    }


def _nom_de(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _empreinte_courte(valeur) -> str:
    return hashlib.sha256(json.dumps(valeur, sort_keys=True).encode()).hexdigest()[:16]


def version_conseil(reponses: Iterable, phase: str, voeux_ids: Iterable[int]) -> str:
    """The fingerprint of one pupil's list (`voeux_ids`, the phase's wishes) and of the council's
    saved answers to it (Avis in the provisional phase, Proposition in the definitive one,
    `specialites_recommandees` prefetched): the list's part, then the answers'. The grid sends it
    with each pupil's form; the save compares it under the row lock."""
    if phase == Phase.PROVISOIRE:
        etats = {str(a.voeu_id): _etat_avis(a) for a in reponses}
    else:
        etats = {f"{p.voeu_id}:{p.voie_id}": _etat_proposition(p) for p in reponses}
    return _empreinte_courte(sorted(voeux_ids)) + _empreinte_courte(etats)


def _exiger_version(reponses: list, phase: str, version: str | None, voeux_ids) -> None:
    """Optimistic check against a lost update: two members of staff (the professeur principal and
    the head) open the same pupil's row; the first saves; the second's form still holds the old
    answers and would write them back over the first's. Or the family validated another list
    since the grid was read: the answers typed were for wishes that are gone. `version` None: no
    check (a caller that does not come from the grid's form)."""
    actuelle = version_conseil(reponses, phase, voeux_ids)
    if version is None or version == actuelle:
        return
    if version[:16] != actuelle[:16]:
        raise ModificationConcurrente(
            _(
                "La famille a modifié ses choix depuis l'ouverture de la grille : rien n'a été "
                "enregistré. Ses choix à jour sont affichés ; saisissez les réponses du conseil "
                "sur ceux-ci."
            )
        )
    dernier = max(reponses, key=lambda r: r.saisi_le, default=None)
    qui = _nom_de(dernier.saisi_par) if dernier is not None else ""
    raise ModificationConcurrente(
        _(
            "Pendant votre saisie, %(qui)s a modifié les réponses du conseil pour cet élève : "
            "rien n'a été enregistré. Les réponses enregistrées sont affichées ; refaites vos "
            "changements si besoin."
        )
        % {"qui": qui or _("une autre personne")}
    )


def reponses_completes(dossier: Dossier, phase: str) -> bool:
    """Every intention has its avis (R4), every demande its oui / non (R16)."""
    voeux = Voeu.objects.filter(dossier=dossier, phase=phase)
    if not voeux.exists():
        return False
    if phase == Phase.PROVISOIRE:
        return not voeux.filter(avis__isnull=True).exists()
    return not voeux.filter(proposition__isnull=True).exists()


def enregistrer_avis(
    dossier: Dossier, user, saisies: list[SaisieAvis], ip=None, *, version: str | None = None
) -> Dossier:
    """R4: the council's avis on the pupil's intentions, saved for this pupil only. `version`:
    the fingerprint the grid displayed (version_conseil); a different one now means somebody else
    saved in between, and ModificationConcurrente is raised."""
    from .models import Avis

    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_conseil(user, dossier, Phase.PROVISOIRE)
        lus = lectures.voeux_de_la_phase(dossier.pk, Phase.PROVISOIRE)
        voeux = {v.pk: v for v in lus}
        avis_lus = lectures.avis_des_voeux(lus)
        lectures.poser_recommandees(dossier.pk, avis_lus)  # compared by _exiger_version
        existants = {a.voeu_id: a for a in avis_lus}
        _exiger_version(list(existants.values()), Phase.PROVISOIRE, version, voeux)
        changements, a_ecrire = [], []
        for saisie in saisies:
            if saisie.voeu_id not in voeux or saisie.valeur not in Avis.Valeur.values:
                raise TransitionRefusee(_("Cet avis ne porte pas sur une intention de l'élève."))
            erreur = regles.verifier_avis(saisie.valeur, saisie.motif)  # R4
            if erreur:
                raise TransitionRefusee(erreur)
            avis = existants.get(saisie.voeu_id)
            avant = _etat_avis(avis) if avis else None
            apres = {
                "valeur": saisie.valeur,
                "motif": saisie.motif.strip(),
                "commentaire": saisie.commentaire.strip(),
                "specialites": sorted(saisie.specialites),
            }
            if avant == apres:
                continue
            nouveau = avis is None
            if nouveau:
                avis = Avis(voeu=voeux[saisie.voeu_id])
            avis.valeur, avis.motif, avis.commentaire = (
                apres["valeur"],
                apres["motif"],
                apres["commentaire"],
            )
            avis.saisi_par = user
            a_ecrire.append((avis, apres["specialites"], nouveau))
            changements.append(
                {"voie": voeux[saisie.voeu_id].voie.code, "avant": avant, "apres": apres}
            )
        _ecrire_reponses(a_ecrire)
        if changements:
            _journaliser(
                dossier,
                user,
                "saisir_avis",
                ip=ip,
                details={"phase": Phase.PROVISOIRE, "changements": changements},
            )
            _publier_si_conseil_publie(dossier, Phase.PROVISOIRE, ip)
    return dossier


def _etat_proposition(p) -> dict:
    return {
        "reponse": p.reponse,
        "commentaire": p.commentaire,
        "specialites": sorted(s.pk for s in p.specialites_recommandees.all()),
    }


def enregistrer_propositions(
    dossier: Dossier,
    user,
    saisies: list[SaisieProposition],
    ip=None,
    *,
    version: str | None = None,
) -> Dossier:
    """R16: oui / non on each demande, the voies proposed that the family did not ask for; a
    voie professionnelle request is recorded as an opinion on the passerelle (R11 X). `version`:
    as enregistrer_avis."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        _exiger_conseil(user, dossier, Phase.DEFINITIVE)
        voeux = {v.pk: v for v in lectures.voeux_de_la_phase(dossier.pk, Phase.DEFINITIVE)}
        voies_demandees_ids = {v.voie_id for v in voeux.values()}
        voies = Voie.objects.in_bulk([s.voie_id for s in saisies])
        existantes = {
            (p.voeu_id, p.voie_id): p
            for p in Proposition.objects.filter(dossier=dossier)
            .select_related("saisi_par", "voie")
            .prefetch_related("specialites_recommandees")
        }
        _exiger_version(list(existantes.values()), Phase.DEFINITIVE, version, voeux)
        gardees = set()
        changements, a_ecrire = [], []
        for saisie in saisies:
            voie = voies.get(saisie.voie_id)
            if saisie.voeu_id is not None:
                voeu = voeux.get(saisie.voeu_id)
                if voeu is None or voeu.voie_id != saisie.voie_id:
                    raise TransitionRefusee(_("Cette réponse ne porte pas sur une demande."))
                if saisie.reponse not in Proposition.Reponse.values:
                    raise TransitionRefusee(_("Répondez oui ou non."))
            else:
                if voie is None or saisie.voie_id in voies_demandees_ids:
                    raise TransitionRefusee(
                        _("Une proposition porte sur une voie que la famille n'a pas demandée.")
                    )
                if saisie.reponse != Proposition.Reponse.OUI:
                    raise TransitionRefusee(_("Une voie proposée est toujours un « oui »."))
            cle = (saisie.voeu_id, saisie.voie_id)
            gardees.add(cle)
            p = existantes.get(cle)
            avant = _etat_proposition(p) if p else None
            apres = {
                "reponse": saisie.reponse,
                "commentaire": saisie.commentaire.strip(),
                "specialites": sorted(saisie.specialites),
            }
            if avant == apres:
                continue
            nouveau = p is None
            if nouveau:
                p = Proposition(dossier=dossier, voeu_id=saisie.voeu_id, voie=voie)
                if saisie.voeu_id is not None:
                    p.option_pro = voeux[saisie.voeu_id].option_pro
            # R11 X: the council's answer on a voie professionnelle is a passerelle opinion.
            p.passerelle = voie.famille == Voie.Famille.PROFESSIONNELLE
            p.reponse, p.commentaire = apres["reponse"], apres["commentaire"]
            p.saisi_par = user
            a_ecrire.append((p, apres["specialites"], nouveau))
            changements.append({"voie": voie.code, "avant": avant, "apres": apres})
        _ecrire_reponses(a_ecrire)
        for cle, p in existantes.items():
            # A voie proposed earlier and no longer proposed is withdrawn.
            if cle not in gardees and p.voeu_id is None:
                changements.append(
                    {"voie": p.voie.code, "avant": _etat_proposition(p), "apres": None}
                )
                p.delete()
        if changements:
            _journaliser(
                dossier,
                user,
                "saisir_propositions",
                ip=ip,
                details={"phase": Phase.DEFINITIVE, "changements": changements},
            )
            _publier_si_conseil_publie(dossier, Phase.DEFINITIVE, ip)
    return dossier


def publier_propositions(
    dossier: Dossier, user, ip: str | None = None, *, automatique: bool = False
) -> Dossier:
    """R16: the council's answers become visible to the family, who is told (X)."""
    with transaction.atomic():
        dossier = _verrouiller(dossier)
        if not automatique:
            _exiger_direction(user, dossier)
        cible = _verifier_source(dossier, "publier_propositions")
        _changer_etat(
            dossier, user, "publier_propositions", cible, ip=ip, details={"phase": "definitive"}
        )
        courriels.ResultatsDisponibles.envoyer(
            dossier=dossier, contexte={"phase": Phase.DEFINITIVE}
        )
    return dossier


def _publier_dossier(dossier, user, phase, ip, automatique):
    if phase == Phase.PROVISOIRE:
        return publier_avis(dossier, user, ip, automatique=automatique)
    return publier_propositions(dossier, user, ip, automatique=automatique)


def _publier_si_conseil_publie(dossier: Dossier, phase: str, ip) -> None:
    """A pupil completed after the division's publication is published at once (the council's
    date has passed: R4, R16 allow it), so nobody waits for a second publication."""
    conseil = _conseil_de(dossier, phase)
    if conseil is not None and conseil.publie_le and reponses_completes(dossier, phase):
        _publier_dossier(dossier, None, phase, ip, automatique=True)


def publier_conseil(conseil, user, ip=None, *, automatique: bool = False, now=None) -> int:
    """R4, R16: publish a division's council results: every dossier whose answers are complete
    moves to avis_publie / propositions_publiees and the family gets the e-mail (X). Refused
    before the day after the council. Returns the number of dossiers published."""
    from orientation.campagnes.models import ConseilDivision

    now = now or timezone.now()
    with transaction.atomic():
        conseil = (
            ConseilDivision.objects.select_for_update(of=("self",))
            .select_related("campagne", "division")
            .get(pk=conseil.pk)
        )
        if not automatique and not permissions.est_direction(
            user, conseil.campagne.etablissement_id
        ):
            raise Interdit(_("Seule la direction de l'établissement publie les résultats."))
        if not regles.publication_possible(conseil.date_conseil, timezone.localdate(now)):
            raise TransitionRefusee(
                _("Les résultats ne peuvent être publiés qu'à partir du lendemain du conseil.")
            )
        source = SOURCE_SAISIE_CONSEIL[conseil.phase]
        dossiers = Dossier.objects.filter(
            campagne_id=conseil.campagne_id, eleve__division_id=conseil.division_id, etat=source
        ).order_by("pk")
        publies = 0
        for dossier in dossiers:
            if reponses_completes(dossier, conseil.phase):
                _publier_dossier(dossier, user, conseil.phase, ip, automatique)
                publies += 1
        if conseil.publie_le is None:
            conseil.publie_le = now
            conseil.save(update_fields=["publie_le"])
    return publies


def publier_conseils_echus(now=None) -> int:
    """The automatic publication (Campagne.publication = automatique): every council whose next
    day has come and that is not published yet. Run by `manage.py publier_resultats` and the
    periodic task; idempotent."""
    from datetime import timedelta

    from orientation.campagnes.models import ConseilDivision

    now = now or timezone.now()
    veille = timezone.localdate(now) - timedelta(days=1)
    total = 0
    conseils = ConseilDivision.objects.filter(
        publie_le__isnull=True,
        date_conseil__lte=veille,
        campagne__publication=Campagne.Publication.AUTOMATIQUE,
    ).order_by("date_conseil", "pk")
    for conseil in conseils:
        total += publier_conseil(conseil, None, automatique=True, now=now)
    return total
