import re

import pytest

from orientation.notifications.models import Notification
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    EtablissementFactory,
    PersonnelFactory,
)


def lien_du_courriel(row: Notification) -> str:
    """The path of the single link of an activation or reset e-mail."""
    url = re.search(r"https?://\S+/compte/\S+/", row.corps_texte).group(0)
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def ecole(db):
    etab = EtablissementFactory()
    CampagneFactory(etablissement=etab)
    return etab


@pytest.fixture
def division(ecole):
    return DivisionFactory(etablissement=ecole)


@pytest.fixture
def chef(ecole):
    return PersonnelFactory(etablissement=ecole, role="chef_etablissement").user
