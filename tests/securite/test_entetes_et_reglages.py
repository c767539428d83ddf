"""Headers and production settings (ANSSI, Django's deployment checklist), error pages, uploads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

RACINE = Path(__file__).resolve().parents[2]
# The test runner's own switches are not part of a production environment.
ENV = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}


def test_check_deploy_sans_avertissement_avec_l_environnement_de_production():
    """The same environment as .ci/run."""
    env = {
        **ENV,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "ci-" + "k7Q2xLmP9vR4tW8yZ1aB3cD5eF6gH0jN" * 2,
        "DJANGO_ALLOWED_HOSTS": "orientation.example",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_reglages_de_production():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT,"
        " s.DEBUG)"
    )
    env = {
        **ENV,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "orientation.example",
        "DJANGO_SETTINGS_MODULE": "orientation.settings",
    }
    sortie = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sortie.stdout.split() == ["True", "True", "True", "Lax", "True", "True", "False"], (
        sortie.stderr
    )


@pytest.mark.django_db
def test_entetes_de_securite(client):
    reponse = client.get(reverse("accounts:login"))
    csp = reponse["Content-Security-Policy"]
    assert "unsafe-inline" not in csp.split("style-src")[0] or "script-src" not in csp
    script = next(d for d in csp.split(";") if d.strip().startswith(("script-src", "default-src")))
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in csp or reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_hsts_en_https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    reponse = Client().get(reverse("accounts:login"), secure=True)
    assert reponse["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_erreur_generique_en_francais_avec_reference_sans_trace(settings, monkeypatch):
    """PostgreSQL unreachable during a request: a French error page with a support reference,
    no trace, nothing half-written."""
    from orientation.dialogue.models import Evenement
    from tests.factories import famille

    dossier, (rep, _) = famille(avis_publie=True)
    client = Client(raise_request_exception=False)
    client.force_login(rep.user)
    avant = Evenement.objects.count()

    from django.db.backends.utils import CursorWrapper

    original = CursorWrapper.execute

    def panne(self, sql, params=None):
        # The connection drops after the dossier's UPDATE, when the audit row is written.
        if "INSERT" in sql and "dialogue_evenement" in sql:
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return original(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", panne)
    reponse = client.post(reverse("dialogue:famille_accuse", args=[dossier.pk]))
    monkeypatch.undo()
    assert reponse.status_code == 500
    texte = reponse.content.decode()
    assert "Traceback" not in texte and "OperationalError" not in texte and "127.0.0.1" not in texte
    assert "référence" in texte.lower()
    assert Evenement.objects.count() == avant
    etat = dossier.etat
    dossier.refresh_from_db()
    assert dossier.etat == etat == "avis_publie"


def test_limites_des_envois(settings):
    from orientation import settings as module

    assert module.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert module.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert module.SIECLE_MAX_UPLOAD_BYTES <= 50 * 1024 * 1024
    exemple = (RACINE / ".env.example").read_text()
    assert "SIECLE_MAX_UPLOAD_BYTES" in exemple
