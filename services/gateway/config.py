"""Gateway settings from the environment (prefix `JATKUMO_GATEWAY_`)."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JATKUMO_GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8443
    tls_cert: Path | None = None
    """The server certificate (PEM); with `tls_key`. Without both the gateway refuses to start
    unless `insecure_http` is set (tests of the application alone)."""
    tls_key: Path | None = None
    client_ca: Path | None = None
    """The CA whose client certificates name organisations (CN = organisation code)."""
    insecure_http: bool = False
    token_public_key: Path | None = None
    """The OAuth issuer's public key (PEM) that signs client-credentials access tokens."""
    token_issuer: str = "jatkumo-dev-issuer"
    token_audience: str = "jatkumo-gateway"
    token_algorithms: tuple[str, ...] = ("RS256", "ES256")
    principal_secret: str | None = None
    """The deployment secret the organisations' SCRAM passwords derive from (secure profile);
    unset on a plaintext broker."""
    max_wait_seconds: float = 30.0
    """The longest a task long poll may wait."""
    remembered_answers: int = 100_000
    """How many first answers (by organisation and event id) are kept for repeats."""
    webhooks_file: Path | None = None
    """A JSON object mapping organisation codes to `{"url": ..., "secret": ...}`."""
    webhook_alert_after_seconds: float = 300.0
