"""Notifications benchmark (never run by `make test`).

1. Time to enqueue N notifications through the real outbox (`envoyer()`: render the three
   templates per recipient, then one bulk insert of the rows and one of their tasks), in
   transactions of `--lot` rows, like a reminder campaign (X) would.
2. E-mails delivered per second by ONE `db_worker` process to a local SMTP server (aiosmtpd on
   loopback, accepting everything), one SMTP connection per e-mail as in production.

Usage: python -m bench.notifications [--nombre 100000] [--envois 2000] [--lot 1000]
       DATABASE_URL=postgres://… python -m bench.notifications   (default: a throwaway SQLite file)
Results go to docs/performance.md by hand, with the machine they were measured on.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Compteur:
    def __init__(self):
        self.recus = 0

    async def handle_DATA(self, server, session, envelope):
        self.recus += 1
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nombre", type=int, default=100_000, help="notifications à écrire")
    parser.add_argument("--envois", type=int, default=2_000, help="courriels à livrer")
    parser.add_argument("--lot", type=int, default=1_000, help="lignes par transaction")
    args = parser.parse_args()

    dossier_tmp = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    smtp_port = port_libre()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{dossier_tmp / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "orientation.settings",
            "ORIENTATION_VAR_DIR": str(dossier_tmp),
            "DJANGO_DEBUG": "false",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from orientation.dialogue.courriels import Rappel
    from orientation.notifications.models import Notification
    from orientation.notifications.outbox import Destinataire, envoyer

    print(f"Base : {connection.vendor} — {os.environ['DATABASE_URL'].split('@')[-1]}")
    call_command("migrate", "--no-input", verbosity=0)
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()

    contexte = {"prenom_eleve": "Léa", "etablissement": None, "phase": "definitive"}

    def ecrire(nombre: int) -> float:
        debut = time.perf_counter()
        ecrits = 0
        while ecrits < nombre:
            taille = min(args.lot, nombre - ecrits)
            with transaction.atomic():
                envoyer(
                    Rappel,
                    contexte=contexte,
                    destinataires=[
                        Destinataire(
                            nom=f"Parent {ecrits + i}", email=f"parent{ecrits + i}@exemple.fr"
                        )
                        for i in range(taille)
                    ],
                )
            ecrits += taille
        return time.perf_counter() - debut

    # 1. Enqueue.
    duree = ecrire(args.nombre)
    print(
        f"Mise en file de {args.nombre} notifications : {duree:.1f} s "
        f"({args.nombre / duree:.0f} par seconde, lots de {args.lot})"
    )

    # 2. Delivery by one worker.
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    ecrire(args.envois)
    compteur = Compteur()
    controller = Controller(compteur, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        debut = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "manage.py"),
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0",
                "-v",
                "0",
            ],
            check=True,
            env=os.environ,
            cwd=BASE_DIR,
        )
        duree = time.perf_counter() - debut
    finally:
        controller.stop()
    envoyes = Notification.objects.filter(statut=Notification.Statut.ENVOYE).count()
    print(
        f"Livraison par un worker : {envoyes}/{args.envois} courriels en {duree:.1f} s "
        f"({envoyes / duree:.0f} par seconde ; reçus par le serveur SMTP : {compteur.recus})"
    )
    return 0 if envoyes == args.envois == compteur.recus else 1


if __name__ == "__main__":
    sys.exit(main())
