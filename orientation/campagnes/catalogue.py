"""The national catalogue of voies and enseignements de spécialité, 2021 (SPEC.md).

Loaded by the data migration 0002; a new year's list is a new data migration (deactivate what
left, add what came): no code changes. `charger` takes the model classes so that the migration can
pass its historical models and the test suite the current ones.
"""

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
