"""The A/B comparison reads both benches' figures and renders them side by side."""

from pathlib import Path

from bench.ab import BEGIN, END, Figures, Side, parse_markdown, parse_printed, render, write_block

REPORT = """intro
<!-- bench:begin -->
Machine: 2 CPUs (Intel(R) Xeon(R) Processor), 24 GiB memory. Versions: Python 3.11.7.

| run | what it does | events/s | events per worker CPU second |
|---|---|---:|---:|
| (a) raw aiokafka limit | consume, Avro decode, re-encode, produce | 6,828 | 13,514 |
| (b) bare faust pass-through | one agent forwarding bytes, services' settings | 969 | 1,417 |
| (c) full pipeline | referral, handover, followup workers; first publish | 197 | 173 |
| (d) pure core, one core | referral gate + apply, handover decide | 2,983 | 2,983 |

Worker peak RSS during (c): followup 121 MB. Worker CPU during (c): followup 34.3 s, \
handover 25.5 s, referral 55.8 s.
<!-- bench:end -->
outro
"""

PRINTED = """replay: 5000 events, 640 persons
(d) pure core: 3,120 events/s
    12.0 s  published
(c) pipeline: 210 events/s, 180 events per CPU second (CPU: referral 12.1 s, \
handover 7.0 s, followup 8.6 s)
"""


def test_the_markdown_table_of_a_report_gives_every_run() -> None:
    figures = parse_markdown(REPORT)
    assert figures.rate == {"a": 6828, "b": 969, "c": 197, "d": 2983}
    assert figures.cpu_rate == {"a": 13514, "b": 1417, "c": 173, "d": 2983}
    assert figures.cpu == {"followup": 34.3, "handover": 25.5, "referral": 55.8}


def test_the_printed_lines_give_the_runs_made() -> None:
    figures = parse_printed(PRINTED)
    assert figures.rate == {"c": 210, "d": 3120}
    assert figures.cpu_rate == {"c": 180, "d": 3120}
    assert figures.cpu == {"referral": 12.1, "handover": 7.0, "followup": 8.6}


def test_figures_survive_json() -> None:
    figures = parse_printed(PRINTED)
    assert Figures.from_json(figures.to_json()) == figures  # type: ignore[arg-type]


def _side(label: str, *rounds: tuple[float, float, float]) -> Side:
    side = Side(label, label + "-rev")
    for c_rate, c_cpu, d_rate in rounds:
        side.rounds.append(
            Figures({"c": c_rate, "d": d_rate}, {"c": c_cpu, "d": d_rate}, {"referral": 1.0})
        )
    return side


def test_render_gives_base_new_and_their_ratio() -> None:
    base = _side("base", (200, 170, 3000))
    new = _side("new", (300, 340, 15000))
    block = render(base, new, command="python -m bench", events=5000, seed=1, load="1 to 2")
    rows = {line.split(" | ")[0]: line for line in block.splitlines() if line.startswith("| (")}
    assert rows["| (c) full pipeline"] == (
        "| (c) full pipeline | 200 | 300 | 1.50x | 170 | 340 | 2.00x |"
    )
    assert rows["| (d) pure core, one core"].startswith(
        "| (d) pure core, one core | 3,000 | 15,000 | 5.00x |"
    )
    assert block.startswith(BEGIN)
    assert block.rstrip().endswith(END)


def test_render_takes_the_median_of_rounds_and_lists_each() -> None:
    base = _side("base", (200, 170, 3000), (100, 160, 3000), (300, 180, 3000))
    new = _side("new", (400, 340, 6000), (350, 320, 6000), (380, 360, 6000))
    block = render(base, new, command="c", events=10, seed=1, load="-")
    row = next(line for line in block.splitlines() if line.startswith("| (c)"))
    assert "| 200 (200, 100, 300) | 380 (400, 350, 380) | 1.90x |" in row
    assert "| 170 (170, 160, 180) | 340 (340, 320, 360) | 2.00x |" in row


def test_write_block_replaces_only_its_own_block(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    path.write_text(REPORT, "utf-8")
    write_block(path, f"{BEGIN}\nblock-one\n{END}\n")
    write_block(path, f"{BEGIN}\nblock-two\n{END}\n")
    text = path.read_text("utf-8")
    assert "block-one" not in text
    assert text.count("block-two") == 1
    assert parse_markdown(text).rate["c"] == 197  # the main table is left alone


def test_prose_that_names_the_markers_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    path.write_text(f"The A/B goes between `{BEGIN}` and `{END}`.\n\nmore prose\n", "utf-8")
    write_block(path, f"{BEGIN}\nblock-one\n{END}\n")
    write_block(path, f"{BEGIN}\nblock-two\n{END}\n")
    text = path.read_text("utf-8")
    assert text.startswith(f"The A/B goes between `{BEGIN}` and `{END}`.\n\nmore prose\n")
    assert text.count("block-two") == 1
    assert "block-one" not in text
