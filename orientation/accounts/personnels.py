"""Staff accounts of a school: created, changed and removed by its direction or secrétariat.

Every change is logged on the `orientation.audit.personnels` logger as one line of key=value
pairs, and sent as the `personnel_modifie` signal: dialogue writes it to the audit table
(Evenement), which accounts cannot import (ARCHITECTURE.md, dependencies point one way).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from orientation.etablissements.models import Personnel

from .activation import envoyer_activation
from .models import Role, User
from .services import creer_compte

audit = logging.getLogger("orientation.audit.personnels")

# Sent inside the change's transaction: kwargs action, etablissement, acteur, cible, ip, details.
personnel_modifie = Signal()


class ChangementImpossible(Exception):
    """The reason, in French."""


def journaliser(action: str, *, etablissement, acteur, cible, ip=None, **details) -> None:
    paires = " ".join(f"{k}={v!r}" for k, v in sorted(details.items()))
    audit.info(
        "action=%s etablissement=%s acteur=%s cible=%s adresse_ip=%s %s",
        action,
        etablissement.uai,
        acteur.pk,
        cible.pk,
        ip or "-",
        paires,
    )
    personnel_modifie.send(
        sender=Personnel,
        action=action,
        etablissement=etablissement,
        acteur=acteur,
        cible=cible,
        ip=ip,
        details=details,
    )


@transaction.atomic
def creer_personnel(
    etablissement, acteur, *, prenom, nom, email, role, divisions=(), ip=None
) -> Personnel:
    """A role in the school for the person with this address (their existing account, or a new
    one which receives an activation e-mail)."""
    comptes = list(User.objects.filter(email__iexact=email)[:2])
    if len(comptes) > 1:
        raise ChangementImpossible(
            _("Plusieurs comptes utilisent cette adresse : contactez l'administrateur.")
        )
    user = comptes[0] if comptes else creer_compte(prenom, nom, email)
    if Personnel.objects.filter(user=user, etablissement=etablissement, role=role).exists():
        raise ChangementImpossible(_("Cette personne a déjà ce rôle dans l'établissement."))
    poste = Personnel.objects.create(user=user, etablissement=etablissement, role=role)
    if role == Role.PROFESSEUR_PRINCIPAL:
        poste.divisions.set(divisions)
    if user.activated_at is None:
        envoyer_activation(user, email=email, etablissement=etablissement)
    journaliser(
        "personnel_cree",
        etablissement=etablissement,
        acteur=acteur,
        cible=user,
        ip=ip,
        role=role,
        divisions=sorted(d.code for d in divisions),
        nouveau_compte=not comptes,
    )
    return poste


@transaction.atomic
def modifier_divisions(poste: Personnel, acteur, divisions, ip=None) -> None:
    poste = Personnel.objects.select_for_update().get(pk=poste.pk)
    avant = sorted(d.code for d in poste.divisions.all())
    poste.divisions.set(divisions)
    journaliser(
        "personnel_divisions_modifiees",
        etablissement=poste.etablissement,
        acteur=acteur,
        cible=poste.user,
        ip=ip,
        role=poste.role,
        avant=avant,
        apres=sorted(d.code for d in divisions),
    )


@transaction.atomic
def retirer_role(poste: Personnel, acteur, ip=None) -> None:
    # Nobody removes their own role: a school cannot lock its last manager out by mistake.
    if poste.user_id == acteur.pk:
        raise ChangementImpossible(
            _("Vous ne pouvez pas retirer votre propre rôle : demandez-le à un collègue.")
        )
    poste = Personnel.objects.select_for_update().get(pk=poste.pk)
    divisions = sorted(d.code for d in poste.divisions.all())
    poste.delete()
    journaliser(
        "personnel_role_retire",
        etablissement=poste.etablissement,
        acteur=acteur,
        cible=poste.user,
        ip=ip,
        role=poste.role,
        divisions=divisions,
    )
