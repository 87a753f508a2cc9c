"""How every Kafka client of the service authenticates and encrypts: built here, nowhere else.

One description, `KafkaSecurity` (a SASL/SCRAM principal and a TLS trust anchor, optionally a
client certificate), gives the keyword arguments of each client library:

- `options()`: kafka-python (`KafkaProducer`, `KafkaConsumer`, `KafkaAdminClient`) and aiokafka
  (`AIOKafkaProducer`, `AIOKafkaConsumer`) take the same names: `security_protocol`,
  `sasl_mechanism`, `sasl_plain_username`, `sasl_plain_password` and `ssl_context`;
- `faust_options()`: faust's `broker_credentials`.

TLS is on when a CA file is named (`JATKUMO_KAFKA_SSL_CAFILE`): the broker must present a
certificate issued by that CA for the very host name or address the client dialled (hostname
verification is always on). A client certificate (`JATKUMO_KAFKA_SSL_CERTFILE` and
`JATKUMO_KAFKA_SSL_KEYFILE`, the key optionally encrypted with `JATKUMO_KAFKA_SSL_KEY_PASSWORD`)
is presented when the broker asks for one. SASL is on when a user name is set
(`JATKUMO_SASL_USERNAME`); with TLS the protocol is `SASL_SSL`, the profile every client uses.
"""

import dataclasses
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.platform.settings import Settings

SCRAM_MECHANISM = "SCRAM-SHA-512"


class KafkaSecurityError(ValueError):
    """The TLS or SASL settings do not fit together; the message names the settings."""


@dataclass(frozen=True)
class KafkaSecurity:
    """A client's principal and TLS material; every field empty means plaintext, anonymous."""

    username: str | None = None
    password: str | None = None
    cafile: Path | None = None
    certfile: Path | None = None
    keyfile: Path | None = None
    key_password: str | None = None

    @classmethod
    def from_settings(cls, settings: "Settings") -> "KafkaSecurity":
        return cls(
            username=settings.sasl_username or None,
            password=settings.sasl_password,
            cafile=settings.kafka_ssl_cafile,
            certfile=settings.kafka_ssl_certfile,
            keyfile=settings.kafka_ssl_keyfile,
            key_password=settings.kafka_ssl_key_password,
        )

    def as_user(self, username: str, password: str) -> "KafkaSecurity":
        """The same TLS settings with another SASL principal."""
        return dataclasses.replace(self, username=username, password=password)

    @property
    def tls(self) -> bool:
        return self.cafile is not None

    @property
    def protocol(self) -> str:
        """Kafka's name for the combination: SASL_SSL, SASL_PLAINTEXT, SSL or PLAINTEXT."""
        if self.username:
            return "SASL_SSL" if self.tls else "SASL_PLAINTEXT"
        return "SSL" if self.tls else "PLAINTEXT"

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client context that trusts only the CA file and checks the broker's host name."""
        if self.cafile is None:
            if self.certfile or self.keyfile:
                raise KafkaSecurityError(
                    "a client certificate needs JATKUMO_KAFKA_SSL_CAFILE as well")
            return None
        if not self.cafile.is_file():
            raise KafkaSecurityError(f"JATKUMO_KAFKA_SSL_CAFILE: no file {self.cafile}")
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(self.cafile))
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.certfile or self.keyfile:
            if not self.certfile:
                raise KafkaSecurityError(
                    "JATKUMO_KAFKA_SSL_KEYFILE needs JATKUMO_KAFKA_SSL_CERTFILE")
            context.load_cert_chain(self.certfile, self.keyfile, self.key_password)
        return context

    def options(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python and aiokafka clients (the same names in both)."""
        context = self.ssl_context()
        options: dict[str, Any] = {}
        if self.protocol != "PLAINTEXT":
            options["security_protocol"] = self.protocol
        if self.username:
            options |= {
                "sasl_mechanism": SCRAM_MECHANISM,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password or "",
            }
        if context is not None:
            options["ssl_context"] = context
        return options

    def faust_options(self) -> dict[str, Any]:
        """Keyword arguments for `faust.App`: its broker credentials (aiokafka underneath)."""
        import faust  # noqa: PLC0415 - only the workers load faust

        context = self.ssl_context()
        if self.username:
            return {"broker_credentials": faust.SASLCredentials(
                username=self.username, password=self.password or "",
                mechanism=SCRAM_MECHANISM, ssl_context=context,
            )}
        if context is not None:
            return {"broker_credentials": faust.SSLCredentials(context)}
        return {}


def client_options(settings: "Settings") -> dict[str, Any]:
    """The kafka-python / aiokafka keyword arguments for the configured principal and TLS."""
    return KafkaSecurity.from_settings(settings).options()


def sasl_ssl(username: str, password: str, cafile: Path | None) -> dict[str, Any]:
    """Client keyword arguments for one principal: SASL_SSL when a CA file is given."""
    return KafkaSecurity(username=username, password=password, cafile=cafile).options()
