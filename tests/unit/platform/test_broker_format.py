"""How the local broker's storage is formatted: ids and arguments a command line cannot misread."""

import uuid
from collections.abc import Iterator
from pathlib import Path

from services.platform import broker

DASH_FIRST = uuid.UUID(bytes=b"\xf8" + bytes(15))  # URL-safe base64 of 0xF8... starts with "-"


def _draws(*values: uuid.UUID) -> Iterator[uuid.UUID]:
    yield from values


def test_a_draw_starting_with_a_dash_is_thrown_away() -> None:
    """The id generator draws again when the encoded id would begin with a dash."""
    second = uuid.UUID(int=1)
    draws = _draws(DASH_FIRST, second)
    cluster_id = broker.new_cluster_id(lambda: next(draws))
    assert not cluster_id.startswith("-")
    assert cluster_id == broker.new_cluster_id(lambda: second)


def test_ids_are_22_url_safe_characters() -> None:
    """An id is the 22-character unpadded URL-safe base64 form Kafka expects."""
    for _ in range(200):
        cluster_id = broker.new_cluster_id()
        assert len(cluster_id) == 22
        assert set(cluster_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


def test_the_id_is_joined_to_its_flag(tmp_path: Path) -> None:
    """Even an id beginning with a dash reaches the tool as the value of --cluster-id."""
    config = broker.BrokerConfig(state_dir=tmp_path)
    args = broker.format_arguments(config, tmp_path / "server.properties", "-abc")
    assert "--cluster-id=-abc" in args
    assert "-abc" not in args
