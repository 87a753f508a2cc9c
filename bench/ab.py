"""`python -m bench --baseline REV`: the same bench on an earlier revision and on this tree, in
one window, side by side.

The earlier revision is exported with `git archive` into a temporary directory (removed
afterwards) and its own `python -m bench` runs there, with the same interpreter, the same runs,
events and seed, its working directory and `PYTHONPATH` set to that tree, so its workers and its
core are that revision's code. This tree's bench runs the same way from this tree. Both use one
broker (started here unless `KAFKA_BOOTSTRAP_SERVERS` is set), each run in its own namespace.
With more than one round the order alternates (base first, then new first, ...).

Each side's figures are read from its `--json` file when its bench has that option, else from
its Markdown table (`<!-- bench:begin -->`), else from the lines it prints per run: older
revisions write the table only when every run was made.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

REPO_ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench-ab:begin -->", "<!-- bench-ab:end -->"

KEYS = ("a", "b", "c", "d")
LABELS = {
    "a": "(a) raw aiokafka limit",
    "b": "(b) bare faust pass-through",
    "c": "(c) full pipeline",
    "d": "(d) pure core, one core",
}


@dataclass
class Figures:
    """What one bench run gave: per run key (a-d), events/s and events per worker CPU second."""

    rate: dict[str, float] = field(default_factory=dict)
    cpu_rate: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    """Worker CPU seconds during (c), per worker."""

    def to_json(self) -> dict[str, object]:
        return {"rate": self.rate, "cpu_rate": self.cpu_rate, "cpu": self.cpu}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, float]]) -> "Figures":
        return cls(dict(data["rate"]), dict(data["cpu_rate"]), dict(data.get("cpu", {})))


def _number(text: str) -> float:
    return float(text.replace(",", "").strip())


_ROW = re.compile(
    r"^\| \((?P<key>[abcd])\) [^|]*\|[^|]*\| (?P<rate>[\d,.]+) \| (?P<cpu>[\d,.]+) \|$"
)
_CPU = re.compile(r"Worker CPU during \(c\): (?P<list>[^.]*(?:\.\d[^.]*)*)\.")


def parse_markdown(text: str) -> Figures:
    """The figures of a report block (the format between `<!-- bench:begin -->` and
    `<!-- bench:end -->` in docs/performance.md)."""
    if "<!-- bench:begin -->" in text:
        text = text.split("<!-- bench:begin -->", 1)[1].split("<!-- bench:end -->", 1)[0]
    figures = Figures()
    for line in text.splitlines():
        row = _ROW.match(line.strip())
        if row:
            figures.rate[row["key"]] = _number(row["rate"])
            figures.cpu_rate[row["key"]] = _number(row["cpu"])
    cpu = _CPU.search(text)
    if cpu:
        figures.cpu = _cpu_list(cpu["list"])
    return figures


def _cpu_list(text: str) -> dict[str, float]:
    """`followup 34.3 s, handover 25.5 s` -> {"followup": 34.3, "handover": 25.5}."""
    found = re.findall(r"(\w+) ([\d.]+) s", text)
    return {name: float(seconds) for name, seconds in found}


_PRINTED = re.compile(
    r"^\((?P<key>[abc])\) [\w ]+: (?P<rate>[\d,.]+) events/s, (?P<cpu>[\d,.]+) events per CPU "
    r"second \(CPU: (?P<list>[^)]*)\)"
)
_PRINTED_CORE = re.compile(r"^\(d\) pure core: (?P<rate>[\d,.]+) events/s")


def parse_printed(text: str) -> Figures:
    """The figures a bench prints as it goes (`(c) pipeline: 197 events/s, 173 events per CPU
    second (CPU: ...)`, `(d) pure core: 2,983 events/s`)."""
    figures = Figures()
    for raw in text.splitlines():
        line = raw.strip()
        run = _PRINTED.match(line)
        if run:
            figures.rate[run["key"]] = _number(run["rate"])
            figures.cpu_rate[run["key"]] = _number(run["cpu"])
            if run["key"] == "c":
                figures.cpu = _cpu_list(run["list"])
        core = _PRINTED_CORE.match(line)
        if core:
            figures.rate["d"] = figures.cpu_rate["d"] = _number(core["rate"])
    return figures


@dataclass
class Side:
    label: str
    """"base" or "new"."""
    revision: str
    rounds: list[Figures] = field(default_factory=list)

    def median(self, kind: str, key: str) -> float | None:
        values = [getattr(r, kind)[key] for r in self.rounds if key in getattr(r, kind)]
        return median(values) if values else None


def _ratio(new: float | None, base: float | None) -> str:
    return f"{new / base:.2f}x" if new is not None and base else "-"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _each(side: Side, kind: str, key: str) -> str:
    values = [getattr(r, kind).get(key) for r in side.rounds]
    return ", ".join(_figure(v) for v in values)


def render(base: Side, new: Side, *, command: str, events: int, seed: int, load: str) -> str:
    """The A/B block: per run, base and new events/s and events per worker CPU second
    (medians over the rounds, each round's figure in brackets when there are several), and
    new/base."""
    rounds = len(new.rounds)
    keys = [k for k in KEYS if base.median("rate", k) is not None or new.median("rate", k)]
    lines = [
        BEGIN,
        f"A/B in one window: base `{base.revision}` against new `{new.revision}`, {events} "
        f"events, seed {seed}, {rounds} round{'s' if rounds != 1 else ''} "
        f"(order alternating, base first). Command: `{command}`. Load average: {load}.",
        "",
        "| run | base events/s | new events/s | new/base | base events per worker CPU s "
        "| new events per worker CPU s | new/base |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in keys:
        cells = []
        for kind in ("rate", "cpu_rate"):
            b, n = base.median(kind, key), new.median(kind, key)
            shown = [_figure(b), _figure(n)]
            if rounds > 1:
                shown = [
                    f"{_figure(b)} ({_each(base, kind, key)})",
                    f"{_figure(n)} ({_each(new, kind, key)})",
                ]
            cells += [*shown, _ratio(n, b)]
        if key == "d":  # one thread's CPU time: the same figure twice
            cells[3:] = ["", "", ""]
        lines.append(f"| {LABELS[key]} | " + " | ".join(cells) + " |")
    for side in (base, new):
        if side.rounds and side.rounds[-1].cpu:
            cpu = ", ".join(f"{n} {s:.1f} s" for n, s in sorted(side.rounds[-1].cpu.items()))
            lines += ["", f"Worker CPU during (c), {side.label}, last round: {cpu}."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def replace_block(text: str, block: str, begin: str, end: str) -> str:
    """`text` with the lines from `begin` to `end` (markers on lines of their own, so prose
    that names them is left alone) replaced by `block`, or with `block` appended."""
    lines = text.splitlines(keepends=True)
    marks = [line.rstrip("\n") for line in lines]
    if begin in marks and end in marks[marks.index(begin) :]:
        first = marks.index(begin)
        last = first + marks[first:].index(end)
        return "".join(lines[:first]) + block + "".join(lines[last + 1 :])
    return text + ("\n" if text else "") + block


def write_block(path: Path, block: str) -> None:
    """Replace the A/B block in `path`, or append it."""
    text = path.read_text("utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_block(text, block, BEGIN, END), "utf-8")


@contextmanager
def exported(revision: str) -> Iterator[Path]:
    """A copy of `revision`'s tree (git archive) in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="jatkumo-bench-base-") as scratch:
        archive = Path(scratch) / "tree.tar"
        subprocess.run(
            ["git", "archive", "--format=tar", "-o", str(archive), revision],
            cwd=REPO_ROOT,
            check=True,
        )
        tree = Path(scratch) / "tree"
        tree.mkdir()
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        archive.unlink()
        yield tree


def revision_name(revision: str) -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", revision],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip()


def run_tree(tree: Path, bench_args: Sequence[str], bootstrap: str, scratch: Path) -> Figures:
    """`python -m bench` in `tree` (its own code everywhere), read back as figures."""
    markdown, figures_json = scratch / "report.md", scratch / "figures.json"
    markdown.unlink(missing_ok=True)
    figures_json.unlink(missing_ok=True)
    has_json = "--json" in (tree / "bench" / "__main__.py").read_text("utf-8")
    extra = ["--json", str(figures_json)] if has_json else []
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "PYTHONPATH": str(tree),
    }
    process = subprocess.run(
        [sys.executable, "-m", "bench", *bench_args, "--output", str(markdown), *extra],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    sys.stdout.write(process.stdout)
    sys.stdout.flush()
    if process.returncode != 0:
        raise RuntimeError(f"bench in {tree} exited with {process.returncode}")
    if figures_json.exists():
        return Figures.from_json(json.loads(figures_json.read_text("utf-8")))
    if markdown.exists() and "<!-- bench:begin -->" in markdown.read_text("utf-8"):
        return parse_markdown(markdown.read_text("utf-8"))
    return parse_printed(process.stdout)
