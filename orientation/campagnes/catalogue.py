"""The national catalogue of voies and enseignements de spécialité, 2021 (SPEC.md).

Loaded by the data migration 0002; a new year's list is a new data migration (deactivate what
left, add what came): no code changes. `charger` takes the model classes so that the migration can
pass its historical models and the test suite the current ones.
"""

import time
from dataclasses import dataclass

from orientation.requetes import RequeteFigee

VOIES = [
    ("GENERALE", "1re générale", "generale"),
    (
        "STMG",
        "1re technologique STMG (sciences et technologies du management et de la gestion)",
        "technologique",
    ),
    (
        "STI2D",
        "1re technologique STI2D (sciences et technologies de l'industrie et du développement durable)",
        "technologique",
    ),
    ("STL", "1re technologique STL (sciences et technologies de laboratoire)", "technologique"),
    (
        "ST2S",
        "1re technologique ST2S (sciences et technologies de la santé et du social)",
        "technologique",
    ),
    (
        "STD2A",
        "1re technologique STD2A (sciences et technologies du design et des arts appliqués)",
        "technologique",
    ),
    (
        "STHR",
        "1re technologique STHR (sciences et technologies de l'hôtellerie et de la restauration)",
        "technologique",
    ),
    (
        "S2TMD",
        "1re technologique S2TMD (sciences et techniques du théâtre, de la musique et de la danse)",
        "technologique",
    ),
    (
        "STAV",
        "1re technologique STAV (sciences et technologies de l'agronomie et du vivant)",
        "technologique",
    ),
    ("BT_MUSIQUE", "1re préparant au BT « métiers de la musique »", "bt"),
    ("PRO", "Accès à la voie professionnelle", "professionnelle"),
]

SPECIALITES = [
    ("ARTS_PLASTIQUES", "Arts : arts plastiques"),
    ("ARTS_CINEMA", "Arts : cinéma-audiovisuel"),
    ("ARTS_DANSE", "Arts : danse"),
    ("ARTS_HIDA", "Arts : histoire des arts"),
    ("ARTS_MUSIQUE", "Arts : musique"),
    ("ARTS_THEATRE", "Arts : théâtre"),
    ("ARTS_CIRQUE", "Arts : arts du cirque"),
    ("BIO_ECO", "Biologie-écologie (lycées agricoles)"),
    ("EPPCS", "Éducation physique, pratiques et culture sportives"),
    ("HGGSP", "Histoire-géographie, géopolitique et sciences politiques"),
    ("HLP", "Humanités, littérature et philosophie"),
    ("LLCER", "Langues, littératures et cultures étrangères et régionales"),
    ("LLCA", "Littérature et langues et cultures de l'Antiquité"),
    ("MATHS", "Mathématiques"),
    ("NSI", "Numérique et sciences informatiques"),
    ("PC", "Physique-chimie"),
    ("SVT", "Sciences de la vie et de la Terre"),
    ("SI", "Sciences de l'ingénieur"),
    ("SES", "Sciences économiques et sociales"),
]


def charger(Voie, Specialite) -> None:
    for ordre, (code, libelle, famille) in enumerate(VOIES, start=1):
        Voie.objects.update_or_create(
            code=code,
            defaults={"libelle": libelle, "famille": famille, "ordre": ordre, "actif": True},
        )
    for ordre, (code, libelle) in enumerate(SPECIALITES, start=1):
        Specialite.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "ordre": ordre, "actif": True}
        )


# --- the catalogue in memory ---------------------------------------------------------------------
#
# Every wish form and every validation reads the active catalogue (four to six queries per request
# before). It changes by data migration, between school years, never during a campaign: each
# process keeps it for DUREE seconds. A change saved through the ORM empties the saving process's
# copy at once (signals, orientation/campagnes/apps.py); other processes see it within DUREE.

DUREE = 300


@dataclass(frozen=True)
class Entree:
    pk: int
    code: str
    libelle: str
    famille: str = ""  # voies only


@dataclass(frozen=True)
class Actif:
    """The active voies and spécialités, in display order (the models' Meta.ordering), and every
    spécialité, active or not, by pk and in that same order: Specialite instances shared by the
    requests of the process, read only (the family pages' wishes point at them,
    dialogue/lectures.py)."""

    voies: tuple[Entree, ...]
    specialites: tuple[Entree, ...]
    specialites_par_pk: dict

    def voie(self, code: str) -> Entree:
        return next(v for v in self.voies if v.code == code)

    def specialite(self, code: str) -> Entree:
        return next(s for s in self.specialites if s.code == code)


_memoire: tuple[float, Actif] | None = None


def actif() -> Actif:
    global _memoire
    memoire = _memoire
    if memoire is not None and memoire[0] > time.monotonic():
        return memoire[1]
    from orientation.campagnes.models import Specialite, Voie

    toutes = list(Specialite.objects.all())  # in display order
    valeur = Actif(
        voies=tuple(
            Entree(*ligne)
            for ligne in Voie.objects.filter(actif=True).values_list(
                "pk", "code", "libelle", "famille"
            )
        ),
        specialites=tuple(Entree(s.pk, s.code, s.libelle) for s in toutes if s.actif),
        specialites_par_pk={s.pk: s for s in toutes},
    )
    _memoire = (time.monotonic() + DUREE, valeur)
    return valeur


def oublier(**_kwargs) -> None:
    """Drop this process's copy (a voie or spécialité was saved; a test reloaded the catalogue)."""
    global _memoire
    _memoire = None


def _specialites_offertes(campagne_id):
    from orientation.campagnes.models import Specialite

    return Specialite.objects.filter(campagnes=campagne_id).values_list("code")


_OFFRE = RequeteFigee(_specialites_offertes)


def offre(campagne) -> frozenset[str]:
    """The codes of the spécialités the campaign's school teaches: read at each use (the school
    may change them during the campaign), by a query compiled once per process."""
    return frozenset(code for (code,) in _OFFRE.lignes(campagne.pk))
