"""Sessions in the database, as Django's `db` engine, read by a query compiled once per process
(orientation/requetes.py): every authenticated request reads its session."""

from django.contrib.sessions.backends.db import SessionStore as SessionEnBase
from django.contrib.sessions.models import Session
from django.utils import timezone

from orientation.requetes import RequeteFigee

_SESSION = RequeteFigee(
    lambda cle, maintenant: Session.objects.filter(session_key=cle).filter(
        expire_date__gt=maintenant
    )
)


class SessionStore(SessionEnBase):
    def _get_session_from_db(self):
        trouvees = _SESSION.objets(self.session_key, timezone.now())
        if trouvees:
            return trouvees[0]
        self._session_key = None
        return None
