import time

from django.conf import settings
from django.contrib.auth import logout

# Seconds of precision of the idle timeout: the last activity is rewritten at most this often.
ACTIVITE_PRECISION = 60


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
