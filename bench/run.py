"""`make bench`: the load benchmark (docs/performance.md).

    python -m bench.run            # académie base (50,000 pupils), 90 s of load, volume benches
    python -m bench.run --quick    # under two minutes: reuses the base (or builds 6,000 pupils)

Builds (once) the bench base in its own PostgreSQL database (orientation_bench, never a test
database), starts gunicorn with the production settings on the loopback, then in the same run
against the same server: the minimal view's rate (/sante/), the family dossier page's rate, the
mixed journey of representatives, professeurs principaux and heads, with the CPU share of the app,
the database and the generator. The last line is the summary:

    ratio=<family pages / minimal view> rps=<mixed journey requests/s> p95_ms=<…> errors=<…>
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
VAR = Path(__file__).resolve().parent / "var"
BASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orientation_bench"
)
# Each run works on a fresh copy of the base (CREATE DATABASE … TEMPLATE), dropped afterwards:
# every run starts from the same data, whatever the previous ones wrote.
ESSAI_URL = BASE_URL + "_essai"
SERVEUR_URL = BASE_URL.rsplit("/", 1)[0] + "/postgres"
TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU accounting from /proc -------------------------------------------------------------------


def _cpu_pid(pid: int) -> float:
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(champs[11]) + int(champs[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _enfants(pid: int) -> list[int]:
    res = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    res.append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    return res


def _cpu_machine() -> float:
    champs = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    total = sum(int(x) for x in champs)
    oisif = int(champs[3]) + int(champs[4])
    return (total - oisif) / TICKS


def _pids_postgres() -> list[int]:
    """The server processes of the run's copy of the base (the app's connections)."""
    import psycopg

    with psycopg.connect(ESSAI_URL, autocommit=True) as c:
        return [
            r[0]
            for r in c.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        ]


class Compteurs:
    """CPU seconds of the app (gunicorn tree), the database (the bench base's backends), the
    generator (this process's children) and the whole machine, between `debut` and `fin`."""

    def __init__(self, gunicorn_pid):
        self.gunicorn_pid = gunicorn_pid

    def _releve(self):
        app = [self.gunicorn_pid, *_enfants(self.gunicorn_pid)]
        self.pg_pids = _pids_postgres()
        t = os.times()
        return {
            "app": {p: _cpu_pid(p) for p in app},
            "db": {p: _cpu_pid(p) for p in self.pg_pids},
            "gen": t.children_user + t.children_system + t.user + t.system,
            "machine": _cpu_machine(),
            "t": time.monotonic(),
        }

    def debut(self):
        self.a = self._releve()

    def fin(self):
        b = self._releve()
        a = self.a
        duree = b["t"] - a["t"]
        ncpu = os.cpu_count() or 1

        def delta(cle):
            return sum(v - a[cle].get(p, 0.0) for p, v in b[cle].items())

        res = {
            "app": delta("app"),
            "db": delta("db"),
            "gen": b["gen"] - a["gen"],
            "machine": b["machine"] - a["machine"],
        }
        res["autres"] = max(0.0, res["machine"] - res["app"] - res["db"] - res["gen"])
        parts = {k: round(100 * v / (duree * ncpu), 1) for k, v in res.items()}
        parts["secondes"] = res
        return parts


# --- the server ----------------------------------------------------------------------------------


# The build options of the interpreter that matter to its speed (docs/performance.md,
# « L'interpréteur ») : profile-guided and link-time optimisation, libpython shared or not.
OPTIONS_DE_VITESSE = ("--enable-optimizations", "--with-lto", "--enable-shared")


def _cartes_du_processus() -> str:
    try:
        return Path("/proc/self/maps").read_text()
    except OSError:  # not Linux: nothing to say
        return ""


def interpreteur(config_args: str | None = None, cartes: str | None = None) -> str:
    """The interpreter serving the bench, as its results must name it: a build without
    profile-guided and link-time optimisation runs this service's requests markedly slower (a
    distribution may optimise without these options: Debian's python3 is built by its own
    rules), and so does an executable that loads libpython as a shared library (each access to
    the thread's state then calls __tls_get_addr: docs/adr/0008). `cartes`: the process's
    memory map (/proc/self/maps), which tells the second apart whatever the configure options
    say (Debian configures with --enable-shared, yet links its python3.x statically)."""
    if config_args is None:
        config_args = sysconfig.get_config_var("CONFIG_ARGS") or ""
    if cartes is None:
        cartes = _cartes_du_processus()
    options = [o for o in OPTIONS_DE_VITESSE if o in config_args]
    a, b, c = OPTIONS_DE_VITESSE
    ligne = (
        f"interpréteur : {sys.implementation.name} {sys.version.split()[0]} ({sys.executable}), "
        + (f"configuré avec {' '.join(options)}" if options else f"configuré sans {a}, {b} ni {c}")
    )
    if cartes:
        partagee = re.search(r"/(libpython[^/\s]*\.so[^/\s]*)$", cartes, re.MULTILINE)
        ligne += (
            f", {partagee.group(1)} chargée comme bibliothèque partagée"
            if partagee
            else ", libpython liée à l'exécutable"
        )
    return ligne


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environnement_production(port: int, base_url: str = ESSAI_URL) -> dict:
    """The production settings (as `.ci/run` checks them with --deploy), on plain HTTP behind a
    pretend TLS proxy: the generator sends X-Forwarded-Proto: https, which SECURE_PROXY_SSL_HEADER
    trusts (DJANGO_BEHIND_PROXY, on in production), so neither SECURE_SSL_REDIRECT nor the secure
    cookies get in the way."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "orientation.settings",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
            "DATABASE_URL": base_url,
            "ORIENTATION_VAR_DIR": str(VAR / "app"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def demarrer_gunicorn(port: int, workers: int, threads: int, env: dict, classe: str = "gthread"):
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "orientation.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        classe,
        *(["--threads", str(threads)] if classe == "gthread" else []),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--preload",
    ]
    journal = open(VAR / "gunicorn.log", "w")  # noqa: SIM115 — closed with the process
    proc = subprocess.Popen(cmd, cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            with urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/sante/", headers={"X-Forwarded-Proto": "https"}
                ),
                timeout=2,
            ) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            break
    proc.terminate()
    sys.exit(f"gunicorn n'a pas démarré : voir {VAR / 'gunicorn.log'}")


# --- the base ------------------------------------------------------------------------------------


def preparer_base(eleves: int, etablissements: int) -> dict:
    import psycopg

    from bench import generateur

    nom = BASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(SERVEUR_URL, autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone():
            c.execute(f'CREATE DATABASE "{nom}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    deja = generateur.base_existante()
    manifeste = generateur.manifeste_de_la_base()
    if deja and manifeste.exists():
        lu = json.loads(manifeste.read_text())
        if lu.get("forme") == generateur.FORME:
            print(f"Base de banc d'essai réutilisée : {deja} élèves.")
            mettre_a_jour_empreintes()
            return lu
        # Written by an older generator: its data would not be what the journey expects.
        print("Base de banc d'essai d'une forme ancienne : reconstruite.")
        from django.db import connections

        connections.close_all()
        with psycopg.connect(SERVEUR_URL, autocommit=True) as c:
            c.execute(f'DROP DATABASE "{nom}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{nom}"')
        call_command("migrate", verbosity=0)
        deja = 0
    if deja:
        sys.exit("La base de banc d'essai existe sans son manifeste : supprimez orientation_bench.")
    print(f"Construction de la base : {eleves} élèves, {etablissements} établissements…")
    m = generateur.construire(eleves, etablissements)
    print(f"  construite en {m['duree_s']} s")
    return m


def empreinte_a_refaire(ancienne: str, mot_de_passe: str) -> str | None:
    """The hash to write instead of `ancienne`, when Django would remake it at a successful login
    (other parameters or another hasher than the service's); None when it is the service's."""
    from django.contrib.auth.hashers import check_password, make_password

    a_refaire = []
    if ancienne and check_password(mot_de_passe, ancienne, setter=a_refaire.append):
        return make_password(mot_de_passe) if a_refaire else None
    return None


def mettre_a_jour_empreintes() -> None:
    """Every account of the base shares one password hash (bench/generateur.py). Made with other
    parameters than the service's (a base built before they changed, docs/adr/0007), it would be
    remade at every login of a run, as Django does once per account after such a change: the
    cost of a one-time migration, not the service's. Remade here once, in the base runs copy."""
    import psycopg

    from bench.generateur import MOT_DE_PASSE

    with psycopg.connect(BASE_URL, autocommit=True) as c:
        ligne = c.execute("SELECT password FROM accounts_user WHERE password <> '' LIMIT 1")
        ancienne = (ligne.fetchone() or [""])[0]
        nouvelle = empreinte_a_refaire(ancienne, MOT_DE_PASSE)
        if nouvelle is not None:
            c.execute(
                "UPDATE accounts_user SET password = %s WHERE password = %s", [nouvelle, ancienne]
            )
            print("Empreinte des mots de passe refaite aux paramètres du service.")


def copier_base(copie_url: str = ESSAI_URL) -> None:
    """A fresh copy of the built base for this run (PostgreSQL copies it file by file)."""
    import psycopg
    from django.db import connections

    connections.close_all()  # a template database must have no other session
    modele, copie = BASE_URL.rsplit("/", 1)[1], copie_url.rsplit("/", 1)[1]
    with psycopg.connect(SERVEUR_URL, autocommit=True) as c:
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN (%s, %s)",
            [modele, copie],
        )
        c.execute(f'DROP DATABASE IF EXISTS "{copie}"')
        c.execute(f'CREATE DATABASE "{copie}" TEMPLATE "{modele}"')


def supprimer_copie(copie_url: str = ESSAI_URL) -> None:
    import psycopg

    with psycopg.connect(SERVEUR_URL, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{copie_url.rsplit("/", 1)[1]}" WITH (FORCE)')


def statiques(env: dict):
    manifeste = VAR / "app" / "static" / "staticfiles.json"
    if not manifeste.exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=RACINE,
            env=env,
            check=True,
        )


def pages_chef() -> list[str]:
    """The head's pages of the journey: the decisions list and the pilotage dashboard."""
    from django.urls import reverse

    return [
        reverse(nom, kwargs={"uai": "UAI"}).replace("UAI", "{uai}")
        for nom in ("dialogue:direction_liste", "pilotage:etablissement")
    ]


# --- the volume benches --------------------------------------------------------------------------


def volumes():
    print("\n== volumes")
    cmds = [[sys.executable, "-m", "bench.siecle"], [sys.executable, "-m", "bench.notifications"]]
    if (Path(__file__).parent / "pilotage.py").exists():
        cmds.append([sys.executable, "-m", "bench.pilotage"])
    for cmd in cmds:
        print("$", " ".join(cmd[1:]))
        subprocess.run(cmd, cwd=RACINE, check=False)


# --- main ----------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Banc d'essai de charge (docs/performance.md).")
    parser.add_argument("--quick", action="store_true", help="moins de deux minutes")
    parser.add_argument("--eleves", type=int, default=50000)
    parser.add_argument("--etablissements", type=int, default=30)
    parser.add_argument("--duree", type=float, help="secondes du parcours mixte")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 2)))
    parser.add_argument(
        "--classe", default=os.environ.get("BENCH_WORKER_CLASS", "gthread"), help="gthread ou sync"
    )
    # Enough requests in flight to keep both cores busy (≈ 97 %), what measuring a capacity takes
    # (docs/performance.md): 4 left 8 % idle once the pages got cheaper.
    parser.add_argument("--processus", type=int, default=6, help="processus du générateur")
    parser.add_argument("--utilisateurs", type=int, default=5, help="par processus")
    parser.add_argument("--visites", type=int, default=4, help="visites par connexion")
    parser.add_argument("--sans-volumes", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.eleves, args.etablissements = min(args.eleves, 6000), min(args.etablissements, 6)
    duree = args.duree or (30 if args.quick else 90)
    chauffe = 6 if args.quick else 15
    palier = 6 if args.quick else 15

    VAR.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = BASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
    import django

    django.setup()
    from bench import charge

    debut = time.monotonic()
    manifeste = preparer_base(args.eleves, args.etablissements)
    t0 = time.monotonic()
    copier_base()
    print(f"Copie de la base pour cette exécution : {time.monotonic() - t0:.1f} s")
    chef = pages_chef()
    port = _port_libre()
    env = environnement_production(port)
    statiques(env)
    serveur = demarrer_gunicorn(port, args.workers, args.threads, env, args.classe)
    try:
        print(interpreteur())
        print(
            f"gunicorn {args.workers} workers × {args.threads} threads ({args.classe}), "
            f"production, port {port} ; "
            f"générateur {args.processus} × {args.utilisateurs} utilisateurs"
        )
        # Warm every worker (templates compiled, connections open) before measuring.
        charge.debit_simple(port, ["/sante/"] * 2, duree=2)

        def manches(debits):
            return " ; ".join(f"{d:.0f}" for d in debits)

        n = args.processus
        rps_min, err_min, debits = charge.debit_simple(
            port, ["/sante/"] * n, duree=palier, manches=3
        )
        print(
            f"vue minimale /sante/ : {rps_min:.0f} req/s, meilleure de 3 manches "
            f"({manches(debits)}) ({err_min} erreurs)"
        )
        fams = [f for f in manifeste["familles"] if f["stade"] == "intentions"][:n]
        rps_fam, err_fam, debits = charge.debit_simple(
            port,
            [f"/dossier/{f['dossier']}/" for f in fams],
            duree=palier,
            identifiants=[(f["username"], manifeste["mot_de_passe"]) for f in fams],
            manches=3,
        )
        print(
            f"page du dossier (famille connectée) : {rps_fam:.0f} req/s, meilleure de 3 manches "
            f"({manches(debits)}) ({err_fam} erreurs)"
        )
        ratio = rps_fam / rps_min if rps_min else 0.0

        cpu = Compteurs(serveur.pid)
        cpu.debut()
        mesures, erreurs, fenetre = charge.charger(
            port,
            manifeste,
            processus=n,
            utilisateurs=args.utilisateurs,
            duree=duree,
            chauffe=chauffe,
            visites=args.visites,
            pages_chef=chef,
        )
        parts = cpu.fin()
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
        supprimer_copie()

    durees = [m[1] for m in mesures]
    nb_err = sum(1 for m in mesures if not m[2])
    rps = len(mesures) / fenetre
    par_nature = {}
    for m in mesures:
        par_nature.setdefault(m[3], []).append(m[1])
    print(f"\n== parcours mixte ({fenetre:.0f} s mesurées après {chauffe} s de chauffe)")
    print(f"requêtes : {len(mesures)}, soit {rps:.0f} req/s ; erreurs : {nb_err}")
    p50, p95, p99 = (charge.percentile(durees, p) for p in (50, 95, 99))
    print(f"latence ms : p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}")
    for nature, d in sorted(par_nature.items()):
        print(
            f"  {nature:10} {len(d) / fenetre:6.0f} req/s  p50 {charge.percentile(d, 50):4.0f}  "
            f"p95 {charge.percentile(d, 95):4.0f} ms"
        )
    print(
        "CPU (part des {} cœurs) : application {app} %, base {db} %, générateur {gen} %, "
        "autres processus {autres} %".format(os.cpu_count(), **parts)
    )
    if mesures:
        sec = parts["secondes"]
        total = len(mesures) * (duree + 0.5) / fenetre  # the warm-up's requests count for CPU too
        print(
            f"CPU par requête : application {1000 * sec['app'] / total:.1f} ms, "
            f"base {1000 * sec['db'] / total:.1f} ms (connexions Argon2 comprises)"
        )
    for e in erreurs[:5]:
        print("  erreur :", e)
    if not (args.sans_volumes or args.quick):  # --quick: the load only (under two minutes)
        volumes()
    print(f"\ndurée totale : {time.monotonic() - debut:.0f} s")
    print(f"ratio={ratio:.2f} rps={rps:.0f} p95_ms={p95:.0f} errors={nb_err}")


if __name__ == "__main__":
    main()
