"""Fault: the application server killed (SIGKILL) under load, then restarted (docs/securite.md,
« Pannes »).

A real gunicorn (2 workers × 4 threads) serves the test database; one thread per family posts the
wish form again and again (the list alternates, so each validation really changes it), then the
whole server process group is killed in the middle of the load. The database must then hold, for
every family, exactly what the server confirmed (the 302 to the récapitulatif is sent after the
commit), or that plus the one validation in flight when the server died: never a half-written list
(voeux without their spécialités, a Saisie whose fingerprint is not the list, a validation without
its Evenement or its confirmation e-mail). The restarted server finds no lock left behind.

`serveur_lent.py` slows the transaction down (a pause after the row lock and after the list is
written) so that the kill lands inside open transactions. Needs PostgreSQL: skipped on SQLite.
"""

import http.client
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from orientation.campagnes.models import Phase
from orientation.dialogue import regles, workflow
from orientation.dialogue.models import Dossier, Etat, Evenement, Saisie, Voeu
from orientation.notifications.models import Notification
from tests.dialogue.test_famille_saisie import GENERALE_4, STI2D, STMG, liste
from tests.factories import CampagneFactory, famille

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACINE = Path(__file__).resolve().parents[2]
NB_FAMILLES = 12
CONFIRMEES_AVANT_LE_KILL = 30  # the kill comes once this many validations were confirmed
# Each validation replaces the list with the other one: (POST data, codes, spécialités per voeu).
LISTES = [
    (liste(GENERALE_4, STMG), ["GENERALE", "STMG"], [4, 0]),
    (liste(STI2D), ["STI2D"], [0]),
]
CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


@pytest.fixture(autouse=True)
def _postgresql_seulement():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


# --- the server ---------------------------------------------------------------------------------


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serveur:
    """gunicorn in its own process group (master and workers), on the test database."""

    def __init__(self, journal: Path, pause: float):
        self.port = _port_libre()
        reglages = connection.settings_dict
        base = (
            f"postgres://{reglages['USER']}@{reglages['HOST'] or '127.0.0.1'}:"
            f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "orientation.settings",
            "DATABASE_URL": base,
            "DJANGO_DEBUG": "0",
            "AXES_ENABLED": "0",
            "LOG_LEVEL": "WARNING",
            "ORIENTATION_VAR_DIR": str(journal.parent),
            "ORIENTATION_TEST_PAUSE": str(pause),
        }
        commande = [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.securite.serveur_lent:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--preload",
            "--log-level",
            "warning",
        ]
        with journal.open("ab") as sortie:
            self.proc = subprocess.Popen(
                commande,
                cwd=RACINE,
                env=env,
                stdout=sortie,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one killpg reaches every worker
            )
        self.journal = journal
        limite = time.monotonic() + 45  # a loaded CI machine
        while time.monotonic() < limite:
            if self.proc.poll() is not None:
                break
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/sante/")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.arreter()
        pytest.fail(f"gunicorn n'a pas démarré :\n{journal.read_text()[-3000:]}")

    def tuer(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def arreter(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.tuer()


def _poster(port: int, session: str, chemin: str, donnees: dict) -> tuple[int, str]:
    corps = urlencode({**donnees, "csrfmiddlewaretoken": CSRF}, doseq=True)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        c.request(
            "POST",
            chemin,
            body=corps,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            },
        )
        reponse = c.getresponse()
        reponse.read()
        return reponse.status, reponse.getheader("Location") or ""
    finally:
        c.close()


# --- the families -------------------------------------------------------------------------------


@dataclass
class Famille:
    dossier: Dossier
    session: str
    url: str
    recapitulatif: str
    confirmees: int = 0  # validations answered by the 302 to the récapitulatif
    en_vol: bool = False  # a request was cut by the kill: it may or may not have been committed
    inattendus: list = field(default_factory=list)


def _familles() -> list[Famille]:
    campagne = CampagneFactory()
    familles = []
    for _ in range(NB_FAMILLES):
        dossier, (r,) = famille(campagne, representants=1)
        client = Client()
        client.force_login(r.user)  # the session row is committed: the server reads it
        familles.append(
            Famille(
                dossier=dossier,
                session=client.cookies["sessionid"].value,
                url=reverse("dialogue:famille_intentions", args=[dossier.pk]),
                recapitulatif=reverse(
                    "dialogue:famille_recapitulatif", args=[dossier.pk, "intentions"]
                ),
            )
        )
    return familles


def _charger(port: int, f: Famille, arret: threading.Event) -> None:
    """Validate again and again until the server stops answering."""
    while not arret.is_set():
        donnees, _codes, _spe = LISTES[f.confirmees % 2]
        try:
            statut, location = _poster(port, f.session, f.url, donnees)
        except ConnectionRefusedError:
            return  # the server is gone: this request never reached it
        except (OSError, http.client.HTTPException):
            f.en_vol = True  # cut while the server worked on it
            return
        if statut == 302 and location == f.recapitulatif:
            f.confirmees += 1
        else:
            f.inattendus.append((statut, location))
            return


def _etat_en_base(f: Famille):
    dossier = Dossier.objects.get(pk=f.dossier.pk)
    saisie = Saisie.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE).first()
    voeux = list(
        Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE)
        .select_related("voie")
        .prefetch_related("specialites")
        .order_by("rang")
    )
    return dossier, saisie, voeux


def _verifier_coherence(f: Famille, validations_possibles: set[int]) -> int:
    """The dossier holds a whole validation whose number is in `validations_possibles` (0: none
    at all). Returns that number."""
    dossier, saisie, voeux = _etat_en_base(f)
    faites = saisie.nb_validations if saisie else 0
    assert faites in validations_possibles, (f, faites)
    evenements = Evenement.objects.filter(dossier=dossier, action="valider_intentions").count()
    confirmations = Notification.objects.filter(dossier=dossier, evenement="confirmation").count()
    # Each committed validation wrote its list, its Saisie, its Evenement and its e-mail together.
    assert evenements == confirmations == faites, (f, faites, evenements, confirmations)
    if faites == 0:
        assert voeux == [] and dossier.etat == Etat.INTENTIONS_OUVERTES, f
        return 0
    _donnees, codes, nb_specialites = LISTES[(faites - 1) % 2]
    assert [v.voie.code for v in voeux] == codes, (f, faites)
    assert [v.rang for v in voeux] == list(range(1, len(codes) + 1))
    assert [len(v.specialites.all()) for v in voeux] == nb_specialites, f
    # The Saisie describes exactly the list in the database.
    saisis = [
        regles.VoeuSaisi(
            v.voie.famille, v.voie.code, tuple(s.code for s in v.specialites.all()), v.option_pro
        )
        for v in voeux
    ]
    assert saisie.empreinte == workflow._empreinte(saisis), f
    assert dossier.etat == Etat.INTENTIONS_VALIDEES and dossier.titulaire_intentions_id, f
    return faites


def test_serveur_tue_sous_charge_chaque_validation_confirmee_est_en_base(tmp_path):
    familles = _familles()
    journal = tmp_path / "gunicorn.log"
    serveur = Serveur(journal, pause=0.05)
    try:
        arret = threading.Event()
        fils = [
            threading.Thread(target=_charger, args=(serveur.port, f, arret), daemon=True)
            for f in familles
        ]
        for f in fils:
            f.start()
        limite = time.monotonic() + 30  # a cap only: ~3 s on an idle machine
        while (
            sum(f.confirmees for f in familles) < CONFIRMEES_AVANT_LE_KILL
            and time.monotonic() < limite
        ):
            time.sleep(0.01)
        serveur.tuer()  # SIGKILL to master and workers, requests in flight
        arret.set()
        for f in fils:
            f.join(timeout=25)
    finally:
        serveur.arreter()

    assert not any(f.inattendus for f in familles), [f.inattendus for f in familles]
    assert sum(f.confirmees for f in familles) >= CONFIRMEES_AVANT_LE_KILL, journal.read_text()
    assert any(f.en_vol for f in familles), "the kill should cut requests in flight"

    for f in familles:
        # What was confirmed is there; the request in flight is there whole, or not at all.
        possibles = {f.confirmees, f.confirmees + 1} if f.en_vol else {f.confirmees}
        _verifier_coherence(f, possibles)

    # Restarted: every family validates again at once (no lock left by the dead workers) and
    # reads its récapitulatif.
    serveur = Serveur(journal, pause=0)
    try:
        avant = {
            f.dossier.pk: _verifier_coherence(f, {f.confirmees, f.confirmees + 1}) for f in familles
        }
        reponses = {}

        def revalider(f):
            donnees, _codes, _spe = LISTES[avant[f.dossier.pk] % 2]
            reponses[f.dossier.pk] = _poster(serveur.port, f.session, f.url, donnees)

        fils = [threading.Thread(target=revalider, args=(f,)) for f in familles]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=25)
        for f in familles:
            assert reponses[f.dossier.pk] == (302, f.recapitulatif)
            n = avant[f.dossier.pk] + 1
            assert _verifier_coherence(f, {n}) == n
        f = familles[0]
        c = http.client.HTTPConnection("127.0.0.1", serveur.port, timeout=20)
        c.request("GET", f.recapitulatif, headers={"Cookie": f"sessionid={f.session}"})
        reponse = c.getresponse()
        assert reponse.status == 200
        assert "Récapitulatif" in reponse.read().decode()
    finally:
        serveur.arreter()
