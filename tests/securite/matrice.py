"""Running a request in every role against every URL pattern, each in a rolled-back transaction."""

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

IGNORES = ("admin:",)


def motifs(resolver=None, prefixe="", espace=""):
    """Every named URL pattern of the project as (name, route, default kwargs)."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{espace}{p.namespace}:" if p.namespace else espace
            yield from motifs(p, prefixe + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            nom = f"{espace}{p.name}" if p.name else None
            if nom is None or nom.startswith(IGNORES):
                continue
            yield nom, prefixe + str(p.pattern)


def demander(client: Client, methode: str, url: str):
    cookies = client.cookies.__class__()
    cookies.update(client.cookies)
    with transaction.atomic():
        reponse = getattr(client, methode)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return reponse


def kwargs_de(nom: str, route: str, monde) -> dict:
    """The kwargs of a pattern, taken from the fixture world."""
    valeurs = {
        "uai": monde.ecole.uai,
        "division_pk": monde.division.pk,
        "dossier_pk": monde.dossier.pk,
        "phase": "provisoire",
        "segment": "intentions",
        "quoi": "voeux",
        "fmt": "csv",
        "uidb64": "MQ",
        "token": "jeton-invalide",
    }
    if nom.startswith("accounts:personnel"):
        valeurs["pk"] = monde.personnel.pk
    elif nom.startswith("notifications:"):
        valeurs["pk"] = monde.notification.pk
    elif nom.startswith("pilotage:fiches_etablissement"):
        valeurs["pk"] = monde.pdf_etablissement.pk
    else:
        valeurs["pk"] = monde.dossier.pk
    return {k: v for k, v in valeurs.items() if f"<{k}>" in route or f":{k}>" in route}
