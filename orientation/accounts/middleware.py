import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from .sessions import authentifier

# Seconds of precision of the idle timeout: the last activity is rewritten at most this often.
ACTIVITE_PRECISION = 60
# The session's keys for its start and its last activity (seconds since the epoch).
DEBUT, DERNIERE_ACTIVITE = "_debut", "_derniere_activite"


def demarrer(session, maintenant: int) -> None:
    session[DEBUT] = maintenant
    session[DERNIERE_ACTIVITE] = maintenant


def expiree(donnees, maintenant: float) -> bool:
    """The idle timeout or the absolute lifetime has passed (ASVS V3.3), read from a session or
    from its decoded data: the rule of this middleware and of the end-of-session summaries."""
    debut = donnees.get(DEBUT, maintenant)
    derniere = donnees.get(DERNIERE_ACTIVITE, debut)
    return (
        maintenant - derniere > settings.SESSION_IDLE_TIMEOUT
        or maintenant - debut > settings.SESSION_ABSOLUTE_TIMEOUT
    )


@receiver(user_logged_in, dispatch_uid="session_debut")
def _debut_de_session(sender, request, user, **kwargs):
    """The session's lifetime and activity start at login, written with the login's own save of
    the new session: the first page after it has nothing to write (it used to UPDATE the
    session once per login)."""
    if request is not None and hasattr(request, "session"):
        demarrer(request.session, int(time.time()))


class SessionLimitsMiddleware:
    """Idle timeout and absolute lifetime of a session (ASVS V3.3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            if DEBUT not in session:  # opened before its start was written at login
                demarrer(session, now)
            if expiree(session, now):
                logout(request)
                request.session["_expiree"] = True
            elif now - session.get(DERNIERE_ACTIVITE, 0) >= ACTIVITE_PRECISION:
                # Written at most once a minute: not one session UPDATE per page (performance.md).
                session[DERNIERE_ACTIVITE] = now
        return self.get_response(request)


class AuthentificationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, whose `request.user` may take the account the session store read with the
    session (accounts/sessions.py): one query fewer per signed-in page, the same checks."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: authentifier(request, auth_middleware.get_user))
