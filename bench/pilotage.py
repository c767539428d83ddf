"""Volume bench of the pilotage pages: the dashboard, the exports and the fiche dialogue PDFs of a
2,000-pupil school (docs/performance.md, section Pilotage).

    .venv/bin/python -m bench.pilotage [--eleves 2000] [--sans-pdf-ecole]

Uses its own PostgreSQL base (orientation_bench_pilotage, created and migrated if missing) built
with bench.generateur; a tenth of the dossiers are set to « décidé » so the decisions export has
rows.
"""

from __future__ import annotations

import argparse
import os
import time

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


def _mesure(libelle, fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        debut = time.perf_counter()
        resultat = fn()
        duree = time.perf_counter() - debut
    taille = f", {len(resultat) / 1024:.0f} Kio" if isinstance(resultat, bytes) else ""
    print(
        f"{libelle:<45} {duree * 1000:8.0f} ms  "
        f"{len(requetes.captured_queries):4d} requêtes{taille}"
    )
    return resultat


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eleves", type=int, default=2000)
    parser.add_argument("--sans-pdf-ecole", action="store_true")
    args = parser.parse_args(argv)
    _preparer(args.eleves)
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
        _mesure("tableau de bord (page entière, HTTP)", lambda: client.get(url).content)
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
        _mesure(
            f"PDF fiches de l'établissement ({nb} élèves)",
            lambda: pdf.pdf_des_dossiers(qs, "Fiches"),
        )


if __name__ == "__main__":
    main()
