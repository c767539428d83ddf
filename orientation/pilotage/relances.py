"""Reminders to the families expected to act (docs/pilotage.md): the `Rappel` e-mail through the
outbox, at most once a day per family, each one audited. Used by the dashboard for the families
ticked on a page, and by the `relancer_familles` task for a whole list (pilotage/tasks.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from orientation.campagnes.models import Phase
from orientation.dialogue.courriels import Rappel, representants_des_dossiers
from orientation.dialogue.models import Etat, Evenement
from orientation.notifications.models import Notification
from orientation.notifications.outbox import Envoi, joignable


def echeance(dossier, campagne) -> tuple[str, datetime.datetime]:
    """The phase and the closing date of the step the family is expected to do."""
    if dossier.etat == Etat.INTENTIONS_OUVERTES:
        return Phase.PROVISOIRE, campagne.provisoire_fin
    if dossier.etat in (Etat.AVIS_PUBLIE, Etat.AVIS_ACCUSE):
        return Phase.DEFINITIVE, campagne.definitive_fin
    return Phase.DEFINITIVE, campagne.reponse_limite


@dataclass(frozen=True)
class Relance:
    familles: int  # reminded now: an e-mail to at least one of them is on its way
    # See injoignables(): the school has to reach them another way.
    injoignables: list


def injoignables(dossiers, destinataires=None) -> list:
    """The dossiers whose family the service cannot write to: no legal representative known
    (nor the adult pupil), or none with a valid e-mail address. One query for all of them (the
    dossiers come with `eleve__user`, as `stats.a_relancer` reads them)."""
    if destinataires is None:
        destinataires = representants_des_dossiers(dossiers)
    return [dossier for dossier in dossiers if not joignable(destinataires[dossier.pk])]


def relancer(dossiers, campagne, etablissement, acteur, adresse_ip) -> Relance:
    """Remind these dossiers' families, in one transaction (a family already reminded today is
    skipped: `cle_unicite`). A fixed number of queries whatever the number of families: their
    representatives read at once, the e-mails and the audit events written by one insert
    each. A family whose only rows are `sans_adresse` ones is not counted as reminded, and no
    audit event says it was."""
    jour = timezone.localdate().isoformat()
    with transaction.atomic():
        dossiers = list(dossiers)
        # What the e-mail names (the school), known already: not read again for each family.
        campagne.etablissement = etablissement
        for dossier in dossiers:
            dossier.campagne = campagne
        destinataires = representants_des_dossiers(dossiers)
        echeances = [echeance(dossier, campagne) for dossier in dossiers]
        ecrites = Rappel.envoyer_lot(
            Envoi(
                contexte={"phase": phase, "date_fermeture": fermeture},
                destinataires=destinataires[dossier.pk],
                dossier=dossier,
                cle_unicite=f"rappel-manuel:{dossier.pk}:{jour}",
            )
            for dossier, (phase, fermeture) in zip(dossiers, echeances, strict=True)
        )
        evenements = [
            Evenement(
                dossier=dossier,
                etablissement=etablissement,
                acteur=acteur,
                action="rappel_envoye",
                etat_avant=dossier.etat,
                etat_apres=dossier.etat,
                adresse_ip=adresse_ip,
                details={"phase": phase},
            )
            for dossier, (phase, _fermeture), lignes in zip(
                dossiers, echeances, ecrites, strict=True
            )
            if any(row.statut == Notification.Statut.EN_ATTENTE for row in lignes)
        ]
        Evenement.objects.bulk_create(evenements)
    return Relance(len(evenements), injoignables(dossiers, destinataires))
