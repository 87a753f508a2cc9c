"""The idempotent producer patch against the real faust and aiokafka classes (no broker)."""

import asyncio
from pathlib import Path
from typing import Any

import pytest

from services.platform import faust_patches
from services.platform.faust_app import make_app
from services.platform.settings import Settings


def _built_producer(tmp_path: Path) -> Any:
    """The aiokafka producer that faust builds for a Jatkumo app (built, never started)."""

    async def build() -> Any:
        settings = Settings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9", data_dir=tmp_path)
        producer: Any = make_app("unit", settings).producer
        return producer._new_producer()

    return asyncio.run(build())


def test_the_apps_producer_is_idempotent_and_waits_for_all_replicas(tmp_path: Path) -> None:
    """Outside transactions the producer has idempotence on and acks=all."""
    producer = _built_producer(tmp_path)
    assert producer._txn_manager is not None
    assert producer._sender._acks == -1


def test_without_the_patch_faust_builds_a_producer_without_idempotence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the patch corrects: faust alone leaves idempotence off outside transactions."""
    monkeypatch.setenv(faust_patches.DISABLED_ENV, "idempotent_producer")
    assert _built_producer(tmp_path)._txn_manager is None
