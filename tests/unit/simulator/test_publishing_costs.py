"""The simulator's publishing does its fixed work once: one hash per identity code, one
producer for every organisation, and kafka-python's record checksums in C."""

from typing import Any

import kafka.record.util
import pytest
from kafka.record._crc32c import crc as pure_python_crc32c

from services.core import identity
from services.core.organisations import AGENCY_CONTROLLER
from services.platform.settings import Settings
from services.sdk.publisher import Publisher
from services.simulator import run
from services.simulator.config import SimulationConfig
from services.simulator.run import Simulation

CODE = "010190-900P"


class SharedProducer:
    """Stands where a KafkaProducer shared by several publishers would."""

    def __init__(self) -> None:
        self.flushes = 0
        self.closed = False

    def flush(self, timeout: float | None = None) -> None:
        self.flushes += 1

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


def test_an_identity_code_is_hashed_once_however_many_events_name_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three look-ups of one code give its person_ref and call the keyed hash once."""
    calls: list[str] = []

    def counted(code: str, secret: bytes, issuer: str = AGENCY_CONTROLLER) -> str:
        calls.append(code)
        return identity.person_ref(code, secret, issuer)

    monkeypatch.setattr(run, "person_ref", counted)
    settings = Settings()
    simulation = Simulation(settings, SimulationConfig(seed=1, days=1, people=1))
    refs = {simulation._ref_of(CODE) for _ in range(3)}
    assert refs == {identity.person_ref(CODE, settings.person_ref_key)}
    assert calls == [CODE]


def test_a_publisher_leaves_a_shared_producer_open() -> None:
    """Closing one organisation's publisher flushes the shared producer but does not close
    it: the other organisations still send with it."""
    shared: Any = SharedProducer()
    publisher = Publisher("prison-kuopion", "127.0.0.1:1", producer=shared)
    publisher.close()
    assert (shared.flushes, shared.closed) == (1, False)


def test_kafka_python_checksums_records_in_c() -> None:
    """kafka-python found the crc32c package; its pure-Python fallback cost the simulator's
    publisher and readers several per cent of their time."""
    assert kafka.record.util._crc32c is not pure_python_crc32c
