"""Load the national catalogue of voies and spécialités, 2021 (orientation/campagnes/catalogue.py)."""

from django.db import migrations

from orientation.campagnes import catalogue


def charger(apps, schema_editor):
    catalogue.charger(apps.get_model("campagnes", "Voie"), apps.get_model("campagnes", "Specialite"))


class Migration(migrations.Migration):
    dependencies = [("campagnes", "0001_initial")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
