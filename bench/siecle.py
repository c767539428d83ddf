"""SIECLE import volume: time and peak memory of importing a school of 500, 2,000 and 8,000 pupils
(files from orientation/etablissements/siecle/fabrique.py), each in its own process so that its
peak RSS (VmHWM) is its own. Each runs in a new school of a fresh copy of the bench database
(bench/run.py), dropped afterwards: every size starts from the same base, which the imports leave
untouched (the accounts an import creates would otherwise make the next one's choice of
identifiers slower, and the journey's base larger). DEBUG is off, as in production (with DEBUG
on, Django keeps the text of every query, the bulk inserts' too: megabytes production never
holds). The peak is reset once the files are written, so that it is the import's, not the
building of the fictitious files'.

    python -m bench.siecle [--tailles 500,2000,8000]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orientation_bench"
)


def _rss_mo(champ: str) -> float:
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith(champ + ":"):
            return int(ligne.split()[1]) / 1024
    return 0.0


def pic_remis_a_zero() -> float:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux: /proc/self/clear_refs)
    and return it, in MB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _rss_mo("VmHWM")


def un_import(eleves: int) -> None:
    os.environ["DATABASE_URL"] = BASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from orientation.campagnes.models import Campagne
    from orientation.etablissements.models import Eleve, Etablissement
    from orientation.etablissements.siecle import fabrique

    annee = timezone.localdate().year - (timezone.localdate().month < 8)
    uai = f"08{random.randrange(10**5):05d}S"
    divisions = max(1, (eleves - 68) // 30)
    with tempfile.TemporaryDirectory() as dossier:
        fichiers = fabrique.ecrire(
            fabrique.lycee_fictif(uai, annee, seed=eleves, divisions_2de=divisions),
            Path(dossier),
            zip=True,
        )
        taille = sum(Path(f).stat().st_size for f in fichiers)
        etab = Etablissement.objects.create(uai=uai, nom=f"Lycée SIECLE {eleves}")
        now = timezone.now()
        jour = timezone.timedelta(days=1)
        Campagne.objects.create(
            etablissement=etab,
            annee=annee,
            provisoire_debut=now - jour,
            provisoire_fin=now + 8 * jour,
            definitive_debut=now + 60 * jour,
            definitive_fin=now + 70 * jour,
            reponse_limite=now + 90 * jour,
        )
        avant = pic_remis_a_zero()
        t0 = time.perf_counter()
        call_command("import_siecle", "--uai", uai, *map(str, fichiers), stdout=io.StringIO())
        duree = time.perf_counter() - t0
    n = Eleve.objects.filter(etablissement=etab).count()
    print(
        f"import SIECLE {n:>5} élèves (ZIP {taille / 1024:.0f} Kio) : {duree:5.1f} s, "
        f"pic RSS {_rss_mo('VmHWM'):.0f} Mo (processus Django chargé : {avant:.0f} Mo)",
        flush=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tailles", default="500,2000,8000")
    parser.add_argument("--un", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.un:
        un_import(args.un)
        return
    from bench import run

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")  # run.copier_base
    env = {**os.environ, "DATABASE_URL": BASE_URL}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    copie = BASE_URL + "_siecle"
    for taille in [int(t) for t in args.tailles.split(",")]:
        run.copier_base(copie)
        try:
            subprocess.run(
                [sys.executable, "-m", "bench.siecle", "--un", str(taille)],
                env={**os.environ, "BENCH_DATABASE_URL": copie},
                check=False,
            )
        finally:
            run.supprimer_copie(copie)


if __name__ == "__main__":
    main()
