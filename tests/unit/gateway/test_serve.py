"""The gateway serves HTTPS only, and asks for client certificates when a CA is configured."""

import ssl
from pathlib import Path

import pytest

from services.gateway.config import GatewaySettings
from services.gateway.serve import InsecureGatewayError, uvicorn_config
from services.platform import pki
from services.platform.settings import Settings


def test_without_a_server_certificate_the_gateway_refuses_to_start() -> None:
    """No TLS certificate and key: an error, not plain HTTP."""
    with pytest.raises(InsecureGatewayError):
        uvicorn_config(Settings(), GatewaySettings())


def test_with_a_client_ca_client_certificates_are_optional_and_verified(tmp_path: Path) -> None:
    """CERT_OPTIONAL: a certificate, when sent, must chain to the CA; a token will also do."""
    ca = pki.create_ca(tmp_path)
    server = ca.issue_server(tmp_path, "gateway")
    config = uvicorn_config(
        Settings(),
        GatewaySettings(tls_cert=server.cert_file, tls_key=server.key_file, client_ca=ca.cert_file),
    )
    assert config.ssl_cert_reqs == ssl.CERT_OPTIONAL
    assert config.ssl_ca_certs == str(ca.cert_file)
