import logging

import pytest

from orientation.etablissements.models import Personnel
from orientation.notifications.models import Notification
from tests.factories import DivisionFactory, LienFactory, PersonnelFactory, UserFactory


def _url(ecole, suffixe=""):
    return f"/compte/etablissement/{ecole.uai}/personnels/{suffixe}"


def _creer(client, ecole, **data):
    donnees = {"prenom": "Paul", "nom": "Prof", "email": "paul.prof@ac-exemple.fr"}
    donnees.update(data)
    return client.post(_url(ecole), donnees)


@pytest.mark.parametrize("role", ["chef_etablissement", "adjoint", "secretariat"])
def test_creation_d_un_professeur_principal(client, ecole, division, role, caplog):
    acteur = PersonnelFactory(etablissement=ecole, role=role).user
    client.force_login(acteur)
    with caplog.at_level(logging.INFO, logger="orientation.audit.personnels"):
        response = _creer(client, ecole, role="professeur_principal", divisions=[division.pk])
    assert response.status_code == 302
    poste = Personnel.objects.get(role="professeur_principal")
    assert poste.etablissement == ecole
    assert list(poste.divisions.all()) == [division]
    assert poste.user.email == "paul.prof@ac-exemple.fr"
    assert poste.user.activated_at is None and not poste.user.has_usable_password()
    assert Notification.objects.get(evenement="activation").destinataire_id == poste.user_id
    assert "action=personnel_cree" in caplog.text and f"acteur={acteur.pk}" in caplog.text


def test_professeur_principal_sans_division_refuse(client, ecole, division, chef):
    client.force_login(chef)
    response = _creer(client, ecole, role="professeur_principal")
    assert response.status_code == 400
    assert "Cochez au moins une division" in response.content.decode()
    assert not Personnel.objects.filter(role="professeur_principal").exists()


def test_division_d_une_autre_ecole_refusee(client, ecole, chef):
    ailleurs = DivisionFactory()
    client.force_login(chef)
    response = _creer(client, ecole, role="professeur_principal", divisions=[ailleurs.pk])
    assert response.status_code == 400
    assert not Personnel.objects.filter(role="professeur_principal").exists()


def test_compte_existant_recoit_le_role_sans_nouveau_compte(client, ecole, chef):
    existant = UserFactory(email="deja@ac-exemple.fr")
    client.force_login(chef)
    _creer(client, ecole, role="secretariat", email="DEJA@ac-exemple.fr")
    assert Personnel.objects.get(role="secretariat").user == existant
    assert not Notification.objects.exists()  # already activated
    response = _creer(client, ecole, role="secretariat", email="deja@ac-exemple.fr")
    assert response.status_code == 400
    assert "déjà ce rôle" in response.content.decode()


@pytest.mark.parametrize("qui,attendu", [("pp", 403), ("autre_chef", 404), ("famille", 404)])
def test_personnels_reserves(client, ecole, division, chef, qui, attendu):
    if qui == "pp":
        user = PersonnelFactory(
            etablissement=ecole, role="professeur_principal", divisions=[division]
        ).user
    elif qui == "autre_chef":
        user = PersonnelFactory(role="chef_etablissement").user
    else:
        user = LienFactory(eleve__division=division).responsable.user
    poste = Personnel.objects.get(user=chef)
    client.force_login(user)
    assert client.get(_url(ecole)).status_code == attendu
    assert _creer(client, ecole, role="chef_etablissement").status_code == attendu
    assert client.post(_url(ecole, f"{poste.pk}/retirer/")).status_code == attendu
    assert Personnel.objects.filter(user=chef).exists()
    assert not Personnel.objects.filter(user__email="paul.prof@ac-exemple.fr").exists()


def test_anonyme_renvoye_a_la_connexion(client, ecole):
    assert client.get(_url(ecole)).status_code == 302


def test_modifier_les_divisions(client, ecole, division, chef, caplog):
    autre = DivisionFactory(etablissement=ecole)
    poste = PersonnelFactory(etablissement=ecole, role="professeur_principal", divisions=[division])
    client.force_login(chef)
    assert client.get(_url(ecole, f"{poste.pk}/")).status_code == 200
    with caplog.at_level(logging.INFO, logger="orientation.audit.personnels"):
        response = client.post(_url(ecole, f"{poste.pk}/"), {"divisions": [autre.pk]})
    assert response.status_code == 302
    assert list(poste.divisions.all()) == [autre]
    assert "personnel_divisions_modifiees" in caplog.text


def test_poste_d_une_autre_ecole_introuvable(client, ecole, chef):
    ailleurs = PersonnelFactory(role="professeur_principal")
    client.force_login(chef)
    assert client.get(_url(ecole, f"{ailleurs.pk}/")).status_code == 404
    assert client.post(_url(ecole, f"{ailleurs.pk}/retirer/")).status_code == 404
    assert Personnel.objects.filter(pk=ailleurs.pk).exists()


def test_retirer_un_role(client, ecole, chef, caplog):
    poste = PersonnelFactory(etablissement=ecole, role="secretariat")
    client.force_login(chef)
    with caplog.at_level(logging.INFO, logger="orientation.audit.personnels"):
        assert client.post(_url(ecole, f"{poste.pk}/retirer/")).status_code == 302
    assert not Personnel.objects.filter(pk=poste.pk).exists()
    assert "personnel_role_retire" in caplog.text


def test_on_ne_retire_pas_son_propre_role(client, ecole, chef):
    poste = Personnel.objects.get(user=chef)
    client.force_login(chef)
    response = client.post(_url(ecole, f"{poste.pk}/retirer/"), follow=True)
    assert "propre rôle" in response.content.decode()
    assert Personnel.objects.filter(pk=poste.pk).exists()


def test_liste_des_personnels(client, ecole, division, chef):
    pp = PersonnelFactory(etablissement=ecole, role="professeur_principal", divisions=[division])
    PersonnelFactory(role="secretariat")  # another school
    client.force_login(chef)
    response = client.get(_url(ecole))
    assert [p.pk for p in response.context["postes"]].count(pp.pk) == 1
    assert len(response.context["postes"]) == 2
    assert division.code in response.content.decode()
