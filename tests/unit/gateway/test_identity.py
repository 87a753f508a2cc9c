"""Who is calling: certificate CNs and access tokens map to registered organisations only."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from services.core.organisations import default_registry
from services.gateway.identity import org_from_certificate, org_from_token
from services.gateway.problems import ProblemError

REGISTRY = default_registry()
KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def _cert(cn: str) -> dict[str, object]:
    return {"subject": ((("countryName", "FI"),), (("commonName", cn),))}


def _token(key: ec.EllipticCurvePrivateKey = KEY, **claims: object) -> str:
    now = datetime.now(UTC)
    base = {"iss": "issuer", "aud": "gateway", "sub": "county-13", "exp": now + timedelta(60)}
    return jwt.encode(base | claims, key, algorithm="ES256")


def _org(token: str) -> str:
    return org_from_token(
        token,
        PUBLIC_PEM,
        issuer="issuer",
        audience="gateway",
        algorithms=["ES256"],
        registry=REGISTRY,
    )


def test_certificate_cn_names_the_organisation() -> None:
    """A verified certificate with CN = a registered code is that organisation."""
    assert org_from_certificate(_cert("county-13"), REGISTRY) == "county-13"


def test_certificate_of_an_unknown_organisation_is_refused() -> None:
    """A CN that is no registered organisation gets the 401 problem."""
    with pytest.raises(ProblemError) as refused:
        org_from_certificate(_cert("county-99"), REGISTRY)
    assert refused.value.problem.status == 401


def test_token_client_id_names_the_organisation() -> None:
    """client_id wins over sub: it is the client-credentials client."""
    assert _org(_token(client_id="prison-kuopion")) == "prison-kuopion"


@pytest.mark.parametrize(
    "token",
    [
        _token(OTHER_KEY),
        _token(iss="someone-else"),
        _token(aud="another-api"),
        _token(exp=datetime.now(UTC) - timedelta(seconds=120)),
        _token(sub="not-an-org"),
    ],
    ids=["foreign-key", "wrong-issuer", "wrong-audience", "expired", "unknown-org"],
)
def test_a_token_that_does_not_verify_or_names_no_organisation_is_refused(token: str) -> None:
    """Signature, issuer, audience, expiry and organisation are all checked."""
    with pytest.raises(ProblemError) as refused:
        _org(token)
    assert refused.value.problem.type.endswith("/unauthenticated")
