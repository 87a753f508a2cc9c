"""Client security is built in one place, from the settings, for every client library."""

import ssl
from pathlib import Path

import pytest

from services.platform import broker, pki
from services.platform.kafka_security import KafkaSecurity, KafkaSecurityError, client_options
from services.platform.settings import InsecureSettingsError, Settings


def test_nothing_configured_is_plaintext() -> None:
    assert client_options(Settings(environment="test")) == {}


def test_a_ca_file_and_a_principal_make_sasl_ssl(tmp_path: Path) -> None:
    """The same keyword arguments serve kafka-python and aiokafka; the context checks names."""
    ca = pki.create_ca(tmp_path)
    settings = Settings(environment="test", sasl_username="svc-referral", sasl_password="pw",
                        kafka_ssl_cafile=ca.cert_file)
    options = client_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "svc-referral"
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED
    credentials = KafkaSecurity.from_settings(settings).faust_options()["broker_credentials"]
    assert credentials.protocol.value == "SASL_SSL"
    assert credentials.ssl_context is not None


def test_a_client_certificate_is_loaded(tmp_path: Path) -> None:
    ca = pki.create_ca(tmp_path)
    client = ca.issue_client(tmp_path, "county-13")
    security = KafkaSecurity(cafile=ca.cert_file, certfile=client.cert_file,
                             keyfile=client.key_file)
    assert security.protocol == "SSL"
    assert security.ssl_context() is not None
    with pytest.raises(KafkaSecurityError, match="CAFILE"):
        KafkaSecurity(certfile=client.cert_file, keyfile=client.key_file).ssl_context()
    with pytest.raises(KafkaSecurityError, match="no file"):
        KafkaSecurity(cafile=tmp_path / "missing.pem").options()


def test_prod_refuses_kafka_without_tls(tmp_path: Path) -> None:
    """Identity codes never cross a network in clear text: prod needs SASL_SSL."""
    def prod(cafile: Path | None) -> Settings:
        return Settings(environment="prod", sasl_username="svc-referral", kafka_ssl_cafile=cafile,
                        person_ref_secret="a" * 32, sealing_secret="b" * 32,
                        operator_token="c" * 32, dead_letter_secret="d" * 32,
                        sasl_password="e" * 32)

    with pytest.raises(InsecureSettingsError, match="without SASL_SSL"):
        prod(None)
    assert prod(pki.create_ca(tmp_path).cert_file).kafka_ssl_cafile is not None


def test_three_nodes_form_one_quorum_with_their_own_ports(tmp_path: Path) -> None:
    """Each node has its own ports and directory; all vote; topics default to 3 copies, 2 in
    sync; the secure profile speaks SASL_SSL between the nodes too."""
    config = broker.BrokerConfig(state_dir=tmp_path, nodes=3, secure=True)
    nodes = config.node_list
    assert [(n.port, n.controller_port) for n in nodes] == [
        (19092, 19093), (19094, 19095), (19096, 19097)]
    assert len({n.directory for n in nodes}) == 3
    assert config.bootstrap == "127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096"
    lines = broker.node_properties(config, nodes[1]).splitlines()
    assert "node.id=2" in lines
    assert ("controller.quorum.voters=1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097"
            in lines)
    assert f"log.dirs={nodes[1].data_dir}" in lines
    for line in ("default.replication.factor=3", "min.insync.replicas=2",
                 "offsets.topic.replication.factor=3", "unclean.leader.election.enable=false",
                 "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL"):
        assert line in lines
    single = broker.node_properties(broker.BrokerConfig(state_dir=tmp_path / "one"),
                                    broker.BrokerConfig(state_dir=tmp_path / "one").node(1))
    assert "offsets.topic.replication.factor=1" in single.splitlines()
