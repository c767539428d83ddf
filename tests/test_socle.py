from django.core.management import call_command

from orientation.campagnes.models import Specialite, Voie


def test_catalogue_2021_est_charge(db):
    assert Voie.objects.count() == 11  # R8: each voie at most once, so at most 11 voeux
    assert Voie.objects.filter(famille="technologique").count() == 8  # R10
    assert Specialite.objects.count() == 19


def test_aucune_migration_manquante(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_famille_factory(db):
    from tests.factories import famille

    dossier, responsables = famille()
    assert len(responsables) == 2
    assert {r.etablissement for r in responsables} == {dossier.campagne.etablissement}
