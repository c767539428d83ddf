"""A real SAML 2.0 identity provider for the tests: pysaml2's IdP (`saml2.server.Server`) behind
a small WSGI server on loopback. The test says who is logged in there (`etat`); the IdP signs its
assertions with its own key, or not at all when the test asks for it."""

import datetime
import threading
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def cle_et_certificat(dossier: Path, nom: str) -> tuple[Path, Path]:
    cle = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sujet = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nom)])
    maintenant = datetime.datetime.now(datetime.UTC)
    certificat = (
        x509.CertificateBuilder()
        .subject_name(sujet)
        .issuer_name(sujet)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - datetime.timedelta(days=1))
        .not_valid_after(maintenant + datetime.timedelta(days=30))
        .sign(cle, hashes.SHA256())
    )
    chemin_cle, chemin_cert = dossier / f"{nom}.key", dossier / f"{nom}.crt"
    chemin_cle.write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    chemin_cert.write_bytes(certificat.public_bytes(serialization.Encoding.PEM))
    return chemin_cle, chemin_cert


class Silencieux(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class FournisseurSaml:
    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.cle, self.certificat = cle_et_certificat(dossier, "idp")
        self.httpd = make_server("127.0.0.1", 0, self.application, handler_class=Silencieux)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base}/metadata"
        self.fil = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.fil.start()
        self.serveur = None
        self.reinitialiser()

    def reinitialiser(self):
        self.etat = {"sujet": None, "attributs": {}, "signer": True, "deconnexions": []}

    def configurer(self, metadonnees_sp: str) -> Path:
        """Load our SP's metadata (as served at its stable URL); return the IdP's metadata file."""
        (self.dossier / "sp.xml").write_text(metadonnees_sp)
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": str(self.cle),
                "cert_file": str(self.certificat),
                "metadata": {"local": [str(self.dossier / "sp.xml")]},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(f"{self.base}/slo", BINDING_HTTP_REDIRECT)],
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
            }
        )
        self.serveur = Server(config=config)
        chemin = self.dossier / "idp.xml"
        chemin.write_text(str(entity_descriptor(config)))
        return chemin

    def application(self, environ, start_response):
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ["PATH_INFO"] == "/sso":
            corps = self._sso(params)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [corps.encode()]
        if environ["PATH_INFO"] == "/slo":
            location = self._slo(params)
            start_response("303 See Other", [("Location", location)])
            return [b""]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b""]

    def _sso(self, params) -> str:
        requete = self.serveur.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = requete.message
        acs = message.assertion_consumer_service_url
        reponse = self.serveur.create_authn_response(
            self.etat["attributs"],
            message.id,
            acs,
            message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.etat["sujet"]),
            authn={"class_ref": AUTHN_PASSWORD},
            sign_assertion=self.etat["signer"],
            sign_response=False,
            sign_alg=SHA256,
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        http = self.serveur.apply_binding(
            BINDING_HTTP_POST, str(reponse), acs, params.get("RelayState", ""), response=True
        )
        return http["data"]

    def _slo(self, params) -> str:
        requete = self.serveur.parse_logout_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        self.etat["deconnexions"].append(requete.message.name_id.text)
        reponse = self.serveur.create_logout_response(requete.message, [BINDING_HTTP_REDIRECT])
        destination = self.serveur.metadata.single_logout_service(
            requete.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        http = self.serveur.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(reponse),
            destination,
            params.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SHA256,
        )
        return dict(http["headers"])["Location"]

    def demande_de_deconnexion(self, sp_entity_id: str, sujet: str) -> str:
        """An IdP-initiated logout (the person logged out of EduConnect elsewhere)."""
        destination = self.serveur.metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        _id, requete = self.serveur.create_logout_request(
            destination,
            self.entity_id,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=sujet),
            sign=False,
        )
        http = self.serveur.apply_binding(
            BINDING_HTTP_REDIRECT, str(requete), destination, "", sign=True, sigalg=SHA256
        )
        return dict(http["headers"])["Location"]

    def arreter(self):
        self.httpd.shutdown()
