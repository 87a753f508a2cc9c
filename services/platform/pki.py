"""A small local PKI: a certificate authority that issues server and client certificates.

For the local secure profile and tests only; in production an organisation's own PKI issues the
certificates and these functions are not used (see docs/security.md). Everything is built with
the `cryptography` package (45 or later, for the Java truststore), nothing is downloaded, and
keys are ECDSA P-256.

The API, kept small and stable (other branches depend on it):

    ca = create_ca(directory)                      # writes ca.pem and ca-key.pem, returns Authority
    ca = load_ca(directory)                        # the same files, read back
    server = ca.issue_server(directory, "broker")  # broker.pem + broker-key.pem,
                                                   # SAN localhost and 127.0.0.1 by default
    client = ca.issue_client(directory, "county-13")  # county-13.pem + county-13-key.pem,
                                                      # CN=county-13
    write_keystore(server, directory / "broker.p12", password)    # PKCS12: key, cert, CA chain
    write_truststore(ca, directory / "truststore.p12", password)  # PKCS12 the JVM trusts

`Issued.cert_file` holds the leaf certificate followed by the CA certificate (a chain a TLS
server can present as is); `Issued.key_file` holds the unencrypted PKCS8 private key, mode 0600.
A server certificate may also authenticate as a client (a broker connects to other brokers); a
client certificate names the organisation code as its common name and only authenticates clients.
"""

import datetime
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "DEFAULT_DAYS",
    "LOCAL_HOSTS",
    "Authority",
    "Issued",
    "create_ca",
    "load_ca",
    "write_keystore",
    "write_truststore",
]

DEFAULT_DAYS = 825
"""How long a certificate is valid; a local profile makes new ones long before then."""
LOCAL_HOSTS = ("localhost", "127.0.0.1")
"""The names a local server certificate is valid for (DNS names and IP addresses)."""
_BACKDATE = datetime.timedelta(minutes=5)
"""Valid from a little before now, so a clock a few minutes behind still accepts it."""


@dataclass(frozen=True)
class Issued:
    """A certificate (PEM, leaf first, then the issuing CA) and its private key (PEM, PKCS8)."""

    cert_file: Path
    key_file: Path

    def certificate(self) -> x509.Certificate:
        """The leaf certificate."""
        return x509.load_pem_x509_certificate(self.cert_file.read_bytes())


@dataclass(frozen=True)
class Authority(Issued):
    """A certificate authority whose certificate and key are on disk."""

    def issue_server(
        self,
        directory: Path,
        name: str = "server",
        hosts: Sequence[str] = LOCAL_HOSTS,
        days: int = DEFAULT_DAYS,
    ) -> Issued:
        """A server certificate for `hosts` (IP addresses and DNS names as given), written to
        `<directory>/<name>.pem` and `<name>-key.pem`. Its common name is the first host."""
        if not hosts:
            raise ValueError("a server certificate needs at least one host name or address")
        alt_names = [_alt_name(host) for host in hosts]
        usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        return self._issue(
            directory,
            name=name,
            common_name=hosts[0],
            usages=usages,
            days=days,
            alt_names=alt_names,
        )

    def issue_client(
        self, directory: Path, org_code: str, days: int = DEFAULT_DAYS, name: str | None = None
    ) -> Issued:
        """A client certificate with CN = `org_code`, written to `<directory>/<name>.pem` and
        `<name>-key.pem` (`name` defaults to the organisation code)."""
        if not org_code:
            raise ValueError("a client certificate needs an organisation code")
        usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
        return self._issue(
            directory,
            name=name or org_code,
            common_name=org_code,
            usages=usages,
            days=days,
            alt_names=[],
        )

    def _issue(
        self,
        directory: Path,
        *,
        name: str,
        common_name: str,
        usages: list[x509.ObjectIdentifier],
        days: int,
        alt_names: list[x509.GeneralName],
    ) -> Issued:
        ca_cert = self.certificate()
        ca_key = serialization.load_pem_private_key(self.key_file.read_bytes(), password=None)
        if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
            raise TypeError(f"{self.key_file} is not an EC private key")
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            _base_builder(_name(common_name), ca_cert.subject, key.public_key(), days)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signing=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if alt_names:
            builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        issued = Issued(directory / f"{name}.pem", directory / f"{name}-key.pem")
        _write(issued, [cert, ca_cert], key)
        return issued


def create_ca(
    directory: Path, common_name: str = "Jatkumo local CA", days: int = DEFAULT_DAYS
) -> Authority:
    """A new self-signed CA in `<directory>/ca.pem` and `ca-key.pem` (replacing any there)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(common_name)
    cert = (
        _base_builder(subject, subject, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    authority = load_ca(directory)
    _write(authority, [cert], key)
    return authority


def load_ca(directory: Path) -> Authority:
    """The CA in `<directory>/ca.pem` and `ca-key.pem` (the files are read when used)."""
    return Authority(directory / "ca.pem", directory / "ca-key.pem")


def write_keystore(issued: Issued, path: Path, password: str) -> Path:
    """A PKCS12 keystore with the private key, its certificate and the CA chain, under the
    file's stem as alias. For a JVM: `ssl.keystore.type=PKCS12`."""
    key = serialization.load_pem_private_key(issued.key_file.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{issued.key_file} is not an EC private key")
    leaf, *chain = x509.load_pem_x509_certificates(issued.cert_file.read_bytes())
    data = pkcs12.serialize_key_and_certificates(
        path.stem.encode(), key, leaf, chain, _encryption(password)
    )
    _write_private(path, data)
    return path


def write_truststore(authority: Issued, path: Path, password: str) -> Path:
    """A PKCS12 truststore holding the CA certificate as a trusted entry a JVM accepts
    (`ssl.truststore.type=PKCS12`)."""
    ca_cert = authority.certificate()
    data = pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(ca_cert, b"ca")], _encryption(password)
    )
    _write_private(path, data)
    return path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alt_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _base_builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, days: int
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    """Leaf keys sign handshakes (and ECDH); a CA key signs certificates and CRLs."""
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=signing,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _encryption(password: str) -> serialization.KeySerializationEncryption:
    """PKCS12 encryption a JVM reads (AES-256, SHA-256 MAC), or none for an empty password."""
    if not password:
        return serialization.NoEncryption()
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode())
    )


def _write(issued: Issued, certs: list[x509.Certificate], key: ec.EllipticCurvePrivateKey) -> None:
    issued.cert_file.parent.mkdir(parents=True, exist_ok=True)
    issued.cert_file.write_bytes(
        b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)
    )
    _write_private(
        issued.key_file,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write with mode 0600 from the start: a key is never readable by others, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
