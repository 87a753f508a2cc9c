"""The simulator's Kafka clients: the clock ticker, the counties' task reader, and the watches
that tell how far the referral gate and the stateful services have got."""

import time
from collections.abc import Callable, Iterator
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from services.core.records import DeadLetter
from services.platform.codec import Catalogue, DecodeError
from services.platform.kafka_security import client_options
from services.platform.reading import Tail
from services.platform.settings import Settings
from services.platform.topics import TopicNames

STALL = 30.0
"""Seconds without any progress after which a wait for a stage gives up and the simulation goes
on: a message that failed writes no state and would be waited for in vain. Far longer than a
loaded machine keeps a live worker from moving, so that a slow worker is waited for, not
overtaken (which would change what the simulated people do next)."""


class SimulationError(RuntimeError):
    """The simulation cannot run (no broker, no topics); the message says what to do."""


def security(settings: Settings) -> dict[str, Any]:
    """Client options for the configured principal and TLS."""
    return client_options(settings)


def ticker(settings: Settings) -> tuple[KafkaProducer, list[int]]:
    """A producer for clock ticks and the partitions of `followup.ticks` (`referral.ticks` has
    as many: both are keyed by person, like every internal topic)."""
    try:
        producer = KafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            client_id="jatkumo-simulator-clock",
            acks="all",
            **security(settings),
        )
    except KafkaError as error:
        raise SimulationError(
            f"no Kafka broker answers at {settings.bootstrap_servers}: start one with "
            "`jatkumo broker start` (or run `make demo`)"
        ) from error
    names = TopicNames(settings.namespace)
    partitions = sorted(producer.partitions_for(names.followup_ticks) or [])
    held = sorted(producer.partitions_for(names.referral_ticks) or [])
    if not partitions or held != partitions:
        producer.close(timeout=5)
        raise SimulationError(
            f"topics {names.followup_ticks} and {names.referral_ticks} do not exist alike: run "
            "`jatkumo topics apply` with the same JATKUMO_NAMESPACE and start the workers"
        )
    return producer, partitions


def task_reader(settings: Settings, orgs: list[str]) -> Tail:
    """Reads the task topics of `orgs` from the beginning, outside any consumer group."""
    names = TopicNames(settings.namespace)
    return Tail(
        settings.bootstrap_servers,
        [names.tasks(org) for org in orgs],
        "jatkumo-simulator-counties",
        **security(settings),
    )


def alert_reader(settings: Settings) -> Tail:
    """Reads the operators' alert topic from the beginning, outside any consumer group."""
    return Tail(
        settings.bootstrap_servers,
        [TopicNames(settings.namespace).alerts],
        "jatkumo-simulator-operators",
        **security(settings),
    )


class GateWatch:
    """How many published events the referral gate has dealt with so far.

    Every inbound event either passes the gate onto `referral.intake` or is dead-lettered by
    the gate, so the growth of those two topics, less the dead letters of later stages (read
    from the dead-letter topic as they come), counts the gate's progress exactly. Inbound topics
    are read in no particular order, so publishing the next day only after the gate has taken in
    the previous one keeps cause before effect: a county never acknowledges a referral the
    service has not yet seen.
    """

    GATE_STAGE = "referral.gate"

    def __init__(self, settings: Settings) -> None:
        self.names = TopicNames(settings.namespace)
        self._admin = KafkaAdminClient(
            bootstrap_servers=settings.bootstrap_servers,
            client_id="jatkumo-simulator-gate",
            **security(settings),
        )
        topics = [self.names.intake, self.names.dlq]
        described = self._admin.describe_topics(topics)
        self._partitions = [
            TopicPartition(t["name"], p["partition_index"])
            for t in described
            for p in t["partitions"]
        ]
        self._dead_letters = [tp for tp in self._partitions if tp.topic == self.names.dlq]
        self._reader = KafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            client_id="jatkumo-simulator-gate-dlq",
            **security(settings),
        )
        self._reader.assign(self._dead_letters)
        self._reader.seek_to_beginning(*self._dead_letters)
        self._catalogue = Catalogue()
        self._later_stages = 0
        self._baseline = self._total()
        self._confirmed = 0
        """The most published events the gate is known to have dealt with."""

    def _total(self) -> int:
        ends = self._admin.list_partition_offsets(
            dict.fromkeys(self._partitions, OffsetSpec.LATEST)
        )
        self._count_later_stages({tp: ends[tp].offset for tp in self._dead_letters})
        total: int = sum(ends[tp].offset for tp in self._partitions)
        return total - self._later_stages

    def _count_later_stages(self, ends: dict[TopicPartition, int]) -> None:
        """Read the dead letters up to `ends`, counting those a later stage wrote."""
        while any(self._reader.position(tp) < end for tp, end in ends.items()):
            for records in self._reader.poll(timeout_ms=200).values():
                for record in records:
                    try:
                        letter = self._catalogue.decode_as(record.value, DeadLetter)
                    except DecodeError:
                        continue
                    if letter.stage != self.GATE_STAGE:
                        self._later_stages += 1

    def wait_for(self, published: int, timeout: float = 120.0) -> float:
        """Until the gate has dealt with `published` events; the seconds it took."""
        if published <= self._confirmed:
            return 0.0
        began = time.monotonic()
        pauses = backoff(FIRST_PAUSE)
        while (dealt := self._total() - self._baseline) < published:
            if time.monotonic() - began > timeout:
                raise SimulationError(
                    f"the referral service did not take in the day's events within {timeout:.0f} s:"
                    f" are the workers running with JATKUMO_NAMESPACE={self.names.namespace!r} and "
                    "JATKUMO_CLOCK=event?"
                )
            time.sleep(next(pauses))
        self._confirmed = dealt
        return time.monotonic() - began

    def close(self) -> None:
        self._reader.close()
        self._admin.close()


class ServiceProgress:
    """Exactly how many messages the case registry and the followup service have yet to take in.

    Both write their person's state once for every message they take in (the registry for each
    intake and referral tick, followup for each case fact and personal tick; the broadcast clock
    ticks write nothing), so the growth of a state table's changelog counts the messages done.
    Unlike committed consumer offsets, this is exact at any moment.
    """

    def __init__(self, settings: Settings) -> None:
        names = TopicNames(settings.namespace)
        self._work = {
            names.changelog("referral", "referral-persons"): (names.intake, names.referral_ticks),
            names.changelog("followup", "followup-state"): (
                names.case_facts,
                names.followup_ticks,
            ),
        }
        topics = sorted({t for done, todo in self._work.items() for t in (done, *todo)})
        self._admin, self._partitions = _partitions_of(
            settings, topics, "jatkumo-simulator-progress"
        )
        self.broadcasts = 0
        """Clock ticks sent to every tick partition: taken in without a state write."""
        self._baseline = self._raw()

    def _raw(self) -> tuple[int, int]:
        ends = self._admin.list_partition_offsets(
            dict.fromkeys(self._partitions, OffsetSpec.LATEST)
        )
        per_topic: dict[str, int] = {}
        for tp in self._partitions:
            per_topic[tp.topic] = per_topic.get(tp.topic, 0) + ends[tp].offset
        done = sum(per_topic[topic] for topic in self._work)
        todo = sum(per_topic[t] for inputs in self._work.values() for t in inputs)
        return todo - done, done

    def wait_until_done(self, timeout: float = 120.0, stall: float = STALL) -> float:
        """Until nothing is left (or nothing moved for `stall` seconds: a message that failed
        writes no state and would be waited for in vain); the seconds it took."""

        def check() -> tuple[bool, object]:
            backlog, done = self._raw()
            return backlog - self.broadcasts <= self._baseline[0], done

        return _wait_while_moving(check, timeout, stall, first_pause=0.01)

    def close(self) -> None:
        self._admin.close()


class StageProgress:
    """How far one stateful stage has got on each partition, against a snapshot of its inputs.

    The stage writes its person's state once for every message it takes in (see
    `ServiceProgress`), and its state table's changelog is co-partitioned with its inputs, so
    partition p of the changelog counts the messages done on partition p of the inputs. A
    snapshot of the inputs' end offsets, taken when everything before some instant had reached
    them, is done once every partition's count has reached it, however much newer input has
    arrived since: unlike the total backlog, it can be waited for while the publisher goes on.
    """

    def __init__(
        self, settings: Settings, changelog: str, inputs: tuple[str, ...], client_id: str
    ) -> None:
        self._changelog, self._inputs = changelog, inputs
        self._admin, self._partitions = _partitions_of(settings, [changelog, *inputs], client_id)
        self.silent: dict[int, int] = {}
        """Messages sent to an input partition that write no state (broadcast clock ticks)."""
        self._base_todo, self._base_done = self._counts()

    def _counts(self) -> tuple[dict[int, int], dict[int, int]]:
        ends = self._admin.list_partition_offsets(
            dict.fromkeys(self._partitions, OffsetSpec.LATEST)
        )
        todo: dict[int, int] = {}
        done: dict[int, int] = {}
        for tp in self._partitions:
            into = done if tp.topic == self._changelog else todo
            into[tp.partition] = into.get(tp.partition, 0) + ends[tp].offset
        return todo, done

    def snapshot(self) -> dict[int, int]:
        """Per partition, the messages that have reached the stage's inputs so far and will
        write state (the silent ones sent so far left out)."""
        todo, _ = self._counts()
        return {p: n - self._base_todo.get(p, 0) - self.silent.get(p, 0) for p, n in todo.items()}

    def wait_past(
        self, snapshot: dict[int, int], timeout: float = 120.0, stall: float = STALL
    ) -> float:
        """Until every partition has done what its snapshot holds (or nothing moved for
        `stall` seconds: a message that failed writes no state); the seconds it took."""

        def check() -> tuple[bool, object]:
            _, counts = self._counts()
            done = {p: n - self._base_done.get(p, 0) for p, n in counts.items()}
            return all(done.get(p, 0) >= n for p, n in snapshot.items()), done

        return _wait_while_moving(check, timeout, stall, first_pause=0.005)

    def close(self) -> None:
        self._admin.close()


def registry_progress(settings: Settings) -> StageProgress:
    """The case registry: intake and referral ticks in, `referral-persons` written."""
    names = TopicNames(settings.namespace)
    return StageProgress(
        settings,
        names.changelog("referral", "referral-persons"),
        (names.intake, names.referral_ticks),
        "jatkumo-simulator-registry",
    )


def followup_progress(settings: Settings) -> StageProgress:
    """The followup service: case facts and ticks in, `followup-state` written."""
    names = TopicNames(settings.namespace)
    return StageProgress(
        settings,
        names.changelog("followup", "followup-state"),
        (names.case_facts, names.followup_ticks),
        "jatkumo-simulator-followup",
    )


class CommittedProgress:
    """How far a consumer group has committed on one input topic, against snapshots of the
    topic's end offsets.

    A stage that does not write its state for every message it takes in (handover writes its
    table only when the tasks it issued change) cannot be counted by its changelog; its group's
    committed offsets are the evidence instead, exact but late: a worker commits a message only
    once the outputs of its batch are delivered (`faust_patches.batch_acks`), up to the commit
    interval after. A snapshot is therefore waited for a simulated day or more after it was
    taken, when the commit has nearly always caught up.
    """

    def __init__(self, settings: Settings, group: str, topic: str, client_id: str) -> None:
        self._group = group
        self._admin, self._partitions = _partitions_of(settings, [topic], client_id)
        self._base = self._ends()

    def _ends(self) -> dict[TopicPartition, int]:
        ends = self._admin.list_partition_offsets(
            dict.fromkeys(self._partitions, OffsetSpec.LATEST)
        )
        return {tp: ends[tp].offset for tp in self._partitions}

    def snapshot(self) -> dict[TopicPartition, int]:
        """The end offsets now of the partitions that grew since the watch began."""
        return {tp: end for tp, end in self._ends().items() if end > self._base[tp]}

    def wait_past(
        self, snapshot: dict[TopicPartition, int], timeout: float = 120.0, stall: float = STALL
    ) -> float:
        """Until the group has committed every partition up to its snapshot (or the commits
        have not moved for `stall` seconds: the workers are not running); the seconds it took."""
        if not snapshot:
            return 0.0

        def check() -> tuple[bool, object]:
            fetched = self._admin.list_group_offsets({self._group: list(snapshot)})
            offsets = fetched.get(self._group, {})
            committed = {tp: offsets[tp].offset if tp in offsets else -1 for tp in snapshot}
            return all(committed[tp] >= end for tp, end in snapshot.items()), committed

        return _wait_while_moving(check, timeout, stall, first_pause=0.02)

    def close(self) -> None:
        self._admin.close()


def handover_progress(settings: Settings) -> CommittedProgress:
    """The handover service: case facts in, tasks out, its table written only on a change."""
    names = TopicNames(settings.namespace)
    return CommittedProgress(
        settings, names.app_id("handover"), names.case_facts, "jatkumo-simulator-handover"
    )


class PipelineLag:
    """Messages the services' consumer groups have not committed yet (they commit about once a
    second, so this trails their real progress by up to a second of work): enough to tell when
    all three have caught up at the end."""

    SERVICES = ("referral", "handover", "followup")

    def __init__(self, settings: Settings, client_id: str = "jatkumo-simulator-lag") -> None:
        names = TopicNames(settings.namespace)
        self.groups = [names.app_id(service) for service in self.SERVICES]
        self._admin = KafkaAdminClient(
            bootstrap_servers=settings.bootstrap_servers, client_id=client_id, **security(settings)
        )

    def measure(self) -> int | None:
        """The total lag, or None while the groups have committed nothing."""
        committed: dict[tuple[str, TopicPartition], int] = {}
        for group in self.groups:
            offsets = self._admin.list_group_offsets(group).get(group, {})
            committed.update({(group, tp): meta.offset for tp, meta in offsets.items()})
        partitions = {tp for _, tp in committed}
        if not partitions:
            return None
        ends = self._admin.list_partition_offsets(dict.fromkeys(partitions, OffsetSpec.LATEST))
        return int(
            sum(
                max(0, ends[tp].offset - max(offset, 0))
                for (_, tp), offset in committed.items()
                if tp in ends
            )
        )

    def close(self) -> None:
        self._admin.close()


def _partitions_of(
    settings: Settings, topics: list[str], client_id: str
) -> tuple[KafkaAdminClient, list[TopicPartition]]:
    """An admin client and every partition of the topics; a clear error when one is missing."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, client_id=client_id, **security(settings)
    )
    described = admin.describe_topics(topics)
    missing = [t["name"] for t in described if not t["partitions"]]
    if missing:
        admin.close()
        raise SimulationError(
            f"topics {', '.join(missing)} do not exist: run `jatkumo topics apply` with the "
            "same JATKUMO_NAMESPACE"
        )
    partitions = [
        TopicPartition(t["name"], p["partition_index"]) for t in described for p in t["partitions"]
    ]
    return admin, partitions


FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.05


def backoff(first: float, longest: float = LONGEST_PAUSE) -> Iterator[float]:
    """Pauses between two questions to the broker while waiting: short at first (most waits
    are over within a few tens of milliseconds), then half as long again each time, up to
    `longest`. Every question is a request the broker serves; asked every 5 ms throughout, they
    cost a demo's broker more CPU than the services' own traffic."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 1.5, longest)


def _wait_while_moving(
    check: Callable[[], tuple[bool, object]], timeout: float, stall: float, first_pause: float
) -> float:
    """Poll `check` (done?, progress so far) until it is done, or its progress has not moved
    for `stall` seconds (a message that failed writes no state and would be waited for in
    vain); the seconds it took. Past `timeout` the services are not keeping up at all."""
    began = last_move = time.monotonic()
    last: object = None
    pauses = backoff(first_pause)
    while True:
        done, progress = check()
        now = time.monotonic()
        if done:
            return now - began
        if progress != last:
            last, last_move = progress, now
        elif now - last_move > stall:
            return now - began
        if now - began > timeout:
            raise SimulationError(
                f"the services did not keep up within {timeout:.0f} s: are the referral and "
                "followup workers running?"
            )
        time.sleep(next(pauses))
