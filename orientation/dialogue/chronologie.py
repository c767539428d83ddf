"""The timeline of a dossier (every step, who, when, what was sent), for the staff and, for what
concerns them, for the family. Read from Evenement and Notification rows; writes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orientation.accounts import permissions
from orientation.campagnes.models import Voie
from orientation.dates import date_format
from orientation.notifications.models import Notification
from orientation.requetes import RequeteFigee

from .models import Dossier, Evenement

LIBELLES = {
    "valider_intentions": _("Intentions validées"),
    "publier_avis": _("Avis provisoire du conseil de classe publié"),
    "accuser_reception": _("Réception de l'avis provisoire accusée"),
    "valider_demandes": _("Demandes définitives validées"),
    "publier_propositions": _("Réponses du conseil de classe publiées"),
    "repondre": _("Réponse de la famille aux propositions"),
    "accord_partiel": _("Accord d'un représentant légal"),
    "conclure_accord": _("Accord des représentants : décision d'orientation"),
    "exiger_entretien": _("Entretien avec le chef d'établissement requis"),
    "tenir_entretien": _("Entretien tenu"),
    "decider": _("Décision du chef d'établissement après entretien"),
    "engager_recours": _("Recours enregistré"),
    "statuer_recours": _("Issue du recours"),
    "transmettre_saisie": _("Droit de saisie transmis"),
    "saisir_avis": _("Avis du conseil de classe saisi ou corrigé"),
    "saisir_propositions": _("Réponses du conseil de classe saisies ou corrigées"),
}
# What the family's timeline leaves out: internal steps of the school (the council's entries are
# not the family's business before publication: R4, R16).
INTERNES = {"transmettre_saisie", "saisir_avis", "saisir_propositions"}


@dataclass(frozen=True)
class Etape:
    quand: object
    libelle: str
    acteur: str
    precision: str


def _acteur(evenement: Evenement, pour_famille: bool, etablissement_id: int) -> str:
    user = evenement.acteur
    if user is None:
        return str(_("le service"))
    if permissions.est_personnel(user, etablissement_id):
        if pour_famille:
            return str(_("l'établissement"))
        return user.get_full_name() or user.username
    return user.get_full_name() or user.username


def _precision(evenement: Evenement, libelles: dict[str, str]) -> str:
    d = evenement.details or {}
    precision = _precision_action(evenement.action, d, libelles)
    if d.get("canal") == "etablissement":  # entered by the school from a signed paper form (R7)
        papier = str(_("sur fiche papier"))
        if d.get("date_papier"):
            signee = date_format(datetime.date.fromisoformat(d["date_papier"]), "j F Y")
            papier += " " + str(_("signée le %(date)s")) % {"date": signee}
        precision = f"{precision} ({papier})" if precision else papier
    return precision


def _precision_action(action: str, d: dict, libelles: dict[str, str]) -> str:
    if action == "transmettre_saisie" and d.get("motif"):
        return str(_("motif : %(motif)s")) % {"motif": d["motif"]}
    if action == "repondre":
        if d.get("choix") == "refuse":
            return str(_("refus de toutes les propositions"))
        voies = ", ".join(libelles.get(c, c) for c in d.get("voies", []))
        return str(_("acceptation : %(voies)s")) % {"voies": voies}
    if action == "exiger_entretien" and d.get("motif"):
        return {
            "refus": str(_("refus des propositions")),
            "desaccord": str(_("désaccord entre les représentants")),
            "sans_reponse": str(_("pas de réponse dans le délai")),
        }.get(d["motif"], "")
    if action in ("decider", "conclure_accord") and d.get("voies"):
        return ", ".join(libelles.get(c, c) for c in d["voies"])
    if action == "statuer_recours":
        if d.get("maintien"):
            return str(_("maintien en seconde"))
        return libelles.get(d.get("voie") or "", d.get("voie") or "")
    return ""


# The actors' staff positions in one query for the whole timeline (est_personnel() below).
_EVENEMENTS = RequeteFigee(
    lambda dossier_id: (
        Evenement.objects.filter(dossier=dossier_id)
        .select_related("acteur")
        .prefetch_related(permissions.postes_des_comptes("acteur"))
        .order_by("quand", "pk")
    )
)
# Every voie, the inactive ones too: an old event may name a voie no longer offered.
_LIBELLES_DES_VOIES = RequeteFigee(lambda: Voie.objects.values_list("code", "libelle"))
# The parameters in the order of the compiled SQL (Django sorts a filter()'s keywords).
_COURRIELS = RequeteFigee(
    lambda user_id, dossier_id: (
        Notification.objects.filter(dossier=dossier_id, destinataire=user_id)
        .order_by("cree_le", "pk")
        .values_list("cree_le", "sujet")
    )
)


def etapes(dossier: Dossier, *, pour_famille: bool) -> list[Etape]:
    qs = _EVENEMENTS.objets(dossier.pk)
    etablissement_id = dossier.campagne.etablissement_id
    libelles = dict(_LIBELLES_DES_VOIES.lignes())
    return [
        Etape(
            quand=e.quand,
            libelle=str(LIBELLES.get(e.action, e.action)),
            acteur=_acteur(e, pour_famille, etablissement_id),
            precision=_precision(e, libelles),
        )
        for e in qs
        if not (pour_famille and e.action in INTERNES)
    ]


def courriels_recus(dossier: Dossier, user):
    """The e-mails this family member was sent about the dossier (subject and date only: the
    bodies are not read)."""
    return [
        {"cree_le": cree_le, "sujet": sujet}
        for cree_le, sujet in _COURRIELS.lignes(user.pk, dossier.pk)
    ]
