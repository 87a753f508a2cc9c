"""What the faust patches were written for, and what differs from it in this environment.

Each patch wraps or relies on a private function of faust-streaming. A new release can change
one without a word, and a wrapper that still installs could then lose messages quietly. So the
versions, the signature of every patched or relied-on function and a hash of its source are
written down here; `drift()` compares them with the installed libraries (the originals, also
when the patches are installed). An upgrade is a deliberate change: read the upstream change,
re-run the per-patch tests (`tests/integration/test_faust_patches.py`), then update the table.
"""

import hashlib
import inspect
from collections.abc import Callable
from importlib import metadata
from typing import Any

import aiokafka
import faust.events
import faust.streams
from faust.transport.consumer import Consumer
from faust.types.tuples import Message

from services.platform.faust_patches import (
    ack_guard,
    gapless_commit,
    idempotent_producer,
    ordered_fetch,
)

WRITTEN_FOR = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0", "mode-streaming": "0.7.1"}


def _originals() -> dict[str, Callable[..., Any]]:
    """The upstream functions, as faust defines them (saved before any patch replaced them)."""
    return {
        "faust.transport.consumer.Consumer.ack": ack_guard._original_ack,
        "faust.transport.consumer.Consumer.getmany": ordered_fetch._original_getmany,
        "faust.transport.consumer.Consumer._add_gap": ordered_fetch._original_add_gap,
        "faust.transport.consumer.Consumer._new_offset": gapless_commit._original_new_offset,
        "faust.transport.consumer.Consumer.force_commit": gapless_commit._original_force_commit,
        "faust.transport.consumer.Consumer.perform_seek": gapless_commit._original_perform_seek,
        "faust.transport.consumer.Consumer._drain_messages": Consumer._drain_messages,
        "faust.transport.consumer.Consumer.seek_wait": Consumer.seek_wait,
        "faust.streams.Stream.take_events": faust.streams.Stream.take_events,
        "faust.streams.Stream._py_aiter": faust.streams.Stream._py_aiter,
        "faust.streams.Stream.on_stop": faust.streams.Stream.on_stop,
        "faust.events.Event.ack": faust.events.Event.ack,
        "faust.types.tuples.Message.ack": Message.ack,
        "faust.types.tuples.Message.incref": Message.incref,
        "faust.types.tuples.Message.decref": Message.decref,
        "aiokafka.AIOKafkaConsumer.seek": aiokafka.AIOKafkaConsumer.seek,
        "faust.App._new_producer": idempotent_producer._original_new_producer,
        "faust.transport.drivers.aiokafka.Producer._settings_extra": (
            idempotent_producer._original_settings_extra
        ),
    }


EXPECTED: dict[str, tuple[str, str]] = {
    "faust.App._new_producer": (
        "(self) -> faust.types.transports.ProducerT",
        "e7e1814e715d8b30",
    ),
    "faust.transport.drivers.aiokafka.Producer._settings_extra": (
        "(self) -> Mapping[str, Any]",
        "a4c7bc41b6382223",
    ),
    "aiokafka.AIOKafkaConsumer.seek": (
        "(self, partition, offset)",
        "a9430f1f3b9ac419",
    ),
    "faust.streams.Stream._py_aiter": (
        "(self) -> AsyncIterator[+T_co]",
        "3a48ee257a65435b",
    ),
    "faust.streams.Stream.on_stop": (
        "(self) -> None",
        "81b327b1578dff1c",
    ),
    "faust.events.Event.ack": (
        "(self) -> bool",
        "2d29a6eda87c4ce5",
    ),
    "faust.types.tuples.Message.ack": (
        "(self, consumer: faust.types.tuples._ConsumerT, n: int = 1) -> bool",
        "4751b72c4ed84153",
    ),
    "faust.types.tuples.Message.incref": (
        "(self, n: int = 1) -> None",
        "78d34df830d3089b",
    ),
    "faust.types.tuples.Message.decref": (
        "(self, n: int = 1) -> int",
        "f23396189d0e5592",
    ),
    "faust.streams.Stream.take_events": (
        "(self, max_: int, within: Union[datetime.timedelta, float, str]) -> "
        "AsyncGenerator[Sequence[faust.types.events.EventT], NoneType]",
        "607d48aead118ba8",
    ),
    "faust.transport.consumer.Consumer._add_gap": (
        "(self, tp: faust.types.tuples.TP, offset_from: int, offset_to: int) -> None",
        "4df2573ded7c1c2c",
    ),
    "faust.transport.consumer.Consumer._drain_messages": (
        "(self, fetcher: mode.types.services.ServiceT) -> None",
        "44a2500309e83c63",
    ),
    "faust.transport.consumer.Consumer._new_offset": (
        "(self, tp: faust.types.tuples.TP) -> Optional[int]",
        "1d2c7ea89a7ad4f1",
    ),
    "faust.transport.consumer.Consumer.ack": (
        "(self, message: faust.types.tuples.Message) -> bool",
        "5fcf41cf45153475",
    ),
    "faust.transport.consumer.Consumer.force_commit": (
        "(self, topics: Optional[AbstractSet[Union[str, faust.types.tuples.TP]]] = None, "
        "start_new_transaction: bool = True) -> bool",
        "cc094614d22c70fb",
    ),
    "faust.transport.consumer.Consumer.getmany": (
        "(self, timeout: float) -> AsyncIterator[Tuple[faust.types.tuples.TP, "
        "faust.types.tuples.Message]]",
        "4b168d84882a70d6",
    ),
    "faust.transport.consumer.Consumer.perform_seek": (
        "(self) -> None",
        "0e8c130ff4b0afd8",
    ),
    "faust.transport.consumer.Consumer.seek_wait": (
        "(self, partitions: Mapping[faust.types.tuples.TP, int]) -> None",
        "663c0cec70b3dfbb",
    ),
}
"""Per function: its signature and the first 16 hex digits of the SHA-256 of its source."""


def fingerprint(function: Callable[..., Any]) -> tuple[str, str]:
    source = inspect.getsource(function)
    return str(inspect.signature(function)), hashlib.sha256(source.encode()).hexdigest()[:16]


def installed_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in WRITTEN_FOR}


def drift(
    versions: dict[str, str] | None = None,
    functions: dict[str, Callable[..., Any]] | None = None,
) -> list[str]:
    """Every difference from what the patches were written for; empty when there is none."""
    found = [
        f"{name} is {version}, the patches were written for {WRITTEN_FOR[name]}"
        for name, version in sorted((versions or installed_versions()).items())
        if version != WRITTEN_FOR[name]
    ]
    if not hasattr(faust.streams, "_CStreamIterator"):
        found.append("faust.streams._CStreamIterator is gone (ack_guard switches it off)")
    for name, function in sorted((functions or _originals()).items()):
        expected = EXPECTED.get(name)
        signature, digest = fingerprint(function)
        if expected is None:
            found.append(f"{name} is not in the canary's table")
        elif signature != expected[0]:
            found.append(f"{name}{signature} differs from {name}{expected[0]}")
        elif digest != expected[1]:
            found.append(f"{name}: the source changed (sha256 {digest}, expected {expected[1]})")
    return found
