"""The web process's start (orientation/demarrage.py): the loaded application is frozen out of
the cyclic garbage collector's reach before serving, views included, and serves as before."""

import json
import subprocess
import sys

from django.conf import settings

# Run in a process of its own: freezing the test process would keep every object of the tests
# run so far alive until the end.
PROGRAMME = """
import gc, json, sys
avant = gc.get_freeze_count()
from orientation.wsgi import application
from django.test import Client
reponse = Client(HTTP_HOST="127.0.0.1").get("/sante/")
print(json.dumps({
    "avant": avant,
    "geles": gc.get_freeze_count(),
    "vues": "orientation.dialogue.views.famille" in sys.modules,
    "statut": reponse.status_code,
}))
"""


def test_le_processus_web_gele_l_application_chargee_vues_comprises():
    sortie = subprocess.run(
        [sys.executable, "-c", PROGRAMME],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "orientation.settings", "PATH": "/usr/bin:/bin"},
    )
    resultat = json.loads(sortie.stdout.strip().splitlines()[-1])
    # Django, the service's models, URLconf and views: far more than a bare interpreter's.
    assert resultat["geles"] > resultat["avant"] + 50_000, resultat
    assert resultat["vues"], "les vues sont importées avant le gel"
    assert resultat["statut"] == 200
