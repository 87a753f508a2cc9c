"""docs/security.md lists every setting in its one settings table, and marks the secrets."""

import re
from pathlib import Path

from services.platform.settings import SECRETS, Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "security.md").read_text("utf-8")
ROWS = {m[1]: m[2] for m in re.finditer(r"^\| `([A-Z_]+)` \|\s*([^|]*?)\s*\|", DOC, re.M)}


def _variable(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"JATKUMO_{name.upper()}"


def test_every_setting_has_a_row() -> None:
    """Each field of Settings is a row of the settings table."""
    missing = [_variable(n) for n in Settings.model_fields if _variable(n) not in ROWS]
    assert missing == []


def test_every_required_secret_is_marked_as_one() -> None:
    """The secrets a deployment must set are marked `yes` in the table."""
    assert all(ROWS[_variable(name)] == "yes" for name in SECRETS)
