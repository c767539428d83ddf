"""Hostile input (ASVS V5): random and hostile text in every public and staff form never gives a
500 and writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orientation.accounts.models import Role, User
from orientation.dialogue.models import Evenement
from tests.factories import PersonnelFactory

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "\x00",
            "../../etc/passwd",
            "a" * 5000,
            "{{ settings.SECRET_KEY }}",
            "%(x)s",
            "\u202e",
        ]
    ),
)
CHAMPS = st.dictionaries(
    st.sampled_from(
        [
            "username",
            "password",
            "identifiant",
            "code",
            "password1",
            "password2",
            "email",
            "prenom",
            "nom",
            "role",
            "divisions",
            "new_password1",
            "new_password2",
            "old_password",
        ]
    ),
    HOSTILE,
    max_size=8,
)
REGLAGES = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.mark.django_db
@pytest.mark.parametrize("nom", ["accounts:login", "accounts:activer", "accounts:reinitialiser"])
def test_formulaires_publics(nom):
    url = reverse(nom)

    @REGLAGES
    @given(CHAMPS)
    def essai(donnees):
        avant = (User.objects.count(), Evenement.objects.count())
        reponse = Client().post(url, {k: v.replace("\x00", "") for k, v in donnees.items()})
        assert reponse.status_code < 500
        assert (User.objects.count(), Evenement.objects.count()) == avant

    essai()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nom", ["accounts:personnels", "accounts:profil_email", "accounts:mot_de_passe"]
)
def test_formulaires_connectes(nom):
    poste = PersonnelFactory(role=Role.CHEF_ETABLISSEMENT)
    client = Client()
    client.force_login(poste.user)
    kwargs = {"uai": poste.etablissement.uai} if "personnels" in nom else {}
    url = reverse(nom, kwargs=kwargs)

    @REGLAGES
    @given(CHAMPS)
    def essai(donnees):
        avant = (User.objects.count(), Evenement.objects.count())
        reponse = client.post(url, donnees)
        assert reponse.status_code < 500
        assert (User.objects.count(), Evenement.objects.count()) == avant

    essai()
