"""PostgreSQL plans a page's ten-table join in ≈ 4 ms and runs it in 0.5 ms: statements are
prepared on the persistent connection so the plan is made once (settings.py, performance.md)."""

import pytest
from django.db import connection

from orientation.dialogue.models import Dossier

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL seulement"),
]


def test_une_requete_repetee_est_preparee_par_le_serveur():
    requete = Dossier.objects.select_related(
        "campagne__etablissement", "eleve__division", "titulaire_intentions", "avis_accuse_par"
    ).filter(pk=-1)
    for _ in range(10):
        list(requete.all())  # a new evaluation each time, not the cached result
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "dialogue_dossier"%'],
        )
        assert cur.fetchone()[0] >= 1
