"""OpenID Connect relying party for a FranceConnect-like provider (Authlib).

Authlib checks the state (CSRF, replay of a callback), the ID token's signature against the
provider's JWKS, its issuer, audience, expiry and the nonce. We add what it leaves optional: an ID
token is required, and only the algorithms we configured are accepted (never "none").
"""

import time

from authlib.integrations.django_client import OAuth
from django.conf import settings

NOM = "franceconnect"
_METADATA_CACHE: dict[str, tuple[float, dict]] = {}
METADATA_TTL = 3600


class ErreurOidc(Exception):
    pass


def client():
    conf = settings.IDENTITE_OIDC
    oauth = OAuth()
    oauth.register(
        NOM,
        client_id=conf["client_id"],
        client_secret=conf["client_secret"],
        server_metadata_url=conf["metadata_url"],
        client_kwargs={
            "scope": conf["scopes"],
            "token_endpoint_auth_method": conf["token_auth"],
            "timeout": 10,
        },
    )
    app = oauth.create_client(NOM)
    url = conf["metadata_url"]
    cached = _METADATA_CACHE.get(url)
    if cached and time.monotonic() - cached[0] < METADATA_TTL:
        app.server_metadata.update(cached[1])
    else:
        metadata = dict(app.load_server_metadata())
        metadata.pop("jwks", None)
        _METADATA_CACHE[url] = (time.monotonic(), metadata)
    # Our list, not the provider's: a provider announcing "none" changes nothing.
    app.server_metadata["id_token_signing_alg_values_supported"] = [
        a for a in conf["algorithmes"] if a.lower() != "none"
    ]
    return app


def redirection_autorisation(request, redirect_uri: str):
    extra = {}
    if settings.IDENTITE_OIDC["acr_values"]:
        extra["acr_values"] = settings.IDENTITE_OIDC["acr_values"]
    return client().authorize_redirect(request, redirect_uri, **extra)


def jeton_et_identite(request) -> tuple[dict, dict]:
    """Exchange the code of the callback; return the token and the verified claims.

    Raises ErreurOidc for anything the provider or an attacker got wrong.
    """
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError

    app = client()
    try:
        token = app.authorize_access_token(request, leeway=30)
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as exc:
        raise ErreurOidc(str(exc)) from exc
    except Exception as exc:  # network errors of requests, a provider answering nonsense
        raise ErreurOidc(repr(exc)) from exc
    claims = token.get("userinfo")
    if "id_token" not in token or not claims or not claims.get("sub"):
        raise ErreurOidc("no verified id_token")
    identite = dict(claims)
    try:
        userinfo = app.userinfo(token=token)
    except Exception:  # noqa: BLE001 — the ID token already carries the identity
        userinfo = {}
    # The userinfo is trusted only for the same subject as the signed ID token.
    if userinfo.get("sub") == claims["sub"]:
        identite.update({k: v for k, v in userinfo.items() if k not in ("iss", "aud", "nonce")})
    return token, identite


def url_deconnexion(id_token: str, post_logout_redirect_uri: str) -> str | None:
    app = client()
    if not app.server_metadata.get("end_session_endpoint"):
        return None
    return app.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token
    )["url"]
