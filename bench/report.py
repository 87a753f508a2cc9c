"""The results table in Markdown, written between markers so the prose around it stays."""

import os
import platform
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import psutil

from bench.ab import replace_block
from bench.core import CoreResult
from bench.runs import RunResult

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
KAFKA_POM = Path(__file__).resolve().parents[1] / "infra" / "kafka" / "pom.xml"


@dataclass
class Report:
    command: str
    events: int
    persons: int
    peak_open_cases: int
    rate: float
    latency_events: int
    raw: RunResult
    faust: RunResult
    pipeline: RunResult
    paced: RunResult
    core: CoreResult
    load: str


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB memory"


def _kafka_version() -> str:
    found = re.search(r"<kafka.version>([^<]+)<", KAFKA_POM.read_text("utf-8"))
    return found.group(1) if found else "unknown"


def _versions() -> str:
    packages = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("faust-streaming", "aiokafka", "pydantic", "fastavro")
    )
    return f"Python {platform.python_version()}, {packages}, Kafka {_kafka_version()} (KRaft)"


def _mb(value: int) -> str:
    return f"{value / 2**20:.0f} MB"


def render(r: Report) -> str:
    c, a, b, d = r.pipeline, r.raw, r.faust, r.core
    ms = [percentile(r.paced.task_latency, p) * 1000 for p in (50, 95, 99)]
    fact_ms = [percentile(r.paced.fact_latency, p) * 1000 for p in (50, 95, 99)]
    rss = ", ".join(f"{name} {_mb(v)}" for name, v in sorted(c.peak_rss.items()))
    cpu = ", ".join(f"{name} {s:.1f} s" for name, s in sorted(c.cpu.items()))
    lines = [
        BEGIN,
        f"Machine: {_machine()}. Versions: {_versions()}.",
        "",
        f"Replay: {r.events} events for {r.persons} persons (seeded, event time), "
        f"{r.peak_open_cases} cases open at the peak. Command: `{r.command}`",
        "",
        "| run | what it does | events/s | events per worker CPU second |",
        "|---|---|---:|---:|",
        f"| (a) raw aiokafka limit | consume, Avro decode, re-encode, produce | {a.rate:,.0f} "
        f"| {a.cpu_rate:,.0f} |",
        f"| (b) bare faust pass-through | one agent forwarding bytes, services' settings "
        f"| {b.rate:,.0f} | {b.cpu_rate:,.0f} |",
        f"| (c) full pipeline | referral, handover, followup workers; first publish to last "
        f"expected output | {c.rate:,.0f} | {c.cpu_rate:,.0f} |",
        f"| (d) pure core, one core | referral gate + apply, handover decide, followup on_fact "
        f"| {d.rate():,.0f} | {d.rate():,.0f} |",
        "",
        f"Ratios: (c)/(a) = {c.rate / a.rate:.0%}, (c)/(b) = {c.rate / b.rate:.0%} "
        f"(per CPU second: {c.cpu_rate / a.cpu_rate:.0%} and {c.cpu_rate / b.cpu_rate:.0%}). "
        f"Load average during the runs: {r.load}. "
        f"(c) produced {c.facts} case facts, {c.tasks} tasks, {c.dead_letters} dead letters.",
        "",
        f"(d) per stage: referral {d.rate('referral'):,.0f} events/s, handover "
        f"{d.rate('handover'):,.0f} facts/s, followup {d.rate('followup'):,.0f} facts/s "
        f"({d.facts} facts, {d.tasks} tasks).",
        "",
        f"(c) end-to-end latency at {r.rate:.0f} events/s offered ({r.latency_events} events, "
        "publish to visible on the output topic):",
        "",
        "| output | p50 | p95 | p99 |",
        "|---|---:|---:|---:|",
        f"| handover task | {ms[0]:.0f} ms | {ms[1]:.0f} ms | {ms[2]:.0f} ms |",
        f"| case fact | {fact_ms[0]:.0f} ms | {fact_ms[1]:.0f} ms | {fact_ms[2]:.0f} ms |",
        "",
        f"Worker peak RSS during (c): {rss}. Worker CPU during (c): {cpu}.",
        END,
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, report: Report) -> None:
    """Replace the marked block in `path` (or create the file with only the block)."""
    text = path.read_text("utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_block(text, render(report), BEGIN, END), "utf-8")
