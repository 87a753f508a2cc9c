"""docs/integration-guide.md names each dead-letter reason's Finnish text beside its code."""

from pathlib import Path

import pytest

from services.i18n.labels import DEAD_LETTER_REASONS
from services.i18n.texts import texts
from tests.support.dead_letters import dead_letter_reasons

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "integration-guide.md"


def _lines_naming(code: str) -> list[str]:
    return [line for line in GUIDE.read_text("utf-8").splitlines() if f"`{code}`" in line]


@pytest.mark.parametrize("code", sorted(dead_letter_reasons()))
def test_the_guide_shows_the_finnish_text_of_each_reason(code: str) -> None:
    """The line of the guide that explains a reason code also gives its Finnish text."""
    finnish = texts("fi").label(DEAD_LETTER_REASONS, code)
    assert finnish != code, f"{code} has no text in services/i18n/labels.py"
    assert any(finnish in line for line in _lines_naming(code)), code
