"""Who is calling: a client certificate's CN, or an access token's `client_id` / `sub`.

Both answer an organisation code from the registry, or raise a 401 problem. Pure functions of
their inputs; the certificate reaches the request through `services.gateway.tls`.
"""

from collections.abc import Sequence
from typing import Any

import jwt

from services.core.organisations import Registry
from services.gateway.problems import ProblemError

CERT_SCOPE_KEY = "jatkumo.client_cert"
"""Where the verified peer certificate (the `ssl` dict form) is put in the ASGI scope."""


def unauthenticated(detail: str) -> ProblemError:
    return ProblemError("unauthenticated", "Authentication required", 401, detail)


def org_from_certificate(peercert: dict[str, Any], registry: Registry) -> str:
    """The organisation named by the subject CN of a certificate the TLS layer verified."""
    names = [
        value for rdn in peercert.get("subject", ()) for key, value in rdn if key == "commonName"
    ]
    if len(names) != 1 or registry.get(names[0]) is None:
        raise unauthenticated("the client certificate does not name a registered organisation")
    return str(names[0])


def org_from_token(
    token: str,
    key: str | bytes,
    *,
    issuer: str,
    audience: str,
    algorithms: Sequence[str],
    registry: Registry,
) -> str:
    """The organisation of a client-credentials access token signed by the configured issuer."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise unauthenticated(f"the access token is not valid: {type(error).__name__}") from error
    org = claims.get("client_id", claims.get("sub"))
    if not isinstance(org, str) or registry.get(org) is None:
        raise unauthenticated("the access token does not name a registered organisation")
    return org
