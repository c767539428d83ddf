"""Uploaded SIECLE files kept between the preview and the confirmation.

They live under MEDIA_ROOT/imports/<random token>/, never under a name the browser chose, and are
removed once imported, cancelled, or a day old.
"""

import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
DUREE_MAX = 24 * 3600


def _racine() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _dossier(token: str) -> Path | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return _racine() / token


def deposer(fichiers) -> str:
    """Store uploaded files; return the token naming them."""
    nettoyer()
    token = secrets.token_urlsafe(32)
    dossier = _racine() / token
    dossier.mkdir(parents=True, mode=0o700)
    for i, fichier in enumerate(fichiers):
        extension = ".zip" if fichier.name.lower().endswith(".zip") else ".xml"
        with (dossier / f"{i:02d}{extension}").open("wb") as sortie:
            for morceau in fichier.chunks():
                sortie.write(morceau)
    return token


def chemins(token: str) -> list[Path]:
    dossier = _dossier(token)
    if dossier is None or not dossier.is_dir():
        return []
    return sorted(dossier.iterdir())


def supprimer(token: str) -> None:
    dossier = _dossier(token)
    if dossier is not None:
        shutil.rmtree(dossier, ignore_errors=True)


def nettoyer() -> None:
    """Remove the deposits nobody confirmed."""
    racine = _racine()
    if not racine.is_dir():
        return
    limite = time.time() - DUREE_MAX
    for dossier in racine.iterdir():
        if dossier.is_dir() and dossier.stat().st_mtime < limite:
            shutil.rmtree(dossier, ignore_errors=True)
