import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from . import reprise
from .sessions import authentifier

# Seconds of precision of the idle timeout: the last activity is rewritten at most this often.
ACTIVITE_PRECISION = 60
# The session's keys for its start and its last activity (seconds since the epoch).
DEBUT, DERNIERE_ACTIVITE = "_debut", "_derniere_activite"
# Set when this middleware ended the session, for the login page; removed by the next login.
EXPIREE = "_expiree"


def demarrer(session, maintenant: int) -> None:
    session[DEBUT] = maintenant
    session[DERNIERE_ACTIVITE] = maintenant


def restant(donnees, maintenant: float) -> float:
    """Seconds before the idle timeout or the absolute lifetime ends the session (ASVS V3.3),
    read from a session or from its decoded data; negative once it has ended."""
    debut = donnees.get(DEBUT, maintenant)
    derniere = donnees.get(DERNIERE_ACTIVITE, debut)
    return min(
        settings.SESSION_IDLE_TIMEOUT - (maintenant - derniere),
        settings.SESSION_ABSOLUTE_TIMEOUT - (maintenant - debut),
    )


def expiree(donnees, maintenant: float) -> bool:
    """The rule of this middleware, of the end-of-session summaries and of the page's warning."""
    return restant(donnees, maintenant) < 0


@receiver(user_logged_in, dispatch_uid="session_debut")
def _debut_de_session(sender, request, user, **kwargs):
    """The session's lifetime and activity start at login, written with the login's own save of
    the new session: the first page after it has nothing to write (it used to UPDATE the
    session once per login)."""
    if request is not None and hasattr(request, "session"):
        demarrer(request.session, int(time.time()))
        request.session.pop(EXPIREE, None)
        reprise.oublier_si_autre_compte(request.session, user.pk)


class SessionLimitsMiddleware:
    """Idle timeout and absolute lifetime of a session (ASVS V3.3). A form sent once the session
    has ended is kept for the login that follows (accounts/reprise.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            if DEBUT not in session:  # opened before its start was written at login
                demarrer(session, now)
            if expiree(session, now):
                if request.method == "POST":
                    request._compte_expire = request.user.pk
                logout(request)
                request.session[EXPIREE] = True
            elif now - session.get(DERNIERE_ACTIVITE, 0) >= ACTIVITE_PRECISION:
                # Written at most once a minute: not one session UPDATE per page (performance.md).
                session[DERNIERE_ACTIVITE] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A POST that came after the end goes to the login page, whose `next` is the page the
        form was on (not the address it was sent to, often a POST-only one), with the entry
        kept. After CsrfViewMiddleware's check: only the page's own form leaves an entry."""
        compte = getattr(request, "_compte_expire", None)
        if compte is None or getattr(view_func, "repond_sans_session", False):
            return None
        return redirect_to_login(reprise.garder(request, compte) or reprise.page_d_origine(request))


class AuthentificationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, whose `request.user` may take the account the session store read with the
    session (accounts/sessions.py): one query fewer per signed-in page, the same checks."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: authentifier(request, auth_middleware.get_user))
