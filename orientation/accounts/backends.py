import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.utils.crypto import get_random_string

from orientation.requetes import RequeteFigee

from .permissions import un_poste
from .sessions import compte_prelu


def _compte(pk):
    return get_user_model()._default_manager.filter(pk=pk).annotate(_un_poste=un_poste("pk"))


_COMPTE = RequeteFigee(_compte)


@functools.cache
def _empreinte_factice(algorithme):
    """A hash of a random password, made once per process with the service's hasher."""
    return make_password(get_random_string(32), hasher=algorithme)


class CompteDeLaSession(ModelBackend):
    """Reloads the session's account on each request as ModelBackend does — read with the session
    itself when the session store could (accounts/sessions.py), else by a query compiled once per
    process (orientation/requetes.py). The same query says whether the account holds a
    staff position (`_un_poste`): a family's request, most of them, then reads no positions
    (permissions._postes)."""

    def get_user(self, user_id):
        pk = get_user_model()._meta.pk.to_python(user_id)
        # Read with the session by the same query, when the session is the request's (sessions.py).
        compte = compte_prelu(pk)
        if compte is None:
            compte = _COMPTE.premier(pk)
        if compte is not None and self.user_can_authenticate(compte):
            return compte
        return None


class EmailOrUsernameBackend(CompteDeLaSession):
    """Log in with the identifier printed on the activation letter, or with the e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        User = get_user_model()
        login = username.strip()
        user = User.objects.filter(username__iexact=login).first()
        if user is None and "@" in login:
            matches = list(User.objects.filter(email__iexact=login)[:2])
            # An address shared by two accounts identifies neither: the identifier is needed.
            user = matches[0] if len(matches) == 1 else None
        if user is None or not user.has_usable_password():
            # The same work as for an account with a password, one hash verification (not an
            # encoding, which costs more): no account enumeration by timing.
            check_password(password, _empreinte_factice(get_hasher().algorithm))
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
