"""The AsyncAPI document: committed as generated, and exact about channels, keys and senders."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.core.events import INBOUND_EVENT_TYPES
from services.core.organisations import ALLOWED_EVENTS, OrgKind, default_registry
from services.platform import asyncapi
from services.platform.schema_store import load_versions, schemas_dir
from services.platform.topics import PER_ORG_PREFIXES, catalogue

COMMITTED = asyncapi.asyncapi_path()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMMITTED.read_text("utf-8"))
    return loaded


def test_committed_document_is_what_the_generator_produces() -> None:
    """schemas/asyncapi.yaml is up to date (run `jatkumo schemas asyncapi` after a change)."""
    assert COMMITTED.read_text("utf-8") == asyncapi.render(asyncapi.build())


def test_every_catalogue_topic_is_a_channel(document: dict[str, Any]) -> None:
    """Each topic of the catalogue is a channel address, per-organisation ones by parameter."""
    addresses = {channel["address"] for channel in document["channels"].values()}
    for spec in catalogue(default_registry()):
        prefix, _, org = spec.name.partition(".")
        if prefix in PER_ORG_PREFIXES and org in default_registry().codes():
            assert f"{prefix}.{{org}}" in addresses
        else:
            assert spec.name in addresses, spec.name


@pytest.mark.parametrize("channel_id", ["inbound", "tasks"])
def test_org_parameter_lists_every_organisation(document: dict[str, Any], channel_id: str) -> None:
    """inbound.{org} and tasks.{org} allow exactly the registry's organisation codes."""
    parameter = document["channels"][channel_id]["parameters"]["org"]
    assert parameter["enum"] == default_registry().codes()


def test_payloads_reference_the_newest_committed_schema(document: dict[str, Any]) -> None:
    """Each message's Avro payload is a $ref to its record's newest .avsc, which exists."""
    for name, message in document["components"]["messages"].items():
        payload = message["payload"]
        assert payload["schemaFormat"] == "application/vnd.apache.avro+json;version=1.9.0"
        newest = load_versions(name)[-1].version
        assert payload["schema"] == {"$ref": f"./avro/{name}/v{newest}.avsc"}
        assert (COMMITTED.parent / payload["schema"]["$ref"]).is_file()
    assert document["components"]["messages"]["CustodyStarted"]["payload"]["schema"] == {
        "$ref": "./avro/CustodyStarted/v2.avsc"
    }


def test_send_operations_list_exactly_the_allowed_events(document: dict[str, Any]) -> None:
    """One send operation per organisation kind, with the events that kind may publish."""
    operations = document["operations"]
    sends = {k: v for k, v in operations.items() if v["action"] == "send"}
    assert len(sends) == len(OrgKind)
    listed = {
        frozenset(ref["$ref"].rsplit("/", 1)[1] for ref in op["messages"]) for op in sends.values()
    }
    assert listed == set(ALLOWED_EVENTS.values())
    assert all(op["channel"] == {"$ref": "#/channels/inbound"} for op in sends.values())


def test_tasks_are_received(document: dict[str, Any]) -> None:
    """Organisations receive Task messages on tasks.{org}."""
    receive = document["operations"]["receiveTasks"]
    assert receive["action"] == "receive"
    assert receive["channel"] == {"$ref": "#/channels/tasks"}


def test_inbound_channel_carries_every_inbound_event(document: dict[str, Any]) -> None:
    """Every inbound event type is a message of inbound.{org}, keyed by event_id."""
    inbound = document["channels"]["inbound"]["messages"]
    assert set(inbound) == {event.__name__ for event in INBOUND_EVENT_TYPES}
    key = document["components"]["messages"]["CustodyStarted"]["bindings"]["kafka"]["key"]
    assert "event_id" in key["description"]


@pytest.mark.parametrize(
    ("channel_id", "internal"),
    [
        ("inbound", False),
        ("tasks", False),
        ("opsAlerts", False),
        ("auditDisclosures", False),
        ("dlq", False),
        ("referralIntake", True),
        ("caseFacts", True),
        ("followupTicks", True),
    ],
)
def test_internal_channels_are_marked(
    document: dict[str, Any], channel_id: str, internal: bool
) -> None:
    """Internal topics carry the internal tag and x-internal; the organisation-facing do not."""
    channel = document["channels"][channel_id]
    assert channel.get("x-internal", False) is internal
    tag = "internal" if internal else "external"
    assert channel["tags"] == [{"$ref": f"#/components/tags/{tag}"}]


def test_servers_require_scram_sha_512(document: dict[str, Any]) -> None:
    """Every server requires the SASL/SCRAM-SHA-512 security scheme."""
    scheme = document["components"]["securitySchemes"]["scramSha512"]
    assert scheme["type"] == "scramSha512"
    for server in document["servers"].values():
        assert server["security"] == [{"$ref": "#/components/securitySchemes/scramSha512"}]


def test_document_sits_beside_the_avro_folder() -> None:
    """The relative payload references resolve because the document is next to avro/."""
    assert asyncapi.asyncapi_path() == schemas_dir().parent / "asyncapi.yaml"
    assert Path(schemas_dir()).name == "avro"
