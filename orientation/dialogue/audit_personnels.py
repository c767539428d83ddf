"""Staff-account changes in the audit table (ASVS V7.1.3): accounts announces them, dialogue,
which owns Evenement, records them in the same transaction."""

import json

from django.dispatch import receiver

from orientation.accounts.personnels import personnel_modifie

from .models import Evenement


@receiver(personnel_modifie, dispatch_uid="evenement_personnel")
def enregistrer(sender, action, etablissement, acteur, cible, ip, details, **kwargs):
    Evenement.objects.create(
        etablissement=etablissement,
        acteur=acteur,
        action=action[:60],
        adresse_ip=ip or None,
        details={"cible": cible.pk, **json.loads(json.dumps(details, default=str))},
    )
