"""Single-use, expiring links (Django's token generator).

A token hashes the user's password hash and last login: once the person has chosen a password (or
logged in) the link stops working. It expires after settings.PASSWORD_RESET_TIMEOUT. Activation
and reset use different salts, so that one kind of link cannot stand for the other.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


class JetonActivation(PasswordResetTokenGenerator):
    key_salt = "orientation.accounts.jetons.JetonActivation"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.activated_at}"


class JetonReinitialisation(PasswordResetTokenGenerator):
    key_salt = "orientation.accounts.jetons.JetonReinitialisation"


jeton_activation = JetonActivation()
jeton_reinitialisation = JetonReinitialisation()


def lien(url_name: str, generateur: PasswordResetTokenGenerator, user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    chemin = reverse(url_name, args=[uidb64, generateur.make_token(user)])
    return f"{settings.SITE_URL}{chemin}"


def utilisateur_du_lien(
    uidb64: str, token: str, generateur: PasswordResetTokenGenerator
) -> User | None:
    """The account a link designates, or None when the link is unknown, used or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not generateur.check_token(user, token):
        return None
    return user
