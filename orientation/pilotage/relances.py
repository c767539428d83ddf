"""Reminders to the families expected to act (docs/pilotage.md): the `Rappel` e-mail through the
outbox, at most once a day per family, each one audited. Used by the dashboard for the families
ticked on a page, and by the `relancer_familles` task for a whole list (pilotage/tasks.py)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from orientation.campagnes.models import Phase
from orientation.dialogue.courriels import Rappel
from orientation.dialogue.models import Etat, Evenement


def echeance(dossier, campagne) -> tuple[str, datetime.datetime]:
    """The phase and the closing date of the step the family is expected to do."""
    if dossier.etat == Etat.INTENTIONS_OUVERTES:
        return Phase.PROVISOIRE, campagne.provisoire_fin
    if dossier.etat in (Etat.AVIS_PUBLIE, Etat.AVIS_ACCUSE):
        return Phase.DEFINITIVE, campagne.definitive_fin
    return Phase.DEFINITIVE, campagne.reponse_limite


def relancer(dossiers, campagne, etablissement, acteur, adresse_ip) -> int:
    """Remind these dossiers' families, in one transaction; returns how many were reminded
    (a family already reminded today is skipped: `cle_unicite`)."""
    jour = timezone.localdate().isoformat()
    envoyes = 0
    with transaction.atomic():
        for dossier in dossiers:
            phase, fermeture = echeance(dossier, campagne)
            lignes = Rappel.envoyer(
                dossier=dossier,
                contexte={"phase": phase, "date_fermeture": fermeture},
                cle_unicite=f"rappel-manuel:{dossier.pk}:{jour}",
            )
            if lignes:
                envoyes += 1
                Evenement.objects.create(
                    dossier=dossier,
                    etablissement=etablissement,
                    acteur=acteur,
                    action="rappel_envoye",
                    etat_avant=dossier.etat,
                    etat_apres=dossier.etat,
                    adresse_ip=adresse_ip,
                    details={"phase": phase},
                )
    return envoyes
