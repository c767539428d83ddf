"""A legal representative as the staff's pages name them (pilotage's list of families to call)."""

import pytest

from orientation.etablissements.models import Responsable


@pytest.mark.parametrize(
    ("siecle", "affichee"),
    [("MME", "Mme"), ("Mme", "Mme"), ("M.", "M."), ("M", "M."), ("MLLE", "Mlle"), ("", "")],
)
def test_la_civilite_s_ecrit_comme_en_francais(siecle, affichee):
    responsable = Responsable(civilite=siecle, prenom="Hélène", nom="Lefèvre")
    assert responsable.civilite_affichee == affichee
    assert str(responsable) == f"{affichee} Hélène Lefèvre".strip()


def test_une_civilite_inconnue_reste_telle_quelle():
    assert str(Responsable(civilite="Dr", prenom="Ana", nom="Roy")) == "Dr Ana Roy"


@pytest.mark.parametrize(
    ("siecle", "affiche", "appel"),
    [
        ("0612826792", "06 12 82 67 92", "0612826792"),
        (" 06.12.82.67.92 ", "06 12 82 67 92", "0612826792"),
        ("06 12 82 67 92", "06 12 82 67 92", "0612826792"),
        ("+33 6 12 82 67 92", "+33 6 12 82 67 92", "+33612826792"),
        ("00 41 22 123 45 67", "00 41 22 123 45 67", "0041221234567"),
    ],
)
def test_un_numero_francais_s_ecrit_par_paires_et_s_appelle_d_un_geste(siecle, affiche, appel):
    responsable = Responsable(tel_portable=siecle, tel_professionnel="")
    assert responsable.telephones() == [("portable", affiche, appel)]
