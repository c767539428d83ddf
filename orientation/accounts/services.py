"""Creating accounts (used by the SIECLE import and by staff pages) and changing their address."""

import re
import unicodedata
from itertools import batched

from django.db import transaction
from django.db.models.functions import Upper

from .models import User


def _ascii(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", texte.lower())


def identifiant_libre(prenom: str, nom: str) -> str:
    """A login identifier in the shape schools use: p.nom, then p.nom2, p.nom3…"""
    return identifiants_libres([(prenom, nom)])[0]


def identifiants_libres(noms: list[tuple[str, str]]) -> list[str]:
    """The identifiers of accounts created one after the other for these (prenom, nom), in order:
    two Jean Martin get j.martin and j.martin2. Two queries for up to 500 names, not a few per
    name: the SIECLE import creates thousands of accounts.

    The identifiers made here are lower case, so the prefix search is case-sensitive and uses
    the column's pattern index (a case-insensitive one read the whole table: 10 ms an account at
    17,000 accounts, most of a SIECLE import); an identifier that differs only by case (an
    account made by hand) is still avoided, since logins compare without case: the chosen ones
    are checked through the UPPER(username) index and chosen again past any such account."""
    if not noms:
        return []
    bases = [f"{_ascii(prenom)[:1] or 'x'}.{_ascii(nom)[:30] or 'compte'}" for prenom, nom in noms]
    pris = set()
    # One index scan per prefix, joined by UNION ALL: a single scan filtered by an OR of hundreds
    # of prefixes reads the whole table. 500: SQLite's limit of terms in a compound SELECT.
    for lot in batched(sorted(set(bases)), 500):
        prefixes = [
            User.objects.filter(username__startswith=b).values_list("username", flat=True)
            for b in lot
        ]
        pris.update(prefixes[0].union(*prefixes[1:], all=True))
    while True:
        choisis = []
        for base in bases:
            n = 1
            while (candidat := base if n == 1 else f"{base}{n}") in pris:
                n += 1
            pris.add(candidat)
            choisis.append(candidat)
        autre_casse = {
            username.lower()
            for username in User.objects.alias(maj=Upper("username"))
            .filter(maj__in=[c.upper() for c in choisis])
            .values_list("username", flat=True)
        }
        if not autre_casse:
            return choisis
        pris = (pris - set(choisis)) | autre_casse


def _nouveau_compte(prenom: str, nom: str, email: str, username: str) -> User:
    user = User(username=username, first_name=prenom[:150], last_name=nom[:150], email=email or "")
    user.set_unusable_password()
    return user


def creer_compte(prenom: str, nom: str, email: str = "") -> User:
    """An account that cannot log in until its owner activates it (link or letter code)."""
    user = _nouveau_compte(prenom, nom, email, identifiant_libre(prenom, nom))
    user.save()
    return user


def creer_comptes(personnes: list[tuple[str, str, str]]) -> list[User]:
    """`creer_compte` for each (prenom, nom, email), in order, in three queries: the SIECLE import
    creates its accounts by batches."""
    identifiants = identifiants_libres([(prenom, nom) for prenom, nom, _email in personnes])
    return User.objects.bulk_create(
        _nouveau_compte(prenom, nom, email, username)
        for (prenom, nom, email), username in zip(personnes, identifiants, strict=True)
    )


def changer_adresse(user: User, email: str) -> None:
    """R13: the address a representative adds or corrects in their profile is where the
    confirmations go: the account's, and that of each of their Responsable rows (one per school)."""
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        user.responsables.update(email=email)
