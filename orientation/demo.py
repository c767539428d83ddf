"""`make demo`: a fictitious lycée built through the real SIECLE importer, an open campaign, the web
server, the task worker and a local SMTP server, on SQLite. Running it again starts from scratch.

Usage: python -m orientation.demo [--port 8000] [--no-serve]
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_DIR = BASE_DIR / "var" / "demo"


def _port_libre(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _premier_port_libre(depart: int) -> int:
    port = depart
    while not _port_libre(port):
        port += 1
    return port


def attendre_le_service(port: int, serveur: subprocess.Popen, delai: float = 60) -> bool:
    """True once the web server accepts connections on `port`: the address announced before that
    led a newcomer who clicked at once to a refused connection. False if the server stopped or
    `delai` seconds passed."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if not _port_libre(port):
            return True
        if serveur.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="construire la démo sans la lancer")
    args = parser.parse_args()

    port = _premier_port_libre(args.port)
    smtp_port = _premier_port_libre(1025)
    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)  # a clean demo every time
    DEMO_DIR.mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DEMO_DIR / 'orientation.sqlite3'}",
        "ORIENTATION_VAR_DIR": str(DEMO_DIR),
        "ORIENTATION_DEMO": "true",
        "DJANGO_DEBUG": "true",
        "SITE_URL": f"http://localhost:{port}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]

    def run(*cmd: str) -> None:
        subprocess.run([*manage, *cmd], env=env, check=True, cwd=BASE_DIR)

    print("→ Base de données de démonstration (SQLite)…", flush=True)
    run("migrate", "--no-input", "-v", "0")
    print("→ Lycée fictif : fichiers SIECLE, import, campagne, comptes…", flush=True)
    run("construire_demo", "--dossier", str(DEMO_DIR), "--port", str(port))
    if args.no_serve:
        return 0

    log = (DEMO_DIR / "services.log").open("a")
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{smtp_port}",
                "-c",
                "aiosmtpd.handlers.Sink",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=log,
        ),
        subprocess.Popen(
            [*manage, "db_worker", "--interval", "1", "--no-reload", "--queue-name", "*"],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=log,
        ),
        subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=log,
        ),
    ]

    def arreter(*_, code=0):
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(code)

    if not attendre_le_service(port, procs[-1]):
        print(f"Le serveur web n'a pas démarré ; voir {DEMO_DIR / 'services.log'}", file=sys.stderr)
        arreter(code=1)
    minutes = int(env.get("SESSION_IDLE_TIMEOUT", "1800")) / 60
    print(
        f"\nFin de session après {minutes:g} min sans activité, annoncée deux minutes avant "
        "(« Rester connecté ») ; pour la voir sans attendre : SESSION_IDLE_TIMEOUT=180 make demo."
    )
    print(f"Le service tourne sur http://localhost:{port}/ (Ctrl-C pour arrêter).")
    print(f"Journal des services : {DEMO_DIR / 'services.log'}\n", flush=True)

    signal.signal(signal.SIGINT, arreter)
    signal.signal(signal.SIGTERM, arreter)
    while True:
        for p in procs:
            if p.poll() is not None:
                print(
                    f"Un service s'est arrêté ({p.args[2] if len(p.args) > 2 else p.args}) ; "
                    f"voir {DEMO_DIR / 'services.log'}",
                    file=sys.stderr,
                )
                arreter()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
