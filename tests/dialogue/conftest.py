import pytest

from orientation.accounts.models import Role
from orientation.dialogue.regles import VoeuSaisi
from tests.factories import PersonnelFactory

INTENTIONS = [
    VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SVT", "SES")),
    VoeuSaisi("technologique", "STMG"),
]
DEMANDES = [
    VoeuSaisi("technologique", "STI2D"),
    VoeuSaisi("generale", "GENERALE", ("MATHS", "PC", "SI")),
    VoeuSaisi("professionnelle", "PRO", option_pro="cap"),
]


@pytest.fixture
def intentions():
    return list(INTENTIONS)


@pytest.fixture
def demandes():
    return list(DEMANDES)


@pytest.fixture
def chef_de(db):
    def fabriquer(dossier, role=Role.CHEF_ETABLISSEMENT):
        return PersonnelFactory(etablissement=dossier.campagne.etablissement, role=role).user

    return fabriquer
