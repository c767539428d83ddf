import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# Seconds of precision of the idle timeout: the last activity is rewritten at most this often.
ACTIVITE_PRECISION = 60


@receiver(user_logged_in, dispatch_uid="session_debut")
def _debut_de_session(sender, request, user, **kwargs):
    """The session's lifetime and activity start at login, written with the login's own save of
    the new session: the first page after it has nothing to write (it used to UPDATE the
    session once per login)."""
    if request is not None and hasattr(request, "session"):
        maintenant = int(time.time())
        request.session["_debut"] = maintenant
        request.session["_derniere_activite"] = maintenant


class SessionLimitsMiddleware:
    """Idle timeout and absolute lifetime of a session (ASVS V3.3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("_debut", now)
            last = request.session.get("_derniere_activite", now)
            if (
                now - last > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                request.session["_expiree"] = True
            elif now - last >= ACTIVITE_PRECISION or "_derniere_activite" not in request.session:
                # Written at most once a minute: not one session UPDATE per page (performance.md).
                request.session["_derniere_activite"] = now
        return self.get_response(request)
