"""The security log (ASVS V7): authentication events and refused accesses, one JSON line each on
the `orientation.audit` logger. Never a password, a token or a session key: only the account id,
the username typed (login failures), the address and the path (docs/securite.md)."""

import json
import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.urls import Resolver404, resolve

journal = logging.getLogger("orientation.audit")

# Keys never written whatever a caller passes (credentials typed by the user).
SECRETS = {"password", "password1", "password2", "new_password1", "new_password2", "token"}


def adresse_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def tracer(evenement: str, request=None, **champs) -> None:
    ligne = {"evenement": evenement, "ip": adresse_ip(request)}
    if request is not None:
        ligne["chemin"] = request.path
    ligne.update({k: v for k, v in champs.items() if k not in SECRETS})
    journal.info(json.dumps(ligne, ensure_ascii=False, default=str, sort_keys=True))


@receiver(user_logged_in, dispatch_uid="journal_connexion")
def _connexion(sender, request, user, **kwargs):
    tracer("connexion", request, utilisateur=user.pk)


@receiver(user_login_failed, dispatch_uid="journal_echec")
def _echec(sender, credentials, request=None, **kwargs):
    # Django already masks the password in `credentials`; only the username is kept.
    tracer("connexion_echec", request, identifiant=str(credentials.get("username", ""))[:150])


@receiver(user_logged_out, dispatch_uid="journal_deconnexion")
def _deconnexion(sender, request, user, **kwargs):
    tracer("deconnexion", request, utilisateur=getattr(user, "pk", None))


@receiver(user_locked_out, dispatch_uid="journal_verrouillage")
def _verrouillage(sender, request, username, ip_address, **kwargs):
    tracer("verrouillage", request, identifiant=str(username or "")[:150])


class AccesRefusesMiddleware:
    """Logs a 403 or 404 answered on a page naming an object (a dossier, a division…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            try:
                correspondance = resolve(request.path_info)
            except Resolver404:
                return response
            if correspondance.kwargs:
                tracer(
                    "acces_refuse",
                    request,
                    statut=response.status_code,
                    vue=correspondance.view_name,
                    utilisateur=getattr(request.user, "pk", None),
                    objets={k: v for k, v in correspondance.kwargs.items() if k != "token"},
                )
        return response
