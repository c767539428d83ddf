"""The head's pages (R20–R23, X): the list, the interview, the decision, the appeal, the
printable form, and who gets a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.dialogue import workflow
from orientation.dialogue.models import Decision, Etat, Evenement
from orientation.notifications.models import Notification
from tests.factories import CampagneFactory, famille

pytestmark = pytest.mark.django_db


def _famille(campagne=None, representants=2):
    return famille(
        campagne or CampagneFactory(definitive_ouverte=True),
        representants=representants,
        propositions_publiees=True,
    )


def _en_entretien(chef_de):
    dossier, (r1, r2) = _famille()
    workflow.repondre(dossier, r1.user, accepte=False)
    return dossier, r1, r2, chef_de(dossier)


def test_liste_des_dossiers_a_suivre_et_requetes_bornees(
    client, chef_de, django_assert_max_num_queries
):
    campagne = CampagneFactory(definitive_ouverte=True)
    dossier, (r1, _r2) = _famille(campagne)
    chef = chef_de(dossier)
    client.force_login(chef)
    url = reverse("dialogue:direction_liste", args=[campagne.etablissement.uai])
    client.get(url)
    with django_assert_max_num_queries(12):
        petite = client.get(url)
    for _ in range(5):
        _famille(campagne)
    with django_assert_max_num_queries(12):
        grande = client.get(url)
    assert petite.status_code == grande.status_code == 200
    assert grande.content.decode().count("direction/dossier/") >= 6


def test_X_traiter_apres_la_date_limite(client, chef_de):
    campagne = CampagneFactory(definitive_ouverte=True)
    dossier, (r1, r2) = _famille(campagne)
    workflow.repondre(
        dossier,
        r1.user,
        accepte=True,
        propositions=dossier.propositions.filter(voie__code="STMG").values_list("pk", flat=True),
    )
    chef = chef_de(dossier)
    client.force_login(chef)
    liste = client.get(reverse("dialogue:direction_liste", args=[campagne.etablissement.uai]))
    assert "En attente du second représentant" in liste.content.decode()
    # Before the deadline: refused with a message, nothing changes.
    client.post(reverse("dialogue:direction_exiger", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REPONSE_FAMILLE
    campagne.reponse_limite = timezone.now() - datetime.timedelta(minutes=1)
    campagne.save()
    page = client.get(reverse("dialogue:direction_liste", args=[campagne.etablissement.uai]))
    assert "Traiter après la date limite" in page.content.decode()
    client.post(reverse("dialogue:direction_exiger", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS
    evenement = Evenement.objects.filter(dossier=dossier, action="exiger_entretien").get()
    assert evenement.acteur == chef
    assert Notification.objects.filter(dossier=dossier, evenement="entretien_requis").count() == 2


def test_R22_X_R23_entretien_decision_recours_statuer(client, chef_de):
    dossier, r1, r2, chef = _en_entretien(chef_de)
    client.force_login(chef)
    page = reverse("dialogue:direction_dossier", args=[dossier.pk])
    assert 'name="participants"' in client.get(page).content.decode()
    futur = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refus = client.post(
        reverse("dialogue:direction_entretien", args=[dossier.pk]),
        {"tenu_le": futur, "participants": "x", "compte_rendu": "y"},
    )
    assert refus.status_code == 400
    assert "futur" in refus.content.decode()
    passe = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("dialogue:direction_entretien", args=[dossier.pk]),
        {"tenu_le": passe, "participants": "Mère, élève", "compte_rendu": "Désaccord."},
    )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_TENU
    # X: different from the request without motivation: the message is next to the form.
    sans = client.post(
        reverse("dialogue:direction_decision", args=[dossier.pk]), {"voies": ["GENERALE"]}
    )
    assert sans.status_code == 400
    assert "motivation écrite est obligatoire" in sans.content.decode()
    assert not Decision.objects.exists()
    client.post(
        reverse("dialogue:direction_decision", args=[dossier.pk]),
        {"voies": ["GENERALE"], "motivation": "Résultats et projet."},
    )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    assert Notification.objects.filter(evenement="decision_apres_entretien").count() == 2
    imprimer = client.get(reverse("dialogue:direction_imprimer", args=[dossier.pk]))
    assert "Formulaire de recours" in imprimer.content.decode()
    client.post(
        reverse("dialogue:direction_recours", args=[dossier.pk]),
        {"objet": "appel", "depose_le": timezone.localdate().strftime("%d/%m/%Y")},
    )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.RECOURS
    client.post(
        reverse("dialogue:direction_statuer", args=[dossier.pk]),
        {
            "issue_type": "commission",
            "voie": "STI2D",
            "date_commission": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    assert [v.code for v in workflow.decision_en_vigueur(dossier).voies.all()] == ["STI2D"]
    # The family sees the decision in force and its timeline.
    client.force_login(r1.user)
    famille_page = client.get(reverse("dialogue:reponse", args=[dossier.pk])).content.decode()
    assert "Issue du recours" in famille_page


def test_decision_pdf(client, chef_de):
    dossier, (seul,) = _famille(representants=1)
    workflow.repondre(
        dossier,
        seul.user,
        accepte=True,
        propositions=dossier.propositions.filter(voie__code="STMG").values_list("pk", flat=True),
    )
    client.force_login(chef_de(dossier))
    pdf = client.get(reverse("dialogue:direction_imprimer", args=[dossier.pk]) + "?format=pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.PROFESSEUR_PRINCIPAL, Role.SECRETARIAT])
def test_pages_de_la_direction_404_pour_les_autres(client, chef_de, role):
    dossier, r1, _r2, _chef = _en_entretien(chef_de)
    autre_ecole, _ = _famille()
    intrus = [r1.user, chef_de(dossier, role), chef_de(autre_ecole)]
    for user in intrus:
        client.force_login(user)
        for nom in ("direction_dossier", "direction_imprimer"):
            assert client.get(reverse(f"dialogue:{nom}", args=[dossier.pk])).status_code == 404
        for nom in ("direction_exiger", "direction_entretien", "direction_decision"):
            assert client.post(reverse(f"dialogue:{nom}", args=[dossier.pk])).status_code == 404
    client.force_login(r1.user)
    uai = dossier.campagne.etablissement.uai
    assert client.get(reverse("dialogue:direction_liste", args=[uai])).status_code == 404
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS
