"""The family's pages after the council: response (R17, R18), agreement (R19), outcome (R21,
R22), and the family's timeline."""

import datetime

import pytest
from django.urls import reverse

from orientation.dialogue.models import Etat, Proposition
from tests.factories import CampagneFactory, UserFactory, famille

pytestmark = pytest.mark.django_db


def _famille(representants=2):
    return famille(
        CampagneFactory(definitive_ouverte=True),
        representants=representants,
        propositions_publiees=True,
    )


def _pk(dossier, code):
    return Proposition.objects.get(dossier=dossier, voie__code=code).pk


def test_R17_R18_page_de_reponse(client):
    dossier, (r1, _r2) = _famille()
    client.force_login(r1.user)
    page = client.get(reverse("dialogue:reponse", args=[dossier.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-avertir-depart="toujours"' in html and "js/orientation.js" in html  # R18 with JS
    assert "avertissement-depart" in html  # R18 without JS
    # Only the oui and the proposed voie can be ticked.
    assert f'value="{_pk(dossier, "STMG")}"' in html
    assert f'value="{_pk(dossier, "GENERALE")}"' in html
    assert f'value="{_pk(dossier, "STI2D")}"' not in html


def test_R17_R19_R21_acceptation_puis_accord(client, mailoutbox):
    dossier, (r1, r2) = _famille()
    client.force_login(r1.user)
    url = reverse("dialogue:reponse", args=[dossier.pk])
    reponse = client.post(url, {"choix": "accepte", "propositions": [_pk(dossier, "STMG")]})
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REPONSE_FAMILLE
    assert "En attente de la réponse de l&#x27;autre représentant légal" in client.get(
        url
    ).content.decode().replace("'", "&#x27;")
    client.force_login(r2.user)
    page = client.get(url).content.decode()
    assert 'name="d_accord"' in page
    client.post(reverse("dialogue:accord", args=[dossier.pk]), {"d_accord": "oui"})
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    page = client.get(url).content.decode()
    assert "Décision d&#x27;orientation" in page
    assert "Historique du dossier" in page


def test_R17_refus_dit_de_contacter_le_chef(client):
    dossier, (r1, _r2) = _famille()
    client.force_login(r1.user)
    url = reverse("dialogue:reponse", args=[dossier.pk])
    page = client.post(url, {"choix": "refuse"}, follow=True).content.decode()
    assert "Contactez immédiatement le chef d&#x27;établissement" in page
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS


def test_R17_reponse_invalide_message_a_cote_du_champ(client):
    dossier, (r1, _r2) = _famille()
    client.force_login(r1.user)
    url = reverse("dialogue:reponse", args=[dossier.pk])
    page = client.post(url, {"choix": "accepte"})
    assert page.status_code == 400
    assert "Cochez au moins une proposition" in page.content.decode()
    # A non answer smuggled in: refused by the form, nothing saved.
    page = client.post(url, {"choix": "accepte", "propositions": [_pk(dossier, "STI2D")]})
    assert page.status_code == 400
    dossier.refresh_from_db()
    assert dossier.etat == Etat.PROPOSITIONS_PUBLIEES


def test_reponse_autre_famille_ou_personnel_404(client, chef_de):
    dossier, _ = _famille()
    autre, (etranger,) = famille(representants=1)
    for user in (etranger.user, chef_de(dossier), UserFactory()):
        client.force_login(user)
        assert client.get(reverse("dialogue:reponse", args=[dossier.pk])).status_code == 404
        assert (
            client.post(reverse("dialogue:accord", args=[dossier.pk]), {"d_accord": "oui"})
        ).status_code == 404


def test_X_eleve_majeur_page_de_reponse(client, django_user_model):
    dossier, (r1, _r2) = _famille()
    eleve = dossier.eleve
    eleve.date_naissance = datetime.date(2000, 1, 1)
    eleve.user = django_user_model.objects.create_user("majeur", email="m@exemple.fr")
    eleve.save()
    client.force_login(r1.user)
    assert client.get(reverse("dialogue:reponse", args=[dossier.pk])).status_code == 404
    client.force_login(eleve.user)
    client.post(
        reverse("dialogue:reponse", args=[dossier.pk]),
        {"choix": "accepte", "propositions": [_pk(dossier, "GENERALE")]},
    )
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE


def test_la_fiche_de_la_famille_mene_a_la_reponse(client):
    dossier, (r1, _r2) = _famille()
    client.force_login(r1.user)
    page = client.get(reverse("dialogue:famille_dossier", args=[dossier.pk])).content.decode()
    assert reverse("dialogue:reponse", args=[dossier.pk]) in page
