"""Every reason code that can reach the DLQ, read from the code (enum and call sites)."""

import ast
from pathlib import Path

from services.referral.reasons import Reason

ROOT = Path(__file__).resolve().parents[2]


def literal_first_arguments(path: Path, function: str) -> set[str]:
    """String literals passed first to calls of `function` (or `x.function`) in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if name == function and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def dead_letter_reasons() -> set[str]:
    """The referral reasons, the codec's decode errors and every `dead_letter("...")` call."""
    reasons = {reason.value for reason in Reason}
    reasons |= literal_first_arguments(ROOT / "services/platform/codec.py", "DecodeError")
    for module in (ROOT / "services").rglob("*.py"):
        reasons |= literal_first_arguments(module, "dead_letter")
    return reasons
