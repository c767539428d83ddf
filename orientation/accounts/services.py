"""Creating accounts (used by the SIECLE import and by staff pages) and changing their address."""

import re
import unicodedata

from django.db import transaction

from .models import User


def _ascii(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", texte.lower())


def identifiant_libre(prenom: str, nom: str) -> str:
    """A login identifier in the shape schools use: p.nom, then p.nom2, p.nom3…

    The identifiers made here are lower case, so the prefix search is case-sensitive and uses
    the column's pattern index (a case-insensitive one read the whole table: 10 ms an account at
    17,000 accounts, most of a SIECLE import); an identifier that differs only by case (an
    account made by hand) is still avoided, since logins compare without case."""
    base = f"{_ascii(prenom)[:1] or 'x'}.{_ascii(nom)[:30] or 'compte'}"
    pris = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    n = 1
    while True:
        candidat = base if n == 1 else f"{base}{n}"
        if candidat not in pris and not User.objects.filter(username__iexact=candidat).exists():
            return candidat
        n += 1


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
