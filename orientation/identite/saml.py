"""SAML 2.0 service provider for an EduConnect-like identity provider (pysaml2 + xmlsec1).

We require signed assertions, refuse unsolicited responses (each must answer a request this
browser's session made) and remember every accepted assertion ID until it expires, so a response
posted twice is refused even from another browser.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

from .models import AssertionConsommee


class ErreurSaml(Exception):
    pass


def _url(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def configuration() -> SPConfig:
    conf = settings.IDENTITE_SAML
    source = conf["idp_metadata"]
    metadata = (
        {"remote": [{"url": source}]} if source.startswith("https://") else {"local": [source]}
    )
    config = SPConfig()
    config.load(
        {
            "entityid": conf["entity_id"],
            "xmlsec_binary": conf["xmlsec"],
            "key_file": conf["cle"],
            "cert_file": conf["certificat"],
            "encryption_keypairs": [{"key_file": conf["cle"], "cert_file": conf["certificat"]}],
            "metadata": metadata,
            "allow_unknown_attributes": True,
            "service": {
                "sp": {
                    "name": settings.ORIENTATION_SERVICE_NAME,
                    "endpoints": {
                        "assertion_consumer_service": [
                            (_url("identite:educonnect_acs"), BINDING_HTTP_POST)
                        ],
                        "single_logout_service": [
                            (_url("identite:educonnect_sls"), BINDING_HTTP_REDIRECT)
                        ],
                    },
                    "authn_requests_signed": True,
                    "logout_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "allow_unsolicited": False,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                    "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                    "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
                }
            },
        }
    )
    return config


def client() -> Saml2Client:
    return Saml2Client(configuration())


def metadonnees() -> str:
    return str(entity_descriptor(configuration()))


def _idp_entity_id(sp: Saml2Client) -> str:
    idps = list(sp.metadata.identity_providers())
    if len(idps) != 1:
        raise ErreurSaml("expected exactly one identity provider in the metadata")
    return idps[0]


def redirection_connexion(relay_state: str = "") -> tuple[str, str]:
    """The IdP URL carrying a signed AuthnRequest, and that request's ID (to remember)."""
    sp = client()
    request_id, info = sp.prepare_for_authenticate(
        entityid=_idp_entity_id(sp), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    return dict(info["headers"])["Location"], request_id


def lire_reponse(saml_response: str, requetes: dict) -> dict:
    """Verify a posted SAMLResponse answering one of `requetes` (request ID → relay state);
    return the NameID, session index and attributes."""
    if not saml_response:
        raise ErreurSaml("missing SAMLResponse")
    if not requetes:
        raise ErreurSaml("no outstanding request: unsolicited response refused")
    sp = client()
    try:
        reponse = sp.parse_authn_request_response(saml_response, BINDING_HTTP_POST, requetes)
    except Exception as exc:  # pysaml2 raises many unrelated types for one bad response
        raise ErreurSaml(repr(exc)) from exc
    if reponse is None or reponse.assertion is None:
        raise ErreurSaml("no assertion")
    assertion = reponse.assertion
    _consommer(assertion)
    session_index = None
    if assertion.authn_statement:
        session_index = assertion.authn_statement[0].session_index
    name_id = reponse.name_id
    return {
        "sujet": name_id.text,
        "name_id": str(name_id),
        "session_index": session_index,
        "in_response_to": reponse.in_response_to,
        "attributs": reponse.get_identity(),
    }


def _consommer(assertion) -> None:
    expire = timezone.now() + timedelta(hours=1)
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        expire = datetime.strptime(conditions.not_on_or_after[:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=UTC
        )
    AssertionConsommee.objects.filter(expire_le__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            AssertionConsommee.objects.create(identifiant=assertion.id, expire_le=expire)
    except IntegrityError as exc:
        raise ErreurSaml("assertion replayed") from exc


def url_deconnexion(name_id_xml: str, session_index: str | None) -> str | None:
    """A signed LogoutRequest to the IdP (HTTP-Redirect), or None when it has no SLO endpoint."""
    from saml2.saml import name_id_from_string

    sp = client()
    idp = _idp_entity_id(sp)
    try:
        destinations = sp.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")
    except Exception:  # noqa: BLE001
        return None
    if not destinations:
        return None
    destination = destinations[0]["location"]
    request_id, logout_request = sp.create_logout_request(
        destination,
        idp,
        name_id=name_id_from_string(name_id_xml),
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = sp.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        relay_state="",
        sign=True,
        sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    )
    return dict(info["headers"])["Location"]


def lire_deconnexion(request) -> tuple[str, str | None]:
    """The IdP's answer to our logout, or a logout it started (front channel).

    Returns ("reponse", None) or ("requete", redirect URL answering the IdP).
    """
    sp = client()
    if "SAMLResponse" in request.GET:
        try:
            sp.parse_logout_request_response(request.GET["SAMLResponse"], BINDING_HTTP_REDIRECT)
        except Exception as exc:  # noqa: BLE001
            raise ErreurSaml(repr(exc)) from exc
        return "reponse", None
    if "SAMLRequest" in request.GET:
        try:
            requete = sp.parse_logout_request(
                request.GET["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=request.GET.get("RelayState"),
                sigalg=request.GET.get("SigAlg"),
                signature=request.GET.get("Signature"),
            )
        except Exception as exc:  # noqa: BLE001
            raise ErreurSaml(repr(exc)) from exc
        reponse = sp.create_logout_response(requete.message, [BINDING_HTTP_REDIRECT], sign=False)
        idp = requete.message.issuer.text
        destination = sp.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0][
            "location"
        ]
        info = sp.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(reponse),
            destination,
            relay_state=request.GET.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        )
        return "requete", dict(info["headers"])["Location"]
    raise ErreurSaml("nothing to read")
