"""Sessions in the database, as Django's `db` engine, read by a query compiled once per process
(orientation/requetes.py): every authenticated request reads its session.

The session's row (accounts.Session) carries the account signed in to it: the same query reads
the account, with what CompteDeLaSession's own query reads (whether it holds a staff position),
and the request's authentication takes it from there (`compte_prelu`) instead of querying again
— one query fewer on every signed-in page (docs/performance.md). Django's checks are unchanged:
the account must be the session's, active, and its password the one the session was opened
with (its hash, read by the same query); otherwise the account is read as before."""

import contextvars

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as SessionEnBase
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils import timezone

from orientation.requetes import RequeteFigee

from . import permissions


def _session(niveau, cle, maintenant):
    """The parameters in the order of the compiled SQL: the links' level is in its SELECT clause
    (permissions.liens_du_compte), before the session's key and the time in its WHERE."""
    from .models import Session

    return (
        Session.objects.filter(session_key=cle)
        .filter(expire_date__gt=maintenant)
        .select_related("compte")
        # As accounts/backends.py reads the account; and what permissions reads of a family.
        .annotate(_un_poste=permissions.un_poste("compte_id"))
        .annotate(_liens=permissions.liens_du_compte("compte_id", niveau))
    )


_SESSION = RequeteFigee(_session)


def _par_cle(cle):
    from .models import Session

    return Session.objects.filter(session_key=cle)


# At each login, the new session's key is checked free (Django's db engine): compiled once too.
_CLE_PRISE = RequeteFigee(lambda cle: _par_cle(cle).values_list("pk")[:1])
# At each logout (and at a login over an earlier session), the session's row is deleted.
_SUPPRIMER = RequeteFigee(_par_cle, suppression=True)


class SessionStore(SessionEnBase):
    # The account read with the session, for this request's authentication (or None).
    compte_lu = None

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.compte_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:  # a value that names no account: the session keeps none
            session.compte_id = None
        return session

    def exists(self, session_key):
        return bool(_CLE_PRISE.lignes(session_key))

    def save(self, must_create=False):
        """Django's save(), without its transaction.atomic() when no transaction is open (the
        response's save, always): the block is there so that a failed INSERT cannot spoil an
        enclosing transaction; alone, the one INSERT or UPDATE is atomic by itself, and the
        block only added BEGIN and COMMIT, two round trips at each login and at each
        validation (the session notes R15's changes). Same errors as Django's."""
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            return super().save(must_create)
        session = self.create_model_instance(self._get_session(no_load=must_create))
        try:
            session.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None  # the key is taken: create() draws another
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None  # the row is gone (logged out elsewhere)
            raise

    def delete(self, session_key=None):
        """Django's delete() reads the row, then deletes it through the ORM's collector: two
        statements and the collector's work. One DELETE of fixed shape here: no table refers to a
        session row, and nothing listens to its deletion (tests/securite/test_sessions_et_journal.py
        checks both)."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        _SUPPRIMER.supprimer(session_key)

    def cycle_key(self):
        """Django's cycle_key() (called by login()) writes a new session row at once, empty, then
        the response writes it again with the login's data: an INSERT and an UPDATE. Here the
        data is kept and the old row deleted as by Django, but the new key is drawn, checked
        free and written by the response's save(), as after flush(): one INSERT. Session fixation
        stays impossible: the old row is gone and the new key is drawn at random (32 characters
        of 36, checked free as by Django)."""
        donnees = self._session
        ancienne = self.session_key
        self._session_key = None
        self._session_cache = donnees
        self.modified = True
        if ancienne:
            self.delete(ancienne)

    def _get_session_from_db(self):
        trouvees = _SESSION.objets(permissions.LEGAL, self.session_key, timezone.now())
        if trouvees:
            session = trouvees[0]
            compte = session.compte
            if compte is not None:
                compte._un_poste = session._un_poste
                permissions.poser_liens_lus(compte, session._liens)
            self.compte_lu = compte
            return session
        self._session_key = None
        return None


# The session whose account the request's authentication may take (AuthentificationMiddleware):
# set for the duration of that authentication only, so that nothing else ever reads it.
_SESSION_A_AUTHENTIFIER = contextvars.ContextVar("session_a_authentifier", default=None)


def compte_prelu(pk):
    """The account read with the session being authenticated, if it is account `pk`."""
    session = _SESSION_A_AUTHENTIFIER.get()
    compte = getattr(session, "compte_lu", None)
    if compte is not None and compte.pk == pk:
        return compte
    return None


def authentifier(request, get_user):
    """Django's `get_user(request)` with the session's account offered to the backends."""
    jeton = _SESSION_A_AUTHENTIFIER.set(request.session)
    try:
        return get_user(request)
    finally:
        _SESSION_A_AUTHENTIFIER.reset(jeton)
