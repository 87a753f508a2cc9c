"""Deployment settings from the environment (prefix `JATKUMO_`), with safe refusals.

Outside `dev` and `test` the service refuses to start unless every secret is set explicitly
(and not to a development default); the message names the missing settings. Every setting is
listed in the table of `docs/security.md`. Without SASL over TLS to Kafka it refuses too
(identity codes never cross a network in clear text).
"""

import base64
import hashlib
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.platform.keyring import KeyRing, parse_previous

DEV_SECRET = "jatkumo-development-secret-not-for-production"
DEV_OPERATOR_TOKEN = "dev-operator-token"
SECRETS = ("person_ref_secret", "sealing_secret", "dead_letter_secret", "operator_token")
"""The settings a deployment outside dev and test must set explicitly."""


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    STAGING = "staging"
    PROD = "prod"


class ClockMode(StrEnum):
    WALL = "wall"
    EVENT = "event"


class InsecureSettingsError(RuntimeError):
    """Settings that would be unsafe in this environment."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JATKUMO_", extra="ignore")

    environment: Environment = Environment.DEV
    bootstrap_servers: str = Field(
        default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    person_ref_secret: str = DEV_SECRET
    person_ref_key_id: str = "p1"
    """The id of the pseudonym key (see `docs/security.md`, pseudonym rotation)."""
    sealing_secret: str = DEV_SECRET
    sealing_key_id: str = "s1"
    sealing_previous: str = ""
    """Earlier sealing keys that still open old tokens: `id=secret,id=secret`, newest first."""
    dead_letter_secret: str = DEV_SECRET
    """Seals the original bytes of dead letters; only `jatkumo dlq replay` opens them."""
    dead_letter_key_id: str = "d1"
    dead_letter_previous: str = ""
    operator_token: str = DEV_OPERATOR_TOKEN
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
    closed_case_retention_days: int = Field(default=90, ge=1)
    """How long a closed case's state is kept before every service forgets it
    (`services.followup.retention`)."""
    commit_interval_seconds: float = 1.0
    """How often consumed offsets are committed (after the producer is flushed)."""
    sharing_rules: Path | None = None
    """A sharing rules YAML file; the rules shipped with the package when unset."""
    service_levels: Path | None = None
    """A service levels YAML file; the shipped defaults when unset."""
    sasl_username: str | None = None
    sasl_password: str | None = None
    operators_sasl_password: str | None = None
    """The password of `org-operators`, as which the operator view sends operators' actions;
    with SASL on and this unset, the view shows the alerts but offers no actions."""
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

    def model_post_init(self, context: Any, /) -> None:
        """Refuse unsafe secrets here, not in a validator: a validation error would repeat the
        input values, secrets included, in its message."""
        if self.environment not in (Environment.DEV, Environment.TEST):
            missing = missing_secrets(self)
            if missing:
                raise InsecureSettingsError(
                    f"refusing to start in {self.environment.value}: set "
                    + ", ".join(missing)
                    + " explicitly (development defaults are allowed only in dev and test)"
                )
            if self.kafka_ssl_cafile is None or not self.sasl_username:
                raise InsecureSettingsError(
                    f"refusing to start in {self.environment.value} without SASL_SSL to Kafka: "
                    "set JATKUMO_KAFKA_SSL_CAFILE and JATKUMO_SASL_USERNAME"
                )

    @property
    def person_ref_key(self) -> bytes:
        return self.person_ref_secret.encode("utf-8")

    @property
    def sealing_ring(self) -> KeyRing:
        """The sealing keys: the current one (`sealing_key_id`), then the previous ones."""
        return KeyRing.from_secrets("seal", (self.sealing_key_id, self.sealing_secret),
                                    parse_previous(self.sealing_previous))

    @property
    def dead_letter_ring(self) -> KeyRing:
        """The dead-letter keys: the current one, then the previous ones."""
        return KeyRing.from_secrets("dlq", (self.dead_letter_key_id, self.dead_letter_secret),
                                    parse_previous(self.dead_letter_previous))

    @property
    def fernet_key(self) -> bytes:
        """A Fernet key derived from the sealing secret (any length in, 32 bytes out)."""
        digest = hashlib.sha256(("seal:" + self.sealing_secret).encode("utf-8")).digest()
        return base64.urlsafe_b64encode(digest)


def missing_secrets(settings: Settings) -> list[str]:
    """The environment variables of secrets left unset or at a development default."""
    names = list(SECRETS)
    if settings.sasl_username:
        names.append("sasl_password")
    return [
        f"JATKUMO_{name.upper()}"
        for name in names
        if name not in settings.model_fields_set
        or getattr(settings, name) in (None, "", DEV_SECRET, DEV_OPERATOR_TOKEN)
    ]
