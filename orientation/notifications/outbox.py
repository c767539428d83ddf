"""Writing e-mails to the outbox. Domain apps declare one small class per event in their
`courriels.py` (loaded at startup by NotificationsConfig.ready) and call `envoyer()` inside the
transaction of the change that causes it; `notifications` imports none of them (ARCHITECTURE.md
rule 6)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification
from .tasks import planifier_envois, preparer_envois

REGISTRE: dict[str, type[Courriel]] = {}


@dataclass(frozen=True)
class Destinataire:
    nom: str
    email: str = ""
    user: object | None = None
    extra: dict = field(default_factory=dict)


def adresse_valide(email: str) -> bool:
    try:
        validate_email(email or "")
    except ValidationError:
        return False
    return True


def joignable(destinataires) -> bool:
    """Whether an e-mail to these recipients reaches anybody: one of them has a valid address
    (the others get a `sans_adresse` row)."""
    return any(adresse_valide(dest.email) for dest in destinataires)


def domaine_message_id() -> str:
    # Message-IDs name our own host, never a representative's address.
    return urlsplit(settings.SITE_URL).hostname or "orientation.invalid"


class Courriel:
    """One event's e-mail: its code, its templates and who receives it.

    Templates live in `<gabarits>/` (default `notifications/<code>/`) as `objet.txt`, `corps.txt`
    and `corps.html`; the HTML extends `notifications/base_courriel.html` (lang="fr", plain layout,
    real link texts). Subclasses declare who receives it by overriding `destinataires()`, or the
    caller passes them.
    """

    code: ClassVar[str]
    description: ClassVar[str] = ""
    gabarits: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "code", None):
            REGISTRE[cls.code] = cls

    @classmethod
    def destinataires(cls, **contexte) -> Iterable[Destinataire]:
        raise NotImplementedError(f"{cls.__name__} : les destinataires doivent être fournis.")

    @classmethod
    def contexte_commun(cls) -> dict:
        return {
            "site_url": settings.SITE_URL,
            "service": settings.ORIENTATION_SERVICE_NAME,
            "assistance": settings.ORIENTATION_SUPPORT_EMAIL,
        }

    @classmethod
    def rendre(cls, contexte: dict) -> tuple[str, str, str]:
        base = cls.gabarits or f"notifications/{cls.code}"
        ctx = {**cls.contexte_commun(), **contexte}
        # Rendered in French whatever the request's language: the row keeps what was sent.
        with translation.override("fr"):
            sujet = " ".join(render_to_string(f"{base}/objet.txt", ctx).split())[:300]
            ctx["sujet"] = sujet
            texte = render_to_string(f"{base}/corps.txt", ctx).strip() + "\n"
            html = render_to_string(f"{base}/corps.html", ctx)
        return sujet, re.sub(r"\n{3,}", "\n\n", texte), html

    @classmethod
    def envoyer(cls, **kwargs) -> list[Notification]:
        return envoyer(cls, **kwargs)

    @classmethod
    def envoyer_lot(cls, envois: Iterable[Envoi]) -> list[list[Notification]]:
        return envoyer_lot(cls, envois)


@dataclass(frozen=True)
class Envoi:
    """One event's e-mail to write: about `dossier`, with `contexte`, to `destinataires` (None:
    the e-mail's own `destinataires()`), once for `cle_unicite` when given."""

    contexte: dict = field(default_factory=dict)
    destinataires: Iterable[Destinataire] | None = None
    dossier: object = None
    cle_unicite: str | None = None


def envoyer(
    courriel: type[Courriel],
    *,
    contexte: dict | None = None,
    destinataires: Iterable[Destinataire] | None = None,
    dossier=None,
    cle_unicite: str | None = None,
) -> list[Notification]:
    """Write one outbox row per recipient, in the caller's transaction, and enqueue delivery.

    A recipient without a valid address gets a row marked `sans_adresse`, so staff can see it.
    `cle_unicite` makes the event happen once (the suffix `:<n>` is added per recipient); rows
    already written for it are skipped. Returns the rows written by this call.
    """
    envoi = Envoi(contexte or {}, destinataires, dossier, cle_unicite)
    return envoyer_lot(courriel, [envoi])[0]


def envoyer_lot(courriel: type[Courriel], envois: Iterable[Envoi]) -> list[list[Notification]]:
    """envoyer() for many events of one e-mail (a reminder to a list of families) with a fixed
    number of queries: the rows written for each envoi, in order."""
    maintenant = timezone.now()
    domaine = domaine_message_id()
    par_envoi = []
    for envoi in envois:
        destinataires = envoi.destinataires
        if destinataires is None:
            destinataires = courriel.destinataires(dossier=envoi.dossier, **envoi.contexte)
        par_envoi.append(
            [
                _ligne(courriel, envoi, index, dest, maintenant, domaine)
                for index, dest in enumerate(destinataires)
            ]
        )
    rows = [row for lignes in par_envoi for row in lignes]
    preparer_envois([row for row in rows if row.statut == Notification.Statut.EN_ATTENTE])
    # Inside the caller's transaction, no savepoint of its own (two round trips for nothing): an
    # error here rolls the whole business change back, e-mails included.
    with transaction.atomic(savepoint=False):
        ecrites = _ecrire(rows)
        planifier_envois([row for row in ecrites if row.statut == Notification.Statut.EN_ATTENTE])
    # Rows are compared by identity: unsaved ones have no primary key to compare.
    ids_ecrites = {id(row) for row in ecrites}
    return [[row for row in lignes if id(row) in ids_ecrites] for lignes in par_envoi]


def _ligne(courriel, envoi: Envoi, index: int, dest: Destinataire, maintenant, domaine):
    sujet, texte, html = courriel.rendre(
        {**envoi.contexte, "destinataire": dest, "dossier": envoi.dossier}
    )
    valide = adresse_valide(dest.email)
    return Notification(
        evenement=courriel.code,
        dossier=envoi.dossier,
        destinataire=dest.user,
        destinataire_nom=dest.nom[:200],
        destinataire_email=(dest.email or "")[:254],
        sujet=sujet,
        corps_texte=texte,
        corps_html=html,
        statut=Notification.Statut.EN_ATTENTE if valide else Notification.Statut.SANS_ADRESSE,
        # Fixed at creation, so that a message sent again after a crash between the SMTP
        # server's acceptance and our update carries the same Message-ID (duplicates can be
        # recognised and dropped by the receiving side).
        message_id=make_msgid(domain=domaine) if valide else "",
        prochain_essai=maintenant if valide else None,
        cle_unicite=f"{envoi.cle_unicite}:{index}" if envoi.cle_unicite else None,
    )


def _ecrire(rows: list[Notification]) -> list[Notification]:
    """Insert the rows, except those whose `cle_unicite` is already written (the event happens
    once, R15): the rows inserted. One insert for all of them (a reminder to a whole school).
    When the unique constraint refuses it (a family already reminded today), the keys taken are
    read and the others inserted again at once; should another transaction write one of them in
    between, each row is tried alone."""
    if not any(row.cle_unicite for row in rows):
        Notification.objects.bulk_create(rows, batch_size=500)
        return rows
    if _inserer(rows):
        return rows
    prises = _cles_prises([row.cle_unicite for row in rows if row.cle_unicite])
    restantes = [row for row in rows if row.cle_unicite not in prises]
    if _inserer(restantes):
        return restantes
    return [row for row in restantes if _inserer([row])]


def _inserer(rows: list[Notification]) -> bool:
    """Insert these rows in a savepoint: False, and nothing written, if a key is taken."""
    if not rows:
        return True
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        for row in rows:
            row.pk = None  # nothing of the refused insert was kept
        return False
    return True


def _cles_prises(cles: list[str]) -> set[str]:
    return set(
        Notification.objects.filter(cle_unicite__in=cles).values_list("cle_unicite", flat=True)
    )
