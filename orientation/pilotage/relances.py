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
from orientation.notifications.outbox import Envoi


def echeance(dossier, campagne) -> tuple[str, datetime.datetime]:
    """The phase and the closing date of the step the family is expected to do."""
    if dossier.etat == Etat.INTENTIONS_OUVERTES:
        return Phase.PROVISOIRE, campagne.provisoire_fin
    if dossier.etat in (Etat.AVIS_PUBLIE, Etat.AVIS_ACCUSE):
        return Phase.DEFINITIVE, campagne.definitive_fin
    return Phase.DEFINITIVE, campagne.reponse_limite


@dataclass(frozen=True)
class Relance:
    familles: int  # reminded now
    # Nobody to write to (no legal representative, nor the adult pupil, known to the service):
    # the school has to reach them another way.
    sans_destinataire: list


def relancer(dossiers, campagne, etablissement, acteur, adresse_ip) -> Relance:
    """Remind these dossiers' families, in one transaction (a family already reminded today is
    skipped: `cle_unicite`). A fixed number of queries whatever the number of families: their
    representatives read at once, the e-mails and the audit events written by one insert
    each."""
    jour = timezone.localdate().isoformat()
    with transaction.atomic():
        dossiers = list(dossiers.select_related("eleve__user"))
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
            if lignes
        ]
        Evenement.objects.bulk_create(evenements)
    return Relance(len(evenements), [d for d in dossiers if not destinataires[d.pk]])
