"""An entry sent once the session had ended is not lost (docs/accessibilite.md, « Fin de session »).

When SessionLimitsMiddleware ends a session on a form's POST, what was typed is kept in the new,
anonymous session — after the CSRF check, so that only the page's own form can leave it there —
and the browser is sent to the login page, whose `next` is the page the form was on. The login
keeps the session's data (Django's login() only renews its key), and that page then gives the
entry back, once, to the same account: never saved on the user's behalf (the dossier may have
changed meanwhile), only put back into the form, to be checked and sent again.
"""

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

CLE = "_saisie_a_reprendre"
# What is kept is for the login that follows at once, not for another day.
DUREE = 3600
# A form's text, not a file: more than this is not kept in the session.
TAILLE_MAX = 64 * 1024
_IGNORES = frozenset({"csrfmiddlewaretoken"})


@dataclass
class Reprise:
    action: str  # the path the form was sent to
    donnees: QueryDict
    remise_par_la_vue: bool = False  # the view rebuilt its form from it (no script needed)

    def champs(self) -> list:
        """The fields for orientation.js: [name, [values]] pairs."""
        return list(self.donnees.lists())


def page_d_origine(request) -> str:
    """The page the form was on: the Referer when it is this site's (the form may post to
    another address, a grid's save, a decision), or else the address the form was sent to."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        morceaux = urlsplit(referer)
        return morceaux.path + (f"?{morceaux.query}" if morceaux.query else "")
    return request.get_full_path()


def garder(request, compte_pk) -> str | None:
    """Keeps the POST's fields (not its files, not its CSRF token) in the session for the account
    that was signed in; returns the page to come back to, or None when nothing is kept (a form
    with only buttons, a file, more than TAILLE_MAX)."""
    if request.FILES:
        return None
    donnees = [(nom, valeurs) for nom, valeurs in request.POST.lists() if nom not in _IGNORES]
    if not donnees or len(json.dumps(donnees)) > TAILLE_MAX:
        return None
    page = page_d_origine(request)
    request.session[CLE] = {
        "compte": str(compte_pk),
        "page": urlsplit(page).path,
        "action": request.path,
        "donnees": donnees,
        "instant": int(time.time()),
    }
    return page


def reprendre(request) -> Reprise | None:
    """The entry kept for this account and this page, taken out of the session (it is given back
    once); the same object for every call in the request."""
    if hasattr(request, "_reprise"):
        return request._reprise
    reprise = None
    gardee = request.session.get(CLE) if request.user.is_authenticated else None
    if gardee is not None and gardee.get("page") == request.path:
        del request.session[CLE]
        if gardee.get("compte") == str(request.user.pk) and (
            time.time() - gardee.get("instant", 0) <= DUREE
        ):
            donnees = QueryDict(mutable=True)
            for nom, valeurs in gardee["donnees"]:
                donnees.setlist(nom, valeurs)
            donnees._mutable = False
            reprise = Reprise(gardee["action"], donnees)
    request._reprise = reprise
    return reprise


def oublier_si_autre_compte(session, compte_pk) -> None:
    """At login: an entry kept for another account is dropped (a shared computer)."""
    gardee = session.get(CLE)
    if gardee is not None and gardee.get("compte") != str(compte_pk):
        del session[CLE]
