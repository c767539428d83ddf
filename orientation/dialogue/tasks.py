"""The dialogue's periodic jobs (orientation/periodiques.py), each also a command for cron:

- the automatic publication of the class councils' results (R4, R16; docs/conseil-de-classe.md),
  command `publier_resultats`;
- R15's summary e-mail for the sessions that ended without a logout (docs/parcours-famille.md),
  command `recapitulatifs_fin_de_session`.
"""

from __future__ import annotations

import datetime
import time

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from orientation.accounts.middleware import expiree
from orientation.accounts.sessions import SessionStore
from orientation.periodiques import periodique, replanifier

from . import workflow


# Every hour: a result due "the day after the council" is published within the first hour of that
# day, and a worker that was down catches up at its next run (the publication is idempotent).
@periodique(datetime.timedelta(hours=1))
@task()
def publier_resultats() -> int:
    replanifier(publier_resultats)  # first, so that a crash during this run does not end the chain
    return workflow.publier_conseils_echus()


# Every 5 minutes: a family that closed its browser gets its summary soon after the session ends.
@periodique(datetime.timedelta(minutes=5))
@task()
def recapituler_sessions() -> int:
    replanifier(recapituler_sessions)
    return recapituler_sessions_terminees()


def session_terminee(donnees: dict, expire_le, maintenant: float) -> bool:
    return expire_le <= timezone.now() or expiree(donnees, maintenant)


def recapituler_sessions_terminees() -> int:
    """Returns the number of dossiers summarised."""
    maintenant = time.time()
    envoyes = 0
    User = get_user_model()
    for session in SessionStore.get_model_class().objects.iterator():
        donnees = session.get_decoded()
        modifies = donnees.get(workflow.SESSION_DOSSIERS_MODIFIES)
        if not modifies or not session_terminee(donnees, session.expire_date, maintenant):
            continue
        user = User.objects.filter(pk=donnees.get("_auth_user_id")).first()
        if user is not None:
            envoyes += workflow.envoyer_recapitulatif(user, modifies, session.session_key)
        # The session is over: it will not be summarised again, and cannot be resumed.
        session.delete()
    return envoyes
