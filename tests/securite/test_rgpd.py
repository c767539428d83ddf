"""RGPD: the purge of finished campaigns past their retention."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orientation.dialogue.models import Dossier, Evenement
from tests.factories import CampagneFactory, famille

pytestmark = pytest.mark.django_db


def test_purge_une_campagne_terminee_au_dela_de_sa_conservation(settings):
    il_y_a = timezone.now() - datetime.timedelta(days=settings.RETENTION_CAMPAGNE_JOURS + 1)
    ancienne = CampagneFactory(reponse_limite=il_y_a, annee=2020)
    vieux, _ = famille(ancienne)
    recent, _ = famille()
    Evenement.objects.create(dossier=recent, action="test")
    vieil_evenement = Evenement.objects.create(dossier=recent, action="ancien")
    Evenement.objects.filter(pk=vieil_evenement.pk).update(
        quand=timezone.now() - datetime.timedelta(days=settings.RETENTION_EVENEMENTS_JOURS + 1)
    )

    call_command("purger_campagne", "--dry-run")
    assert Dossier.objects.filter(pk=vieux.pk).exists()

    call_command("purger_campagne")
    assert not Dossier.objects.filter(pk=vieux.pk).exists()
    assert Dossier.objects.filter(pk=recent.pk).exists()
    assert list(Evenement.objects.values_list("action", flat=True)) == ["test"]


def test_export_de_tout_ce_qui_concerne_la_famille_et_rien_d_autre(client):
    dossier, (rep, _) = famille(propositions_publiees=True)
    autre, _ = famille(dossier.campagne)
    # A name no generated name can contain (a random "Martin" is inside "Martineau").
    autre.eleve.nom = "Quelautrenom"
    autre.eleve.save(update_fields=["nom"])
    client.force_login(rep.user)
    reponse = client.get(reverse("dialogue:mes_donnees"))
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    donnees = json.loads(reponse.content)
    assert donnees["compte"]["email"] == rep.user.email
    assert [d["pk"] for d in donnees["dossiers"]] == [dossier.pk]
    assert len(donnees["voeux"]) > 0 and len(donnees["propositions"]) == 3
    assert autre.eleve.nom not in reponse.content.decode()
