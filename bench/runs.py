"""The broker runs: (a) raw aiokafka limit, (b) bare faust pass-through, (c) the full pipeline.

Each run gets its own topic namespace and fresh worker processes, waits until their consumer
groups are stable, then publishes the replay and measures from the first publish to the last
expected output, using the record timestamps the producing workers set.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.expect import Tracker
from bench.kafka import (
    CommitWatch,
    Observer,
    Outgoing,
    encode,
    groups_stable,
    prepare_topics,
    publish,
)
from bench.passthrough import group
from bench.processes import Workers
from bench.workload import Timed
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames

SERVICES = ("referral", "handover", "followup")


@dataclass
class RunResult:
    events: int
    seconds: float
    peak_rss: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds each worker used between the first publish and the last output."""
    task_latency: list[float] = field(default_factory=list)
    fact_latency: list[float] = field(default_factory=list)
    facts: int = 0
    tasks: int = 0
    dead_letters: int = 0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        """Events per CPU second of all the run's workers (less sensitive to a busy machine)."""
        used = sum(self.cpu.values())
        return self.events / used if used else 0.0


def _used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


def _progress(began: float, what: str) -> None:
    print(f"    {time.time() - began:7.1f} s  {what}", flush=True)


def _namespace(label: str) -> str:
    return f"bench{label}{uuid.uuid4().hex[:6]}"


def run_passthrough(
    kind: str,
    bootstrap: str,
    events: list[Timed],
    work_dir: Path,
    *,
    partitions: int,
    timeout: float,
) -> RunResult:
    """(a) or (b): every inbound message forwarded once to the output topic."""
    names = TopicNames(_namespace(kind))
    prepare_topics(bootstrap, names, partitions)
    workers = Workers(bootstrap, names.namespace, work_dir, partitions)
    try:
        workers.start(kind, "-m", "bench.passthrough", kind)
        groups_stable(bootstrap, [group(kind, names.namespace)], 120, workers.check_alive)
        outgoing = encode(events, names, Catalogue())
        return asyncio.run(_measure_passthrough(bootstrap, names, outgoing, workers, timeout))
    finally:
        workers.stop()


async def _measure_passthrough(
    bootstrap: str, names: TopicNames, outgoing: list[Outgoing], workers: Workers, timeout: float
) -> RunResult:
    observer = Observer(bootstrap, [names.case_facts])
    await observer.start()
    try:
        cpu_before = workers.cpu_seconds()
        sent = await publish(bootstrap, outgoing, None)
        await observer.wait(
            lambda: len(observer.seen) >= len(outgoing),
            timeout,
            f"{len(outgoing)} forwarded messages",
        )
        cpu = _used(cpu_before, workers.cpu_seconds())
    finally:
        await observer.stop()
    end = max(s.produced for s in observer.seen)
    return RunResult(len(outgoing), end - min(sent.values()), dict(workers.peak_rss), cpu)


def run_pipeline(
    bootstrap: str,
    events: list[Timed],
    work_dir: Path,
    partitions: int,
    *,
    rate: float | None,
    timeout: float,
) -> RunResult:
    """(c): referral, handover and followup workers on the event-time clock."""
    names = TopicNames(_namespace("pipe"))
    prepare_topics(bootstrap, names, partitions)
    workers = Workers(bootstrap, names.namespace, work_dir, partitions)
    try:
        for service in SERVICES:
            workers.service(service)
        groups_stable(
            bootstrap,
            [names.app_id(s) for s in SERVICES],
            180,
            workers.check_alive,
        )
        outgoing = encode(events, names, Catalogue())
        return asyncio.run(
            _measure_pipeline(bootstrap, names, outgoing, workers, rate=rate, timeout=timeout)
        )
    finally:
        workers.stop()


async def _measure_pipeline(
    bootstrap: str,
    names: TopicNames,
    outgoing: list[Outgoing],
    workers: Workers,
    *,
    rate: float | None,
    timeout: float,
) -> RunResult:
    from services.core.organisations import default_registry  # noqa: PLC0415

    task_topics = [names.tasks(org) for org in default_registry().codes()]
    observer = Observer(bootstrap, [names.case_facts, names.dlq, *task_topics])
    tracker = Tracker(observer, {m.event_id for m in outgoing})
    await observer.start()
    try:
        cpu_before = workers.cpu_seconds()
        sent = await publish(bootstrap, outgoing, rate)
        began = min(sent.values())
        _progress(began, "published")
        await observer.wait(
            lambda: tracker.update() and tracker.all_disposed(),
            timeout,
            "a fact or a dead letter for every event",
        )
        _progress(began, "every event disposed")
        tracker.expect_handover_tasks()
        await observer.wait(
            lambda: tracker.update() and tracker.all_tasks_seen(),
            timeout,
            "every handover task the facts call for",
        )
        _progress(began, "every handover task seen")
        watch = CommitWatch(bootstrap, names.app_id("followup"), names.case_facts)
        try:
            while not await asyncio.to_thread(watch.done):
                workers.check_alive()
                await asyncio.sleep(0.1)
        finally:
            watch.close()
        followup_done = time.time()
        cpu = _used(cpu_before, workers.cpu_seconds())
        _progress(began, "followup committed through the end of case-facts")
    finally:
        await observer.stop()
    workers.check_alive()
    end = max(tracker.last_output(), followup_done if rate is None else 0.0)
    return RunResult(
        len(outgoing),
        end - min(sent.values()),
        dict(workers.peak_rss),
        cpu,
        task_latency=tracker.task_latencies(sent),
        fact_latency=tracker.fact_latencies(sent),
        facts=len(tracker.facts),
        tasks=len(tracker.tasks),
        dead_letters=len(tracker.dead),
    )
