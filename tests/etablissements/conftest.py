import datetime

import pytest

from orientation.etablissements.siecle import annee_scolaire_courante, fabrique

UAI = "0999002B"
MEF_PRO = fabrique.Mef("24323109310", "2NDE PRO", "2NDE PRO METIERS DE LA RELATION CLIENT")
# Deliberately not the usual 2de GT code: the importer must go by the labels (SIECLE.md).
MEF_2GT_AUTRE_CODE = fabrique.Mef("20010099990", "2NDE GT", "2NDE GENERALE ET TECHNOLOGIQUE")


def petit_lycee() -> fabrique.Lycee:
    """Seven pupils covering the awkward cases of SIECLE.md, by name:

    E1 Éloïse Lefèvre (2DEA): two legal representatives (P1 mother, P2 father)
    E2 Noël Cœurdevey (2DEA): one legal representative P3, who has no e-mail address
    E3 Zoé Ménard (2DEB): only a niveau 2 éducateur P4 and a niveau 3 contact P5
    E4 Loïc Bœuf (2DEB): left (DATE_SORTIE), legal representative P6
    E5 Inès Haddad (2DE GT MEF, no D structure): legal representative P7
    E6 Théo Lefèvre (1G1): sibling of E1, shares P1 (one Responsable, one account)
    E7 Maëlle Da Silva (2PRO): a seconde professionnelle, legal representative P8
    """
    annee = annee_scolaire_courante()
    gt, g1 = MEF_2GT_AUTRE_CODE, fabrique.MEF_1G
    lycee = fabrique.Lycee(
        uai=UAI,
        annee=annee,
        nom="Lycée Hélène Boucher",
        mefs=[gt, g1, MEF_PRO],
        divisions=[
            fabrique.Division("2DEA", "Seconde A", gt.code),
            fabrique.Division("2DEB", "Seconde B", gt.code),
            fabrique.Division("1G1", "Première générale 1", g1.code),
            fabrique.Division("2PRO", "Seconde professionnelle", MEF_PRO.code),
        ],
        date_export=datetime.date(annee, 9, 20),
    )
    naiss = datetime.date(annee - 15, 3, 4)
    lycee.eleves = [
        fabrique.Eleve("E1", "Lefèvre", "Éloïse", gt.code, "2DEA", sexe="2",
                       date_naissance=naiss, email="eloise@exemple.fr", groupes=["2DEA_ESP"]),
        fabrique.Eleve("E2", "Cœurdevey", "Noël", gt.code, "2DEA", date_naissance=naiss),
        fabrique.Eleve("E3", "Ménard", "Zoé", gt.code, "2DEB", sexe="2", date_naissance=naiss),
        fabrique.Eleve("E4", "Bœuf", "Loïc", gt.code, "2DEB", date_naissance=naiss,
                       date_sortie=datetime.date(annee, 10, 2)),
        fabrique.Eleve("E5", "Haddad", "Inès", gt.code, None, sexe="2", date_naissance=naiss),
        fabrique.Eleve("E6", "Lefèvre", "Théo", g1.code, "1G1", date_naissance=naiss),
        fabrique.Eleve("E7", "Da Silva", "Maëlle", MEF_PRO.code, "2PRO", sexe="2",
                       date_naissance=naiss),
    ]  # fmt: skip
    lycee.personnes = [
        fabrique.Personne("P1", "Lefèvre", "Hélène", "MME", email="helene@exemple.fr"),
        fabrique.Personne("P2", "Lefèvre", "Jérôme", "M.", email="jerome@exemple.fr"),
        fabrique.Personne("P3", "Cœurdevey", "Françoise", "MME", email=""),
        fabrique.Personne("P4", "Benhamou", "Karim", "M.", email="karim@exemple.fr"),
        fabrique.Personne("P5", "Thévenin", "Josiane", "MME", email="josiane@exemple.fr"),
        fabrique.Personne("P6", "Bœuf", "Gaëlle", "MME", email="gaelle@exemple.fr"),
        fabrique.Personne("P7", "Haddad", "Mehdi", "M.", email="mehdi@exemple.fr"),
        fabrique.Personne("P8", "Da Silva", "Côme", "M.", email="come@exemple.fr"),
    ]
    lycee.liens = [
        fabrique.Lien("E1", "P1", 1, "10"),
        fabrique.Lien("E1", "P2", 1, "20"),
        fabrique.Lien("E2", "P3", 1, "10"),
        fabrique.Lien("E3", "P4", 2, "41"),
        fabrique.Lien("E3", "P5", 3, "39"),
        fabrique.Lien("E4", "P6", 1, "10"),
        fabrique.Lien("E5", "P7", 1, "20"),
        fabrique.Lien("E6", "P1", 1, "10"),
        fabrique.Lien("E7", "P8", 1, "20"),
    ]
    return lycee


@pytest.fixture
def lycee():
    return petit_lycee()


@pytest.fixture
def ecrire(tmp_path):
    """Write a description's files into a fresh folder; return their paths."""
    compteur = iter(range(1000))

    def _ecrire(lycee, **options):
        return fabrique.ecrire(lycee, tmp_path / f"export{next(compteur)}", **options)

    return _ecrire
