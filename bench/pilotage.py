"""Volume bench of the pilotage pages: the dashboard, the exports and the fiche dialogue PDFs of a
2,000-pupil school (docs/performance.md, section Pilotage).

    .venv/bin/python -m bench.pilotage [--eleves 2000] [--sans-pdf-ecole]

Uses its own PostgreSQL base (orientation_bench_pilotage, created and migrated if missing) built
with bench.generateur; a tenth of the dossiers are set to « décidé » so the decisions export has
rows. The whole school's PDF is built by the background task's own function
(pilotage.tasks.preparer, what the worker runs) in a process of its own, so that its peak RSS
(VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BASE = "postgres://postgres@127.0.0.1:5432/orientation_bench_pilotage"


def _preparer(eleves: int):
    import psycopg

    nom = BASE.rsplit("/", 1)[1]
    with psycopg.connect(BASE.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone():
            c.execute(f'CREATE DATABASE "{nom}"')
    os.environ["DATABASE_URL"] = BASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench import generateur

    call_command("migrate", verbosity=0)
    if not generateur.base_existante():
        print(f"Construction : {eleves} élèves…")
        generateur.construire(eleves, 1)
        _decisions()


def _decisions():
    from django.utils import timezone

    from orientation.campagnes.models import Voie
    from orientation.dialogue.models import Decision, Dossier, Etat

    generale = Voie.objects.get(code="GENERALE")
    dossiers = list(Dossier.objects.order_by("pk")[::10])
    for d in dossiers:
        d.etat = Etat.DECIDE
    Dossier.objects.bulk_update(dossiers, ["etat"])
    decisions = Decision.objects.bulk_create(
        Decision(dossier=d, prise_le=timezone.now()) for d in dossiers
    )
    Decision.voies.through.objects.bulk_create(
        Decision.voies.through(decision_id=x.pk, voie_id=generale.pk) for x in decisions
    )


def _rss_mo(champ: str) -> float:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith(champ + ":"):
            return int(ligne.split()[1]) / 1024
    return 0.0


def _mesure(libelle, fn):
    from django.db import connection

    requetes = 0

    def compter(execute, sql, params, many, context):
        nonlocal requetes
        requetes += 1
        return execute(sql, params, many, context)

    # Counted by a wrapper, not by the debug query log (which stops at 9,000 queries).
    with connection.execute_wrapper(compter):
        debut = time.perf_counter()
        resultat = fn()
        duree = time.perf_counter() - debut
    taille = f", {len(resultat) / 1024:.0f} Kio" if isinstance(resultat, bytes) else ""
    print(f"{libelle:<45} {duree * 1000:8.0f} ms  {requetes:4d} requêtes{taille}")
    return resultat


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eleves", type=int, default=2000)
    parser.add_argument("--sans-pdf-ecole", action="store_true")
    parser.add_argument("--pdf-ecole", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _preparer(args.eleves)
    if args.pdf_ecole:
        pdf_ecole()
        return
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("xmlschema").setLevel(logging.WARNING)

    from django.conf import settings
    from django.test import Client

    from orientation.accounts.models import Role
    from orientation.campagnes.models import Campagne
    from orientation.dialogue.models import Dossier
    from orientation.etablissements.models import Division, Personnel
    from orientation.pilotage import exports, pdf, stats

    campagne = Campagne.objects.select_related("etablissement").order_by("pk").first()
    etab = campagne.etablissement
    divisions = list(Division.objects.filter(etablissement=etab, est_seconde_gt=True))
    nb = Dossier.objects.filter(campagne=campagne).count()
    print(f"{etab.nom} : {nb} fiches dialogue, {len(divisions)} classes")

    chef = (
        Personnel.objects.filter(etablissement=etab, role=Role.CHEF_ETABLISSEMENT)
        .select_related("user")
        .first()
    )
    if chef is not None:
        hote = next(
            (h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")),
            "localhost",
        )
        client = Client(HTTP_HOST=hote)
        client.force_login(chef.user)
        url = f"/pilotage/{etab.uai}/"
        client.get(url)
        a_relancer = stats.a_relancer(campagne, divisions).count()
        print(f"{a_relancer} familles à relancer ({-(-a_relancer // 50)} pages de 50)")
        _mesure("tableau de bord, page 1 (HTTP)", lambda: client.get(url).content)
        _mesure(
            "tableau de bord, dernière page (HTTP)",
            lambda: client.get(url, {"page": 10**6}).content,
        )
        _mesure(
            "tableau de bord, une classe, page 1 (HTTP)",
            lambda: client.get(url, {"division": divisions[0].pk}).content,
        )
        _relancer_tout(client, etab, divisions)
    _mesure("tableau de bord (chiffres)", lambda: stats.tableau(campagne, divisions))
    for quoi in exports.EN_TETES:
        for fmt in exports.FORMATS:
            _mesure(
                f"export {quoi} {fmt}",
                lambda q=quoi, f=fmt: exports.exporter(q, f, campagne, divisions),
            )
    une = divisions[0]
    qs = Dossier.objects.filter(campagne=campagne)
    _mesure(
        f"PDF fiches d'une classe ({qs.filter(eleve__division=une).count()} élèves)",
        lambda: pdf.pdf_des_dossiers(qs.filter(eleve__division=une), "Fiches"),
    )
    if not args.sans_pdf_ecole:
        # In its own process: its peak memory is the task's, not this bench's.
        subprocess.run([sys.executable, "-m", "bench.pilotage", "--pdf-ecole"], check=False)


def _relancer_tout(client, etab, divisions):
    """« Relancer les N familles de la liste »: the request (it enqueues a task) and the task's
    function, as the worker runs it, in a transaction rolled back after the measure (the bench
    base keeps no reminder)."""
    from django.db import transaction

    from orientation.notifications.models import Notification
    from orientation.pilotage import tasks

    class Annule(Exception):
        pass

    try:
        with transaction.atomic():
            _mesure(
                "relance de toute la liste : la requête (HTTP POST)",
                lambda: client.post(f"/pilotage/{etab.uai}/relances/", {"tout": "1"}).content,
            )
            campagne = etab.campagnes.order_by("-annee").first()
            familles = _mesure(
                "relance de toute la liste : la tâche",
                lambda: tasks.relancer_familles.call(
                    campagne.pk, [d.pk for d in divisions], None, None
                ),
            )
            courriels = Notification.objects.filter(evenement="rappel").count()
            print(f"  {familles} familles relancées, {courriels} courriels écrits")
            raise Annule
    except Annule:
        pass


def pdf_ecole():
    """The whole school's fiches (a ZIP of one PDF per class) through the task function, as
    the worker runs it."""
    import logging

    from django.core.files.storage import default_storage
    from django.db import connection

    from orientation.campagnes.models import Campagne
    from orientation.pilotage import tasks
    from orientation.pilotage.models import PdfEtablissement

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    campagne = Campagne.objects.select_related("etablissement").order_by("pk").first()
    demande = PdfEtablissement.objects.create(
        etablissement=campagne.etablissement, campagne=campagne
    )
    avant = _rss_mo("VmRSS")
    requetes = 0

    def compter(execute, sql, params, many, context):
        nonlocal requetes
        requetes += 1
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(compter):
            debut = time.perf_counter()
            resultat = tasks.preparer(demande.pk)
            duree = time.perf_counter() - debut
        demande.refresh_from_db()
        print(
            f"PDF de l'établissement par la tâche ({demande.fiches} fiches, "
            f"{demande.classes_total} classes, un PDF par classe dans un ZIP) : {resultat}, "
            f"{duree:.0f} s, {demande.pages} pages, "
            f"{(demande.taille or 0) / 1024 / 1024:.1f} Mio, "
            f"{requetes} requêtes, pic RSS {_rss_mo('VmHWM'):.0f} Mo "
            f"(processus Django chargé : {avant:.0f} Mo)",
            flush=True,
        )
    finally:
        if demande.fichier:
            default_storage.delete(demande.fichier.name)
        demande.delete()


if __name__ == "__main__":
    main()
