"""`python -m bench`: one run, one broker, four measurements side by side, one table.

python -m bench                      # 20,000 events, latency at 200 events/s
python -m bench --events 200 --latency-events 100 --output /tmp/perf.md   # smoke
python -m bench --baseline d57a391 --only cd --events 5000   # A/B against a revision
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import ab
from bench.core import run_core
from bench.kafka import running_broker
from bench.report import Report, percentile, write
from bench.runs import RunResult, run_passthrough, run_pipeline
from bench.workload import generate


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="replay size for (a)-(d)")
    parser.add_argument(
        "--latency-events",
        type=int,
        default=3_000,
        help="events offered at --rate for the latency run",
    )
    parser.add_argument("--rate", type=float, default=200.0, help="offered load, events/s")
    parser.add_argument("--partitions", type=int, default=6, help="internal topic partitions")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=float, default=900.0, help="per run, seconds")
    parser.add_argument("--output", type=Path, default=Path("docs/performance.md"))
    parser.add_argument(
        "--only",
        default="abcdl",
        help="runs to make: a, b, c, d and l (latency); a report needs all",
    )
    parser.add_argument(
        "--json", type=Path, help="also write the figures of the runs made to this file"
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="run the same bench on git revision REV and on this tree, side by side (A/B)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --baseline: rounds, order alternating"
    )
    return parser.parse_args(argv)


def _figures(results: dict[str, Any]) -> ab.Figures:
    figures = ab.Figures()
    for key in "abc":
        if key in results:
            figures.rate[key] = results[key].rate
            figures.cpu_rate[key] = results[key].cpu_rate
    if "c" in results:
        figures.cpu = dict(results["c"].cpu)
    if "d" in results:
        figures.rate["d"] = figures.cpu_rate["d"] = results["d"].rate()
    return figures


def _this_tree() -> str:
    def git(*args: str) -> str:
        found = subprocess.run(
            ["git", *args], cwd=ab.REPO_ROOT, capture_output=True, text=True, check=False
        )
        return found.stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " + changes" if git("status", "--porcelain") else ""
    )


def compare(args: argparse.Namespace, command: str) -> None:
    """--baseline: the bench of REV and of this tree, alternating, one broker, one table."""
    bench_args = [
        *("--events", str(args.events), "--latency-events", str(args.latency_events)),
        *("--rate", str(args.rate), "--partitions", str(args.partitions)),
        *("--seed", str(args.seed), "--timeout", str(args.timeout), "--only", args.only),
    ]
    base = ab.Side("base", ab.revision_name(args.baseline))
    new = ab.Side("new", _this_tree())
    load_before = os.getloadavg()[0]
    with (
        ab.exported(args.baseline) as tree,
        tempfile.TemporaryDirectory(prefix="jatkumo-bench-ab-") as scratch,
        running_broker() as bootstrap,
    ):
        for round_ in range(args.rounds):
            order = [(base, tree), (new, ab.REPO_ROOT)]
            for side, root in order if round_ % 2 == 0 else reversed(order):
                print(f"round {round_ + 1}: {side.label} ({side.revision})", flush=True)
                side.rounds.append(ab.run_tree(root, bench_args, bootstrap, Path(scratch)))
    block = ab.render(
        base,
        new,
        command=command,
        events=args.events,
        seed=args.seed,
        load=f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
    )
    ab.write_block(args.output, block)
    print(block)


def _show(label: str, result: RunResult) -> None:
    cpu = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.cpu.items())
    print(
        f"{label}: {result.rate:,.0f} events/s, {result.cpu_rate:,.0f} events per CPU "
        f"second (CPU: {cpu})",
        flush=True,
    )


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    command = shlex.join(["python", "-m", "bench", *argv]) if argv else "make bench"
    if args.baseline:
        compare(args, command)
        return
    load_before = os.getloadavg()[0]
    workload = generate(args.events, seed=args.seed)
    print(f"replay: {len(workload.events)} events, {workload.persons} persons", flush=True)
    results: dict[str, Any] = {}
    if "d" in args.only:
        results["d"] = run_core(workload.events)
        print(f"(d) pure core: {results['d'].rate():,.0f} events/s", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="jatkumo-bench-work-") as scratch,
        running_broker() as bootstrap,
    ):
        work = Path(scratch)
        for run, kind in (("a", "raw"), ("b", "faust")):
            if run in args.only:
                results[run] = run_passthrough(
                    kind,
                    bootstrap,
                    workload.events,
                    work,
                    partitions=args.partitions,
                    timeout=args.timeout,
                )
                _show(f"({run}) {kind}", results[run])
        if "c" in args.only:
            results["c"] = run_pipeline(
                bootstrap, workload.events, work, args.partitions, rate=None, timeout=args.timeout
            )
            _show("(c) pipeline", results["c"])
        if "l" in args.only:
            results["l"] = run_pipeline(
                bootstrap,
                workload.events[: args.latency_events],
                work,
                args.partitions,
                rate=args.rate,
                timeout=args.timeout,
            )
            print(
                f"(c) p99 task latency: {percentile(results['l'].task_latency, 99):.3f} s",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(_figures(results).to_json(), indent=2), "utf-8")
    if set(results) != set("abcdl"):
        return
    report = Report(
        command=command,
        events=len(workload.events),
        persons=workload.persons,
        peak_open_cases=workload.peak_open_cases,
        rate=args.rate,
        latency_events=min(args.latency_events, len(workload.events)),
        raw=results["a"],
        faust=results["b"],
        pipeline=results["c"],
        paced=results["l"],
        core=results["d"],
        load=f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
    )
    write(args.output, report)
    print(Path(args.output).read_text("utf-8"))


if __name__ == "__main__":
    main(sys.argv[1:])
