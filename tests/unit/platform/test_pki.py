"""The local PKI: certificates a real TLS handshake accepts, and stores a JVM can read."""

import ipaddress
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.platform import pki


def _handshake(server: ssl.SSLContext, client: ssl.SSLContext, host: str) -> ssl.SSLObject:
    """A TLS handshake in memory; returns the server side once both sides completed."""
    s_in, s_out, c_in, c_out = (ssl.MemoryBIO() for _ in range(4))
    server_side = server.wrap_bio(s_in, s_out, server_side=True)
    client_side = client.wrap_bio(c_in, c_out, server_hostname=host)
    done = {"server": False, "client": False}
    for _ in range(20):
        for name, side in (("client", client_side), ("server", server_side)):
            if not done[name]:
                try:
                    side.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            return server_side
    raise AssertionError("handshake did not finish")


def _server_context(issued: pki.Issued, ca: pki.Authority | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(issued.cert_file, issued.key_file)
    if ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(ca.cert_file)
    return context


def _client_context(ca: pki.Authority, issued: pki.Issued | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca.cert_file))
    if issued is not None:
        context.load_cert_chain(issued.cert_file, issued.key_file)
    return context


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_server_certificate_passes_hostname_verification(tmp_path: Path, host: str) -> None:
    """A client that trusts the CA and checks host names accepts the server by name and IP."""
    ca = pki.create_ca(tmp_path)
    server = ca.issue_server(tmp_path, "broker")
    _handshake(_server_context(server), _client_context(ca), host)


def test_a_client_that_trusts_another_ca_is_refused(tmp_path: Path) -> None:
    ca = pki.create_ca(tmp_path / "ours")
    other = pki.create_ca(tmp_path / "theirs")
    server = ca.issue_server(tmp_path, "broker")
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(_server_context(server), _client_context(other), "localhost")


def test_a_host_outside_the_names_is_refused(tmp_path: Path) -> None:
    ca = pki.create_ca(tmp_path)
    server = ca.issue_server(tmp_path, "broker", hosts=["broker-1.example"])
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(_server_context(server), _client_context(ca), "localhost")


def test_a_client_certificate_names_the_organisation(tmp_path: Path) -> None:
    """Mutual TLS: the server sees the client's organisation code as the common name."""
    ca = pki.create_ca(tmp_path)
    server = ca.issue_server(tmp_path, "gateway")
    client = ca.issue_client(tmp_path, "county-13")
    session = _handshake(_server_context(server, ca), _client_context(ca, client), "127.0.0.1")
    peer = session.getpeercert()
    assert peer is not None
    assert (("commonName", "county-13"),) in peer["subject"]
    cert = client.certificate()
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "county-13"
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]


def test_the_names_and_files_are_as_documented(tmp_path: Path) -> None:
    ca = pki.create_ca(tmp_path)
    assert (ca.cert_file.name, ca.key_file.name) == ("ca.pem", "ca-key.pem")
    assert pki.load_ca(tmp_path) == ca
    server = ca.issue_server(tmp_path / "certs", "broker")
    assert server.cert_file == tmp_path / "certs" / "broker.pem"
    assert server.key_file == tmp_path / "certs" / "broker-key.pem"
    names = (
        server.certificate().extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    )
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    chain = x509.load_pem_x509_certificates(server.cert_file.read_bytes())
    assert chain[1] == ca.certificate()
    for key in (ca.key_file, server.key_file):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_stores_hold_the_key_chain_and_trusted_ca(tmp_path: Path) -> None:
    """The PKCS12 keystore carries key, leaf and CA; the truststore the CA alone."""
    ca = pki.create_ca(tmp_path)
    server = ca.issue_server(tmp_path, "broker")
    keystore = pki.write_keystore(server, tmp_path / "broker.p12", "s3cret")
    loaded = pkcs12.load_pkcs12(keystore.read_bytes(), b"s3cret")
    assert loaded.key is not None
    assert loaded.cert is not None
    assert loaded.cert.certificate == server.certificate()
    assert [c.certificate for c in loaded.additional_certs] == [ca.certificate()]
    truststore = pki.write_truststore(ca, tmp_path / "truststore.p12", "s3cret")
    trusted = pkcs12.load_pkcs12(truststore.read_bytes(), b"s3cret")
    assert trusted.key is None
    assert [c.certificate for c in trusted.additional_certs] == [ca.certificate()]
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o600
