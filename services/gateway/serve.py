"""Run the gateway: uvicorn with TLS, client certificates optional (a bearer token will do)."""

import ssl

import uvicorn

from services.gateway.app import Gateway, build_app
from services.gateway.config import GatewaySettings
from services.gateway.tls import CertificateH11Protocol
from services.platform.settings import Settings


class InsecureGatewayError(ValueError):
    """The gateway would serve without TLS where that is not allowed."""


def uvicorn_config(settings: Settings, config: GatewaySettings) -> uvicorn.Config:
    if (config.tls_cert is None or config.tls_key is None) and not config.insecure_http:
        raise InsecureGatewayError(
            "set JATKUMO_GATEWAY_TLS_CERT and JATKUMO_GATEWAY_TLS_KEY (the gateway serves HTTPS)"
        )
    tls: dict[str, object] = {}
    if config.tls_cert is not None and config.tls_key is not None:
        tls = {"ssl_certfile": str(config.tls_cert), "ssl_keyfile": str(config.tls_key)}
        if config.client_ca is not None:
            tls |= {"ssl_ca_certs": str(config.client_ca), "ssl_cert_reqs": ssl.CERT_OPTIONAL}
    return uvicorn.Config(
        build_app(Gateway.create(settings, config)),
        host=config.host,
        port=config.port,
        http=CertificateH11Protocol,
        access_log=False,
        log_level="warning",
        lifespan="on",
        **tls,  # type: ignore[arg-type]
    )


def serve(settings: Settings, config: GatewaySettings) -> None:
    uvicorn.Server(uvicorn_config(settings, config)).run()
