"""The e-mails of accounts (ARCHITECTURE.md rule 6): activation and password reset.

Templates: orientation/notifications/templates/notifications/<code>/. The caller passes the one
recipient; the link in the body is single-use and expires (jetons.py).
"""

from orientation.notifications.outbox import Courriel


class Activation(Courriel):
    """X: a staff action opens the account. Context: `lien`, `identifiant`, `expire_le`,
    optionally `etablissement`."""

    code = "activation"
    description = "Activation du compte"


class Reinitialisation(Courriel):
    """X: the person asked for a new password. Context: `lien`, `identifiant`, `expire_le`."""

    code = "reinitialisation"
    description = "Réinitialisation du mot de passe"
