"""The e-mails of the fiche dialogue, one small class per event (ARCHITECTURE.md rule 6).

Workflow transitions call `Evenement.envoyer(dossier=…, contexte=…)` inside their transaction.
Templates: orientation/notifications/templates/notifications/<code>/. The e-mails carry as little
personal data as they can: the pupil's first name, never the INE or birth date, and a link to log
in rather than the content of a decision.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from orientation.etablissements.models import Lien
from orientation.notifications.outbox import Courriel, Destinataire
from orientation.requetes import RequeteFigee

AGE_MAJORITE = 18


def est_majeur(eleve, le: datetime.date | None = None) -> bool:
    """X: an adult pupil acts for themself. Adult on the day of their 18th birthday."""
    if eleve.date_naissance is None:
        return False
    le = le or timezone.localdate()
    naissance = eleve.date_naissance
    try:
        anniversaire = naissance.replace(year=naissance.year + AGE_MAJORITE)
    except ValueError:  # born on 29 February: adult on 1 March
        anniversaire = datetime.date(naissance.year + AGE_MAJORITE, 3, 1)
    return le >= anniversaire


def adresse_du_responsable(responsable) -> str:
    # R13: the address the representative set in their profile wins over the SIECLE one.
    user = responsable.user
    if user is not None and user.email:
        return user.email
    return responsable.email or ""


def destinataire_responsable(responsable) -> Destinataire:
    nom = " ".join(p for p in (responsable.prenom, responsable.nom) if p)
    return Destinataire(nom=nom, email=adresse_du_responsable(responsable), user=responsable.user)


def destinataire_eleve(eleve) -> Destinataire:
    user = eleve.user
    email = (user.email if user is not None and user.email else "") or eleve.email or ""
    return Destinataire(nom=eleve.nom_complet, email=email, user=user)


# Read for every e-mail about a dossier: compiled once per process (orientation/requetes.py).
_LIENS_DE_L_ELEVE = RequeteFigee(
    lambda eleve_id, niveau: (
        Lien.objects.filter(eleve=eleve_id, niveau=niveau)
        .select_related("responsable__user")
        .order_by("pk")
    )
)


def representants(dossier) -> list[Destinataire]:
    """The legal representatives (Lien niveau 1) of the dossier's pupil, or the pupil alone when
    adult (X). One or two people; with one, "both representatives" means that one (X)."""
    return _representants(dossier.eleve, lambda eleve: _LIENS_DE_L_ELEVE.objets(eleve.pk, 1))


def representants_des_dossiers(dossiers) -> dict[int, list[Destinataire]]:
    """representants() of each dossier (by pk), read in one query whatever their number."""
    liens = liens_des_dossiers(dossiers)
    return {d.pk: _representants(d.eleve, lambda _eleve, d=d: liens[d.pk]) for d in dossiers}


def liens_des_dossiers(dossiers) -> dict[int, list[Lien]]:
    """The links to the legal representatives (Lien niveau 1, with the person and their account)
    of each dossier's pupil, by dossier pk: one query whatever their number."""
    par_eleve: dict[int, list[Lien]] = {}
    for lien in (
        Lien.objects.filter(eleve__in={d.eleve_id for d in dossiers}, niveau=1)
        .select_related("responsable__user")
        .order_by("pk")
    ):
        par_eleve.setdefault(lien.eleve_id, []).append(lien)
    return {d.pk: par_eleve.get(d.eleve_id, []) for d in dossiers}


def _representants(eleve, liens_de) -> list[Destinataire]:
    if est_majeur(eleve):
        return [destinataire_eleve(eleve)]
    return [destinataire_responsable(lien.responsable) for lien in liens_de(eleve)]


class CourrielDossier(Courriel):
    """An event about one dossier, sent to its representatives (or the adult pupil)."""

    @classmethod
    def destinataires(cls, *, dossier, **contexte):
        return representants(dossier)

    @classmethod
    def rendre(cls, contexte: dict) -> tuple[str, str, str]:
        dossier = contexte.get("dossier")
        if dossier is not None:
            contexte = {
                "prenom_eleve": dossier.eleve.prenom,
                "etablissement": dossier.campagne.etablissement,
                **contexte,
            }
        return super().rendre(contexte)


class Confirmation(CourrielDossier):
    """R13: after validation, to the representative who validated (the caller passes them as
    `destinataires=[destinataire_responsable(…)]`). Context: `phase` ("provisoire" or
    "definitive"), optionally `voeux` (the voies' labels in order of preference)."""

    code = "confirmation"
    description = "Confirmation de la validation des choix (R13)"

    @classmethod
    def destinataires(cls, **contexte):
        raise NotImplementedError("R13 : la confirmation va au seul représentant qui a validé.")


class Recapitulatif(CourrielDossier):
    """R15: when the representative who entered or changed the choices logs out or the session
    ends, to both representatives, once per session with changes (the caller passes
    `cle_unicite=f"recapitulatif:{dossier.pk}:{session_key}"`). Context: `phase`, `voeux`."""

    code = "recapitulatif"
    description = "Récapitulatif des choix aux deux représentants (R15)"


class ResultatsDisponibles(CourrielDossier):
    """X: the council's avis (R4) or answers (R16) can be read. Context: `phase`."""

    code = "resultats_disponibles"
    description = "Résultats du conseil de classe disponibles"


class DecisionPrise(CourrielDossier):
    """R21: acceptance and agreement: the decision is recorded. The e-mail says so and links to
    the service; the decision itself is read there."""

    code = "decision"
    description = "Décision d'orientation (R21)"


class EntretienRequis(CourrielDossier):
    """R22: refusal or disagreement: an interview with the head is required."""

    code = "entretien_requis"
    description = "Entretien avec le chef d'établissement requis (R22)"


class DecisionApresEntretien(CourrielDossier):
    """X: the head's decision after the interview, with the appeal deadline. Context:
    `delai_recours_jours` (jours ouvrables, 3 by default) and `date_limite_recours` (a date)."""

    code = "decision_apres_entretien"
    description = "Décision après entretien et délai de recours"

    @classmethod
    def rendre(cls, contexte: dict) -> tuple[str, str, str]:
        return super().rendre({"delai_recours_jours": 3, "date_limite_recours": None, **contexte})


class Rappel(CourrielDossier):
    """X: a reminder before a window closes, to families with nothing validated. Context:
    `phase`, `date_fermeture` (an aware datetime)."""

    code = "rappel"
    description = "Rappel avant la fermeture du service"
