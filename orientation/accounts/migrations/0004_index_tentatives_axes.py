"""An index on django-axes' attempt time.

On every successful login and every logout, django-axes deletes the failed attempts older than
the cool-off (AXES_COOLOFF_TIME) from the whole table: `attempt_time <= now - 15 min`. Its table
has no index on that column, so each of those requests scanned it all. Under a wave of failed
logins (password spraying: 500,000 rows within the cool-off) that scan took 47 ms and three
PostgreSQL processes, per login and per logout, against 0.02 ms with this index
(docs/performance.md, « Tentatives de connexion »). django-axes is a dependency, so the index is
created here, by SQL that PostgreSQL and SQLite both accept.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_index_insensibles_a_la_casse"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS axes_tentative_heure ON axes_accessattempt (attempt_time)",
            reverse_sql="DROP INDEX IF EXISTS axes_tentative_heure",
        ),
    ]
