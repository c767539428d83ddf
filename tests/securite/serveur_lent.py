"""The WSGI application of test_panne_serveur_tue: the real one, with a pause inside the family's
validation transaction (after the dossier's row lock, and again once the new list is written but
before the Saisie, the Evenement and the e-mail), so that a SIGKILL lands, most of the time, while
several transactions are open and half done. Only the test's gunicorn loads this module."""

import os
import time

# What gunicorn serves; with --preload, imported once before the workers are forked, the
# URLconf and every view module loaded (orientation/demarrage.py).
from orientation.wsgi import application  # noqa: F401

# isort: split
from orientation.dialogue import workflow  # after Django's setup, done by the import above

PAUSE = float(os.environ.get("ORIENTATION_TEST_PAUSE", "0.05"))
_remplacer_voeux = workflow._remplacer_voeux


def _remplacer_lentement(dossier, phase, voeux):
    time.sleep(PAUSE)
    crees = _remplacer_voeux(dossier, phase, voeux)
    time.sleep(PAUSE)
    return crees


workflow._remplacer_voeux = _remplacer_lentement
