"""Sessions kept with their account (accounts.Session, docs/performance.md): the sessions open at
deployment are moved from Django's table, so that nobody is signed out; their account is written
at their next save (the fallback until then reads it as before)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def deplacer_les_sessions(apps, schema_editor):
    Ancienne = apps.get_model("sessions", "Session")
    Nouvelle = apps.get_model("accounts", "Session")
    lot = []
    for s in Ancienne.objects.iterator(chunk_size=2000):
        lot.append(Nouvelle(s.session_key, s.session_data, s.expire_date))
        if len(lot) == 2000:
            Nouvelle.objects.bulk_create(lot, ignore_conflicts=True)
            lot = []
    Nouvelle.objects.bulk_create(lot, ignore_conflicts=True)
    Ancienne.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_index_tentatives_axes"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "compte",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(deplacer_les_sessions, migrations.RunPython.noop, elidable=True),
    ]
