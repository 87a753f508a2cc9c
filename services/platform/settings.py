"""Deployment settings from the environment (prefix `JATKUMO_`), with safe refusals.

Outside `dev` and `test` the service refuses to start with the built-in development secrets,
and without SASL over TLS to Kafka (identity codes never cross a network in clear text).
"""

import base64
import hashlib
from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "jatkumo-development-secret-not-for-production"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ClockMode(StrEnum):
    WALL = "wall"
    EVENT = "event"


class InsecureSettingsError(ValueError):
    """Settings that would be unsafe in this environment."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JATKUMO_", extra="ignore")

    environment: Environment = Environment.DEV
    bootstrap_servers: str = Field(
        default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    person_ref_secret: str = DEV_SECRET
    sealing_secret: str = DEV_SECRET
    operator_token: str = "dev-operator-token"
    clock: ClockMode = ClockMode.WALL
    data_dir: Path = Path(".jatkumo/data")
    internal_partitions: int = 6
    replication_factor: int | None = Field(default=None, ge=1)
    """Copies of every topic's partitions; unset: 1 on one broker, 3 on a cluster of three."""
    min_insync_replicas: int | None = Field(default=None, ge=1)
    """Copies a write must reach before `acks=all` confirms it; unset: 1, or 2 with 3 copies."""
    namespace: str = ""
    """Prefix for topic names and consumer groups: several deployments on one cluster."""
    store: str = "memory://"
    web_port: int = 6066
    tick_interval_seconds: float = 1.0
    commit_interval_seconds: float = 1.0
    """How often consumed offsets are committed (after the producer is flushed)."""
    sharing_rules: Path | None = None
    """A sharing rules YAML file; the rules shipped with the package when unset."""
    service_levels: Path | None = None
    """A service levels YAML file; the shipped defaults when unset."""
    sasl_username: str | None = None
    sasl_password: str | None = None
    worker_http_port: int | None = None
    """Serve /healthz, /readyz and /metrics on this port (`services.platform.worker_http`)."""
    worker_ready_max_lag: int = 1000
    """/readyz answers 200 only while the worker's stream partitions lag by at most this many."""
    kafka_ssl_cafile: Path | None = None
    """The CA that issued the brokers' certificates; TLS (SASL_SSL) to Kafka when set."""
    kafka_ssl_certfile: Path | None = None
    """A client certificate (PEM, chain) for brokers that ask for one."""
    kafka_ssl_keyfile: Path | None = None
    kafka_ssl_key_password: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.environment == Environment.PROD:
            defaults = [
                name
                for name in ("person_ref_secret", "sealing_secret", "operator_token")
                if getattr(self, name) in (DEV_SECRET, "dev-operator-token")
            ]
            if defaults:
                raise InsecureSettingsError(
                    "refusing to start in prod with development defaults for: "
                    + ", ".join(f"JATKUMO_{name.upper()}" for name in defaults)
                )
            if self.kafka_ssl_cafile is None or not self.sasl_username:
                raise InsecureSettingsError(
                    "refusing to start in prod without SASL_SSL to Kafka: set "
                    "JATKUMO_KAFKA_SSL_CAFILE and JATKUMO_SASL_USERNAME"
                )
        return self

    @property
    def person_ref_key(self) -> bytes:
        return self.person_ref_secret.encode("utf-8")

    @property
    def fernet_key(self) -> bytes:
        """A Fernet key derived from the sealing secret (any length in, 32 bytes out)."""
        digest = hashlib.sha256(("seal:" + self.sealing_secret).encode("utf-8")).digest()
        return base64.urlsafe_b64encode(digest)
