"""The identity port: each way to log in is an adapter, and configuration alone chooses which are
offered (settings.IDENTITE_FOURNISSEURS). Views and templates only talk to this module."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

BACKEND = "orientation.identite.backends.IdentiteFedereeBackend"
SESSION_FOURNISSEUR = "identite_fournisseur"


@dataclass(frozen=True)
class Adaptateur:
    code: str
    libelle: str
    url_name: str
    federe: bool

    def url_connexion(self) -> str:
        return reverse(self.url_name)

    def est_configure(self) -> bool:
        if self.code == "educonnect":
            conf = settings.IDENTITE_SAML
            return bool(conf["idp_metadata"] and conf["cle"] and conf["certificat"])
        if self.code == "franceconnect":
            conf = settings.IDENTITE_OIDC
            return bool(conf["metadata_url"] and conf["client_id"])
        return True


ADAPTATEURS = {
    "local": Adaptateur("local", _("Identifiant et mot de passe"), "accounts:login", False),
    "educonnect": Adaptateur(
        "educonnect", _("Se connecter avec ÉduConnect"), "identite:educonnect_connexion", True
    ),
    "franceconnect": Adaptateur(
        "franceconnect",
        _("S'identifier avec FranceConnect"),
        "identite:franceconnect_connexion",
        True,
    ),
}


def actifs() -> list[Adaptateur]:
    return [
        ADAPTATEURS[code]
        for code in settings.IDENTITE_FOURNISSEURS
        if code in ADAPTATEURS and ADAPTATEURS[code].est_configure()
    ]


def est_actif(code: str) -> bool:
    return any(a.code == code for a in actifs())


def federes() -> list[Adaptateur]:
    return [a for a in actifs() if a.federe]


def contexte_connexion(request=None) -> dict:
    """The context flag for the login page: `{% if identite_federee %}{% include … %}`."""
    boutons = federes()
    return {"identite_federee": bool(boutons), "identite_boutons": boutons}
