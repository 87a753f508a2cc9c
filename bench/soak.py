"""`python -m bench.soak`: a long replay through the full pipeline, watching worker memory.

The replay is published in chunks; after each chunk the soak waits until every event has a
disposition, then samples each worker's RSS and the size of its state directory against the
number of cases open (custody started, not closed). The workers keep their tables in the
store production uses (`rocksdb://`, rocksdict) unless `--store` says otherwise. The replay
runs to the end unless a time budget (`--minutes`) is given; a run cut short extrapolates the
RSS growth per case to the target number of open cases. The result goes between soak markers
in the report file.
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.kafka import (
    BATCHED_FETCH,
    Observer,
    encode,
    groups_stable,
    prepare_topics,
    publish,
    running_broker,
)
from bench.processes import Workers
from bench.runs import SERVICES
from bench.workload import Timed, generate
from services.core.events import CaseClosed, CustodyStarted
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames

BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"
MB = 2**20


@dataclass(frozen=True)
class Sample:
    events: int
    cases: int
    """Cases open after the chunk: custody started and not closed."""
    seconds: float
    rss: dict[str, int]
    state: dict[str, int]
    """Bytes in each worker's data directory."""


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--spread-days",
        type=int,
        default=150,
        help="custody starts spread over this many days (sets the peak)",
    )
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument(
        "--minutes", type=float, default=None, help="time budget (default: run to the end)"
    )
    parser.add_argument(
        "--store", default="rocksdb://", help="the workers' table store (faust store URL)"
    )
    parser.add_argument("--target-cases", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--output", type=Path, default=Path("docs/performance.md"))
    return parser.parse_args(argv)


async def _soak(
    bootstrap: str,
    events: list[Timed],
    workers: Workers,
    names: TopicNames,
    args: argparse.Namespace,
    *,
    samples: list[Sample],
) -> None:
    """Publish chunk by chunk, appending a sample after each (kept if the run is cut short)."""
    senders = sorted({t.event.source_org for t in events})
    observer = Observer(bootstrap, [names.receipts(org) for org in senders], fetch=BATCHED_FETCH)
    await observer.start()
    codec, cases = Catalogue(), 0
    budget = args.minutes * 60 if args.minutes is not None else float("inf")
    began = time.monotonic()
    deadline = began + budget
    try:
        for start in range(0, len(events), args.chunk):
            chunk = events[start : start + args.chunk]
            pending = {t.event.event_id.encode() for t in chunk}
            await publish(bootstrap, encode(chunk, names, codec), None)
            await observer.wait(
                lambda pending=pending: _answered(observer, pending),
                max(600.0, min(deadline - time.monotonic() + 600, 3600.0)),
                "a receipt for every event of the chunk",
            )
            cases += _opened(chunk)
            workers.check_alive()
            rss = {name: workers.rss(name) for name in workers.processes}
            state = {name: workers.state_bytes(name) for name in workers.processes}
            samples.append(Sample(start + len(chunk), cases, time.monotonic() - began, rss, state))
            print(
                f"{samples[-1].events:>9} events {cases:>7} open cases "
                f"{samples[-1].seconds / 60:6.1f} min  "
                + "  ".join(
                    f"{n} {v / MB:.0f} MB (state {state[n] / MB:.0f} MB)" for n, v in rss.items()
                ),
                flush=True,
            )
            if time.monotonic() > deadline:
                break
    finally:
        await observer.stop()


def _answered(observer: Observer, pending: set[bytes]) -> bool:
    """Take the receipts that arrived off `pending`; True once every event has one.

    Every inbound event gets a receipt once the referral service has dealt with it: accepted,
    rejected, or held (a contact referral waiting for its consent stays held until the consent
    or the consent timeout, which may lie in a later chunk)."""
    for seen in observer.seen:
        pending.discard(seen.key or b"")
    observer.seen.clear()
    return not pending


def _opened(chunk: list[Timed]) -> int:
    """Cases the chunk opens less those it closes."""
    return sum(isinstance(t.event, CustodyStarted) for t in chunk) - sum(
        isinstance(t.event, CaseClosed) for t in chunk
    )


def _slope(samples: list[Sample], name: str) -> float:
    """RSS bytes per case, least squares over the second half of the samples."""
    half = samples[len(samples) // 2 :] if len(samples) >= 4 else samples
    xs, ys = [s.cases for s in half], [s.rss[name] for s in half]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return (
        sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
        if spread
        else 0.0
    )


def render(
    samples: list[Sample],
    args: argparse.Namespace,
    peak: int,
    peak_rss: dict[str, int],
    argv: list[str],
) -> str:
    """The soak's result block: a summary per worker and the RSS curve over the replay."""
    last = samples[-1]
    finished = last.events >= args.events
    most = max(samples, key=lambda sample: sample.cases)
    if finished:
        limit = "completed"
    elif args.minutes is not None and last.seconds >= args.minutes * 60:
        limit = f"stopped by the {args.minutes:g} min budget after {last.events:,} events"
    else:
        limit = f"interrupted after {last.events:,} events"
    lines = [
        BEGIN,
        f"Command: `{' '.join(['python -m bench.soak', *argv]) if argv else 'make bench-soak'}`",
        "",
        f"Replay of {args.events:,} events on the `{args.store}` table store ({peak:,} cases "
        f"open at its peak); {limit} in {last.seconds / 60:.1f} min "
        f"({last.events / last.seconds:,.0f} events/s), {most.cases:,} cases open at the most "
        f"open sample, {last.cases:,} at the end.",
        "",
        "| worker | RSS at start | RSS at the most open cases | peak RSS | RSS at the end "
        "| state directory at the end |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(last.rss):
        lines.append(
            f"| {name} | {samples[0].rss[name] / MB:.0f} MB | {most.rss[name] / MB:.0f} MB | "
            f"{peak_rss.get(name, 0) / MB:.0f} MB | {last.rss[name] / MB:.0f} MB | "
            f"{last.state[name] / MB:.0f} MB |"
        )
    if not finished:
        lines += ["", *_extrapolation(samples, args)]
    lines += ["", *_curve(samples)]
    lines.append(END)
    return "\n".join(lines) + "\n"


def _extrapolation(samples: list[Sample], args: argparse.Namespace) -> list[str]:
    last = samples[-1]
    lines = [
        f"| worker | growth per 1,000 cases | extrapolated at {args.target_cases:,} cases |",
        "|---|---:|---:|",
    ]
    for name in sorted(last.rss):
        slope = _slope(samples, name)
        projected = last.rss[name] + slope * max(0, args.target_cases - last.cases)
        lines.append(f"| {name} | {slope * 1000 / MB:.1f} MB | {projected / MB:.0f} MB |")
    return lines


def _curve(samples: list[Sample], rows: int = 12) -> list[str]:
    """RSS and state size per worker at evenly spaced samples (the first and last included)."""
    step = max(1, (len(samples) - 1) // (rows - 1))
    picked = samples[::step]
    if picked[-1] is not samples[-1]:
        picked.append(samples[-1])
    names = sorted(samples[-1].rss)
    lines = [
        "| events | open cases | minutes | " + " | ".join(f"{n} RSS / state" for n in names) + " |",
        "|---:|---:|---:|" + "---:|" * len(names),
    ]
    for sample in picked:
        cells = " | ".join(
            f"{sample.rss[n] / MB:.0f} / {sample.state[n] / MB:.0f} MB" for n in names
        )
        lines.append(
            f"| {sample.events:,} | {sample.cases:,} | {sample.seconds / 60:.1f} | {cells} |"
        )
    return lines


def write(path: Path, block: str) -> None:
    text = path.read_text("utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + ("\n" + tail if tail else "")
    else:
        text = text + ("\n" if text else "") + block
    path.write_text(text, "utf-8")


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    workload = generate(args.events, spread_days=args.spread_days)
    print(
        f"replay: {len(workload.events)} events, peak {workload.peak_open_cases} open cases",
        flush=True,
    )
    names = TopicNames(f"soak{uuid.uuid4().hex[:6]}")
    with (
        tempfile.TemporaryDirectory(prefix="jatkumo-soak-") as scratch,
        running_broker() as bootstrap,
    ):
        prepare_topics(bootstrap, names, args.partitions)
        workers = Workers(
            bootstrap,
            names.namespace,
            Path(scratch),
            args.partitions,
            settings={"JATKUMO_STORE": args.store},
        )
        samples: list[Sample] = []
        try:
            for service in SERVICES:
                workers.service(service)
            groups_stable(bootstrap, [names.app_id(s) for s in SERVICES], 180, workers.check_alive)
            asyncio.run(_soak(bootstrap, workload.events, workers, names, args, samples=samples))
        except KeyboardInterrupt:  # Ctrl-C: report the samples taken so far
            if not samples:
                raise
        finally:
            workers.stop()
    block = render(samples, args, workload.peak_open_cases, workers.peak_rss, argv)
    write(args.output, block)
    print(block)


if __name__ == "__main__":
    main(sys.argv[1:])
