"""The mixed journey replayed in-process, to compare two versions of the code on a machine whose
speed changes from one hour to the next (docs/performance.md, « Mesures du 06/12/2026, septième
machine »): the same sessions as `bench.charge`, through Django's test client with the production
settings, on a fresh copy of the bench base, without HTTP nor generator.

    .venv/bin/python -m bench.rejeu [--sessions 100]            # CPU time per page
    .venv/bin/python -m bench.rejeu --appels                     # + function calls (cProfile)
    valgrind --tool=callgrind --instr-atstart=no \\
        .venv/bin/python -m bench.rejeu --sessions 20 --callgrind  # instructions of the replay

CPU times move with the machine; function calls and callgrind's instructions do not, and are what
tells two versions apart (run each version against the same base). A few sessions drawn apart
(`--chauffe`) are played first and not counted, as a server's worker has long been warm when
it is measured: modules imported on first use, templates compiled, per-process caches filled.
Needs the bench base (`python -m bench.run --quick` builds it). The last line reads
`cpu_ms_par_requete=… appels=…`.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import logging
import os
import random
import subprocess
import sys
import time
from urllib.parse import urlencode

from bench import charge, run

# One copy per process: two versions of the code can be replayed side by side.
COPIE = f"{run.BASE_URL}_rejeu_{os.getpid()}"
ENTETES = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}


def _base_du_banc_existe() -> bool:
    import psycopg

    with psycopg.connect(run.SERVEUR_URL, autocommit=True) as c:
        nom = run.BASE_URL.rsplit("/", 1)[1]
        return bool(c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone())


def rejouer(client, sessions, profileur=None) -> tuple[dict, dict, dict]:
    """Play `sessions` with `client` (its cookies cleared between two): CPU seconds, number of
    requests and number of unexpected statuses per (method, URL name)."""
    from django.urls import resolve

    cpu, nombre, inattendus = (collections.Counter() for _ in range(3))
    for etapes in sessions:
        client.cookies.clear()
        corps = None
        while True:
            try:
                methode, chemin, donnees, attendus, _nature, *entetes = etapes.send(corps)
            except StopIteration:
                break
            cle = f"{methode} {resolve(chemin).view_name}"
            h = ENTETES | {k: v for e in entetes for k, v in e.items()}
            debut = time.process_time()
            if profileur:
                profileur.enable()
            if methode == "GET":
                r = client.get(chemin, headers=h)
            else:
                r = client.post(
                    chemin,
                    urlencode(charge.paires_du_formulaire(donnees), doseq=True),
                    content_type="application/x-www-form-urlencoded",
                    headers=h,
                )
            if profileur:
                profileur.disable()
            cpu[cle] += time.process_time() - debut
            nombre[cle] += 1
            inattendus[cle] += r.status_code not in attendus
            corps = r.content
    return cpu, nombre, inattendus


def _callgrind(etat: str) -> None:
    """Instruments the replay only (valgrind --instr-atstart=no): not the start of Django."""
    subprocess.run(["callgrind_control", "-i", etat, str(os.getpid())], capture_output=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--chauffe", type=int, default=10, help="sessions jouées avant de mesurer")
    parser.add_argument("--appels", action="store_true", help="compter les appels (cProfile)")
    parser.add_argument("--callgrind", action="store_true", help="sous valgrind --tool=callgrind")
    args = parser.parse_args(argv)

    if not _base_du_banc_existe():
        sys.exit("Pas de base de banc d'essai : lancez d'abord python -m bench.run --quick.")
    # The bench server's environment, on this run's copy; no HTTP here, so no port.
    os.environ.update(run.environnement_production(0, COPIE))
    import django

    django.setup()
    run.mettre_a_jour_empreintes()
    run.copier_base(COPIE)
    logging.disable(logging.WARNING)
    from django.test import Client

    run.statiques(dict(os.environ))
    manifeste = json.loads((run.VAR / "manifeste-orientation_bench.json").read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/sante/", headers=ENTETES)  # middleware loaded (WhiteNoise reads the statics)
    from orientation.demarrage import geler_le_demarrage

    geler_le_demarrage()  # as orientation/wsgi.py does before the workers serve
    profileur = None
    if args.appels:
        import cProfile

        profileur = cProfile.Profile()

    def melange(graine):
        # The load bench's mix of sessions, from a fixed seed: the same ones at every run.
        return charge.melange(
            manifeste,
            manifeste["familles"],
            manifeste["professeurs"],
            random.Random(graine),
            4,
            run.pages_chef(),
        )

    try:
        rejouer(client, itertools.islice(melange(2), args.chauffe))
        run.copier_base(COPIE)  # what the warm-up wrote is gone; the process stays warm
        if args.callgrind:
            _callgrind("on")
        sessions = melange(1)
        cpu, nombre, inattendus = rejouer(
            client, itertools.islice(sessions, args.sessions), profileur
        )
        if args.callgrind:
            _callgrind("off")
    finally:
        from django.db import connections

        connections.close_all()
        run.supprimer_copie(COPIE)

    total, requetes = sum(cpu.values()), sum(nombre.values())
    print(f"{args.sessions} sessions, {requetes} requêtes, {1000 * total / requetes:.2f} ms de CPU")
    for cle, secondes in cpu.most_common():
        print(
            f"  {cle:50} {nombre[cle]:5} × {1000 * secondes / nombre[cle]:6.2f} ms "
            f"{100 * secondes / total:5.1f} %"
            + (f"  statuts inattendus : {inattendus[cle]}" if inattendus[cle] else "")
        )
    appels = ""
    if profileur:
        import pstats

        appels = str(pstats.Stats(profileur).total_calls)
    print(f"cpu_ms_par_requete={1000 * total / requetes:.2f} appels={appels or '-'}")
    return 1 if sum(inattendus.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
