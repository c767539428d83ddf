"""Writing e-mails to the outbox. Domain apps declare one small class per event and call
`envoyer()` inside the transaction of the change that causes it; `notifications` imports none of
them (ARCHITECTURE.md rule 6)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification

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


class Courriel:
    """One event's e-mail: its code and its templates.

    Templates live in `templates/notifications/<code>/` as `objet.txt`, `corps.txt`, `corps.html`;
    the HTML extends `notifications/base_courriel.html` (lang="fr", plain layout, real link texts).
    Subclasses declare who receives it by overriding `destinataires()`, or the caller passes them.
    """

    code: ClassVar[str]
    description: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "code", None):
            REGISTRE[cls.code] = cls

    @classmethod
    def destinataires(cls, **contexte) -> Iterable[Destinataire]:
        raise NotImplementedError(f"{cls.__name__} : les destinataires doivent être fournis.")

    @classmethod
    def rendre(cls, contexte: dict) -> tuple[str, str, str]:
        with translation.override("fr"):
            base = f"notifications/{cls.code}"
            ctx = {
                "site_url": settings.SITE_URL,
                "service": settings.ORIENTATION_SERVICE_NAME,
                **contexte,
            }
            sujet = " ".join(render_to_string(f"{base}/objet.txt", ctx).split())
            texte = render_to_string(f"{base}/corps.txt", ctx).strip() + "\n"
            html = render_to_string(f"{base}/corps.html", ctx)
        return sujet, re.sub(r"\n{3,}", "\n\n", texte), html


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
    `cle_unicite` makes the event happen once (the suffix `:<n>` is added per recipient).
    """
    contexte = contexte or {}
    if destinataires is None:
        destinataires = courriel.destinataires(dossier=dossier, **contexte)
    rows = []
    with transaction.atomic():
        for index, dest in enumerate(destinataires):
            sujet, texte, html = courriel.rendre(
                {**contexte, "destinataire": dest, "dossier": dossier}
            )
            valide = adresse_valide(dest.email)
            row = Notification(
                evenement=courriel.code,
                dossier=dossier,
                destinataire=dest.user,
                destinataire_nom=dest.nom,
                destinataire_email=dest.email or "",
                sujet=sujet,
                corps_texte=texte,
                corps_html=html,
                statut=Notification.Statut.EN_ATTENTE
                if valide
                else Notification.Statut.SANS_ADRESSE,
                cle_unicite=f"{cle_unicite}:{index}" if cle_unicite else None,
            )
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                if cle_unicite:
                    continue  # already written: the event happens once
                raise
            rows.append(row)
        a_envoyer = [r.pk for r in rows if r.statut == Notification.Statut.EN_ATTENTE]
        if a_envoyer:
            from .tasks import planifier_envoi

            for pk in a_envoyer:
                planifier_envoi(pk)
    return rows
