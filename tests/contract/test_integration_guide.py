"""docs/integration-guide.md agrees with the code: reason codes, senders, categories, codec."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from services.core.events import INBOUND_EVENT_TYPES, ReleaseDateSet
from services.core.organisations import ALLOWED_EVENTS, OrgKind
from services.core.tasks import field_categories
from services.core.vocabulary import Category, ReleaseType
from services.platform.codec import Catalogue
from services.platform.schema_store import schemas_dir
from tests.support.dead_letters import dead_letter_reasons

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "integration-guide.md").read_text("utf-8")
KIND_COLUMNS = (
    OrgKind.PRISON,
    OrgKind.COMMUNITY_SANCTIONS_OFFICE,
    OrgKind.COUNTY,
    OrgKind.NGO,
    OrgKind.OPERATOR,
)


def test_every_dead_letter_reason_is_explained() -> None:
    """Each reason code that can reach the DLQ is in the guide's tables."""
    missing = sorted(r for r in dead_letter_reasons() if f"`{r}`" not in GUIDE)
    assert missing == []


def test_sender_table_matches_the_allowed_events() -> None:
    """The guide's event-by-kind table says exactly what ALLOWED_EVENTS allows."""
    for event in INBOUND_EVENT_TYPES:
        row = re.search(rf"^\| `{event.__name__}` \|(.*)\|$", GUIDE, re.MULTILINE)
        assert row, event.__name__
        cells = [cell.strip() for cell in row.group(1).split("|")]
        shown = {kind for kind, cell in zip(KIND_COLUMNS, cells, strict=True) if cell == "✓"}
        assert shown == {k for k in OrgKind if event.__name__ in ALLOWED_EVENTS[k]}, event


def test_category_table_matches_the_payload_fields() -> None:
    """Each category row lists exactly the task payload fields of that category."""
    for category in Category:
        row = re.search(rf"^\| `{category.value}` \| (.*) \|$", GUIDE, re.MULTILINE)
        assert row, category
        listed = set(re.findall(r"`([a-z_]+)`", row.group(1)))
        expected = {name for name, cat in field_categories().items() if cat == category}
        assert listed == expected, category


def _plain_client() -> dict[str, Any]:
    block = next(
        code
        for code in re.findall(r"```python\n(.*?)```", GUIDE, re.DOTALL)
        if "def load_contract" in code
    )
    namespace: dict[str, Any] = {}
    exec(compile(block, "integration-guide.md", "exec"), namespace)
    return namespace


def test_plain_client_recipe_interoperates_with_the_codec() -> None:
    """The guide's fastavro recipe writes what the codec reads, and reads what it writes."""
    client = _plain_client()
    by_fingerprint, newest = client["load_contract"](schemas_dir())
    event = ReleaseDateSet(
        event_id="guide-1",
        occurred_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        source_org="prison-kuopion",
        person_ref="p-" + "0" * 40,
        release_date=date(2026, 12, 1),
        release_type=ReleaseType.CONDITIONAL_RELEASE,
    )
    written = client["encode"](newest, "ReleaseDateSet", event.model_dump(mode="python"))
    assert Catalogue().decode(written) == event
    record, value = client["decode"](by_fingerprint, newest, Catalogue().encode(event))
    assert record == "ReleaseDateSet"
    assert ReleaseDateSet.model_validate(value) == event
