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
