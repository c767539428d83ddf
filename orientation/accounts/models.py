import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESPONSABLE = "responsable", _("Représentant légal")
    ELEVE = "eleve", _("Élève")
    PROFESSEUR_PRINCIPAL = "professeur_principal", _("Professeur principal")
    CHEF_ETABLISSEMENT = "chef_etablissement", _("Chef d'établissement")
    ADJOINT = "adjoint", _("Adjoint au chef d'établissement")
    SECRETARIAT = "secretariat", _("Secrétariat")


class User(AbstractUser):
    """An account. What it may see comes from what it is linked to (Responsable, Eleve, Personnel).

    `username` is the login identifier printed on activation letters; people may also log in with
    their e-mail address.
    """

    email = models.EmailField(_("adresse électronique"), blank=True)
    # Set once the person chose a password through an activation link or code.
    activated_at = models.DateTimeField(_("activé le"), null=True, blank=True)
    # When the last activation e-mail was written to the outbox (the families' accounts page).
    activation_envoyee_le = models.DateTimeField(
        _("courriel d'activation envoyé le"), null=True, blank=True
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        # Logins, activation and reset look accounts up with `__iexact`, which PostgreSQL runs
        # as UPPER(column) = UPPER(value): without these, every login read the whole table
        # (docs/performance.md, Index).
        indexes = [
            models.Index(models.functions.Upper("username"), name="user_username_upper"),
            models.Index(models.functions.Upper("email"), name="user_email_upper"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class Session(AbstractBaseSession):
    """A session, as Django's database sessions keep it, with the account signed in to it, so that
    each request reads both by one query (accounts/sessions.py; docs/performance.md). `compte` is
    written from the session's data at each save; without a database constraint, so that saving
    a session can never fail on it, and the ORM still deletes an account's sessions with it."""

    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"


def _hash_code(code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(f"{settings.SECRET_KEY}:{normalized}".encode()).hexdigest()


class ActivationCode(models.Model):
    """A code printed on a paper letter for representatives without an e-mail address.

    Only its hash is stored; it is single-use and expires.
    """

    ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code d'activation")
        verbose_name_plural = _("codes d'activation")

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a new code for `user`, revoking the previous ones, and return it in clear once."""
        cls.objects.filter(user=user, used_at__isnull=True).delete()
        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(12))
        cls.objects.create(
            user=user,
            code_hash=_hash_code(raw),
            expires_at=timezone.now() + timedelta(days=settings.ACTIVATION_CODE_VALIDITY_DAYS),
        )
        return "-".join(raw[i : i + 4] for i in range(0, 12, 4))

    @classmethod
    def find_valid(cls, code: str) -> "ActivationCode | None":
        return (
            cls.objects.select_related("user")
            .filter(code_hash=_hash_code(code), used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
