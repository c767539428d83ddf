"""Past capacity: the same overload twice, without then with the waiting room
(docs/performance.md, « Au-delà de la capacité »).

    .venv/bin/python -m bench.surcharge [--connexions 200] [--duree 20] [--attente-ms 250]

Many more families than the server has threads read their dossier page at once, each on its own
keep-alive connection, with no pause: the requests queue in front of gunicorn's threads. The
generator writes `X-Request-Start` as the production proxy does. Without the waiting room
(ORIENTATION_ATTENTE_MAX_MS=0) every page is served, late; with it, a request that already
waited longer than --attente-ms gets the waiting room's 503 at once, and its family waits a
second (reading the page) before trying again, as a person would: the pages that are served stay
fast. The threshold is lower than production's 3 s because the queue that two cores can hold in a
few seconds is short; the mechanism is the same. Same base, same server settings as bench.run.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections import Counter

from bench.run import (
    VAR,
    _port_libre,
    copier_base,
    demarrer_gunicorn,
    environnement_production,
    preparer_base,
    statiques,
    supprimer_copie,
)

PAUSE_APRES_503_S = 1.0


def _famille(port, famille, mot_de_passe, fin, resultats, pret):
    from bench.charge import Client

    client = Client(port)
    try:
        # Logging in may itself meet the waiting room (many Argon2 checks at once): the person
        # reads the page a moment, then tries again.
        for _essai in range(30):
            client.requete("GET", "/compte/connexion/")
            status, _l, _c = client.requete(
                "POST",
                "/compte/connexion/",
                {"username": famille["username"], "password": mot_de_passe},
            )
            if status == 302:
                break
            time.sleep(PAUSE_APRES_503_S)
    finally:
        pret.wait(timeout=300)  # fin[0] is set once every family is logged in
    chemin = f"/dossier/{famille['dossier']}/"
    while time.time() < fin[0]:
        t0 = time.time()
        try:
            status, _l, _c = client.requete("GET", chemin)
        except Exception as exc:  # noqa: BLE001 — a timeout or a reset: counted, never fatal
            status = type(exc).__name__  # the client reconnects by itself, keeping its session
        resultats.append((status, (time.time() - t0) * 1000))
        if status == 503:
            time.sleep(PAUSE_APRES_503_S)


def une_surcharge(manifeste, *, attente_ms: int, connexions: int, duree: float) -> dict:
    """One gunicorn (bench.run's settings) under `connexions` families at once."""
    from bench.charge import percentile

    port = _port_libre()
    env = environnement_production(port) | {"ORIENTATION_ATTENTE_MAX_MS": str(attente_ms)}
    statiques(env)
    serveur = demarrer_gunicorn(port, 4, 2, env)
    familles = [f for f in manifeste["familles"] if f["stade"] == "intentions"][:connexions]
    resultats: list = []
    fin = [0.0]
    # Every family logs in first; the overload starts when all are in.
    pret = threading.Barrier(len(familles), action=lambda: fin.__setitem__(0, time.time() + duree))
    fils = [
        threading.Thread(
            target=_famille,
            args=(port, f, manifeste["mot_de_passe"], fin, resultats, pret),
            daemon=True,
        )
        for f in familles
    ]
    try:
        for t in fils:
            t.start()
        for t in fils:
            t.join(timeout=duree + 120)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    servies = [ms for status, ms in resultats if status == 200]
    refusees = [ms for status, ms in resultats if status == 503]
    autres = Counter(status for status, _ms in resultats if status not in (200, 503))
    return {
        "servies_par_s": len(servies) / duree,
        "p50": percentile(servies, 50),
        "p95": percentile(servies, 95),
        "p99": percentile(servies, 99),
        "salle_attente": len(refusees),
        "salle_attente_p95": percentile(refusees, 95),
        "erreurs": sum(autres.values()),
        "detail": dict(autres),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connexions", type=int, default=200)
    parser.add_argument("--duree", type=float, default=20)
    parser.add_argument("--attente-ms", type=int, default=250)
    parser.add_argument("--eleves", type=int, default=6000)
    args = parser.parse_args(argv)

    VAR.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/orientation_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
    import django

    django.setup()
    manifeste = preparer_base(args.eleves, max(1, args.eleves // 1000))
    print(
        f"{args.connexions} familles à la fois sur leur page de dossier, {args.duree:.0f} s, "
        "gunicorn 4 workers × 2 threads"
    )
    for titre, attente in (("sans salle d'attente", 0), ("avec salle d'attente", args.attente_ms)):
        copier_base()
        try:
            r = une_surcharge(
                manifeste, attente_ms=attente, connexions=args.connexions, duree=args.duree
            )
        finally:
            supprimer_copie()
        seuil = f" (seuil {attente} ms)" if attente else ""
        print(
            f"{titre}{seuil} : {r['servies_par_s']:.0f} pages servies/s, "
            f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, p99 {r['p99']:.0f} ms ; "
            f"salle d'attente {r['salle_attente']} (p95 {r['salle_attente_p95']:.0f} ms) ; "
            f"erreurs {r['erreurs']}" + (f" {r['detail']}" if r["detail"] else "")
        )


if __name__ == "__main__":
    main()
