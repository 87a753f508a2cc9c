"""`python -m bench.soak`: a long replay through the full pipeline, watching worker memory.

The replay is published in chunks; after each chunk the soak waits until every event has a
disposition, then samples each worker's RSS against the number of cases opened so far. It stops
when the replay is done or the time budget is spent, and extrapolates the RSS growth per case
to the target number of open cases. The result goes between soak markers in the report file.
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.expect import Tracker
from bench.kafka import Observer, encode, groups_stable, prepare_topics, publish, running_broker
from bench.processes import Workers
from bench.runs import SERVICES
from bench.workload import Timed, generate
from services.core.events import CustodyStarted
from services.platform.codec import Catalogue
from services.platform.topics import TopicNames

BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"
MB = 2**20


@dataclass(frozen=True)
class Sample:
    events: int
    cases: int
    seconds: float
    rss: dict[str, int]


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
    parser.add_argument("--minutes", type=float, default=35.0, help="time budget")
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
) -> list[Sample]:
    observer = Observer(bootstrap, [names.case_facts, names.dlq])
    await observer.start()
    codec, samples, cases = Catalogue(), [], 0
    began, deadline = time.monotonic(), time.monotonic() + args.minutes * 60
    try:
        for start in range(0, len(events), args.chunk):
            chunk = events[start : start + args.chunk]
            tracker = Tracker(observer, {t.event.event_id for t in chunk})
            tracker._read = len(observer.seen)
            await publish(bootstrap, encode(chunk, names, codec), None)
            await observer.wait(
                lambda t=tracker: t.update() and t.all_disposed(),
                max(60.0, deadline - time.monotonic() + 600),
                "the chunk",
            )
            observer.seen.clear()
            cases += sum(isinstance(t.event, CustodyStarted) for t in chunk)
            workers.check_alive()
            rss = {name: workers.rss(name) for name in workers.processes}
            samples.append(Sample(start + len(chunk), cases, time.monotonic() - began, rss))
            print(
                f"{samples[-1].events:>9} events {cases:>7} cases  "
                + "  ".join(f"{n} {v / MB:.0f} MB" for n, v in rss.items()),
                flush=True,
            )
            if time.monotonic() > deadline:
                break
    finally:
        await observer.stop()
    return samples


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


def render(samples: list[Sample], args: argparse.Namespace, peak: int, argv: list[str]) -> str:
    last = samples[-1]
    finished = last.events >= args.events
    lines = [
        BEGIN,
        f"Command: `{' '.join(['python -m bench.soak', *argv]) if argv else 'make bench-soak'}`",
        "",
        f"Replay of {args.events:,} events ({peak:,} cases open at its peak); "
        + (
            "completed"
            if finished
            else f"stopped by the {args.minutes:.0f} min budget after {last.events:,} events"
        )
        + f" and {last.cases:,} cases in {last.seconds / 60:.1f} min.",
        "",
        "| worker | RSS at start | RSS at the end | growth per 1,000 cases | "
        f"extrapolated at {args.target_cases:,} cases |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in sorted(last.rss):
        slope = _slope(samples, name)
        projected = last.rss[name] + slope * max(0, args.target_cases - last.cases)
        lines.append(
            f"| {name} | {samples[0].rss[name] / MB:.0f} MB | {last.rss[name] / MB:.0f} MB | "
            f"{slope * 1000 / MB:.1f} MB | {projected / MB:.0f} MB |"
        )
    lines.append(END)
    return "\n".join(lines) + "\n"


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
        workers = Workers(bootstrap, names.namespace, Path(scratch), args.partitions)
        try:
            for service in SERVICES:
                workers.service(service)
            groups_stable(bootstrap, [names.app_id(s) for s in SERVICES], 180, workers.check_alive)
            samples = asyncio.run(_soak(bootstrap, workload.events, workers, names, args))
        finally:
            workers.stop()
    block = render(samples, args, workload.peak_open_cases, argv)
    write(args.output, block)
    print(block)


if __name__ == "__main__":
    main(sys.argv[1:])
