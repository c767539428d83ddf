"""A real SMTP server on loopback for the tests (ARCHITECTURE.md rule 6), reusable by any test
file: request the `serveur_smtp` fixture (it points MAILERS at it) and, to have the tasks written
to the database and run by `db_worker`, the `taches_en_base` fixture."""

import email
import email.policy
import socket
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


@dataclass
class MessageRecu:
    expediteur: str
    destinataires: list[str]
    message: email.message.EmailMessage

    @property
    def sujet(self) -> str:
        return str(self.message["Subject"])

    def corps(self, type_mime: str = "text/plain") -> str:
        partie = self.message.get_body(preferencelist=(type_mime.split("/")[1],))
        return partie.get_content() if partie is not None else ""


class Boite:
    """An aiosmtpd handler that keeps every message; addresses in `refuser` get a 550."""

    def __init__(self):
        self.messages: list[MessageRecu] = []
        self.refuser: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuser:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(MessageRecu(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeurSMTP:
    def __init__(self, port: int):
        self.port = port
        self.boite = Boite()
        self._controller = None

    @property
    def messages(self) -> list[MessageRecu]:
        return self.boite.messages

    def demarrer(self):
        if self._controller is None:
            self._controller = Controller(self.boite, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def arreter(self):
        # Nothing listens on the port any more: connections are refused, as with a server down.
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def serveur_smtp(settings):
    serveur = ServeurSMTP(port_libre())
    serveur.demarrer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": serveur.port, "timeout": 5},
        }
    }
    yield serveur
    serveur.arreter()


@pytest.fixture
def taches_en_base(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
