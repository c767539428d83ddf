"""Creating accounts (used by the SIECLE import and by staff pages) and changing their address."""

import re
import unicodedata

from django.db import transaction

from .models import User


def _ascii(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", texte.lower())


def identifiant_libre(prenom: str, nom: str) -> str:
    """A login identifier in the shape schools use: p.nom, then p.nom2, p.nom3…"""
    base = f"{_ascii(prenom)[:1] or 'x'}.{_ascii(nom)[:30] or 'compte'}"
    existants = set(
        User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    )
    if base not in existants:
        return base
    n = 2
    while f"{base}{n}" in existants:
        n += 1
    return f"{base}{n}"


def creer_compte(prenom: str, nom: str, email: str = "") -> User:
    """An account that cannot log in until its owner activates it (link or letter code)."""
    user = User(
        username=identifiant_libre(prenom, nom),
        first_name=prenom[:150],
        last_name=nom[:150],
        email=email or "",
    )
    user.set_unusable_password()
    user.save()
    return user


def changer_adresse(user: User, email: str) -> None:
    """R13: the address a representative adds or corrects in their profile is where the
    confirmations go: the account's, and that of each of their Responsable rows (one per school)."""
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        user.responsables.update(email=email)
