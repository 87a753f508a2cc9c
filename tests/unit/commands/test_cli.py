"""The `jatkumo` command imports only the module of the command that runs."""

import subprocess
import sys

from typer.testing import CliRunner

from services.cli import COMMANDS, build

PROBE = """
import sys
from services.cli import build
build({only!r})
print(",".join(sorted(m for m in sys.modules if m.startswith("services.commands."))))
"""


def _imported_commands(only: str | None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(only=only)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return set(filter(None, result.stdout.strip().split(",")))


def test_a_worker_imports_no_other_command() -> None:
    """`jatkumo worker ...` loads the worker command's module and no other command's."""
    assert _imported_commands("worker") == {"services.commands.worker_cmd"}


def test_the_whole_command_has_every_subcommand() -> None:
    """Without a known command (help, a typo) every subcommand is there to list or refuse."""
    app = build()
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_one_command_still_parses_as_a_subcommand() -> None:
    """With only `worker` registered, its name is still a subcommand, not the whole program."""
    result = CliRunner().invoke(build("worker"), ["worker", "--help"])
    assert result.exit_code == 0
    assert "Run a worker until interrupted" in result.output
