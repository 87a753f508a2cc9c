"""docs/privacy.md agrees with the topic catalogue: every topic, its clean-up and retention."""

import re
from pathlib import Path

from services.core.organisations import default_registry
from services.platform.topics import DAY_MS, PER_ORG_PREFIXES, TopicSpec, catalogue

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "privacy.md").read_text("utf-8")
ROWS = {
    m[1]: (m[2], m[3])
    for m in re.finditer(r"^\| `([^`]+)` \| (delete|compacted) \| ([^|]+) \|", DOC, re.MULTILINE)
}


def _row_name(spec: TopicSpec) -> str:
    prefix, _, _ = spec.name.partition(".")
    if prefix in PER_ORG_PREFIXES:
        return f"{prefix}.<org>"
    return re.sub(r"^jatkumo-(\w+)-__assignor", "jatkumo-<service>-__assignor", spec.name)


def test_every_topic_has_a_row_with_its_clean_up_and_retention() -> None:
    """Each catalogue topic is in the retention table with the catalogue's values."""
    for spec in catalogue(default_registry()):
        row = ROWS.get(_row_name(spec))
        assert row, spec.name
        cleanup, kept = row
        if spec.cleanup_policy == "compact":
            assert cleanup == "compacted", spec.name
        else:
            assert cleanup == "delete", spec.name
            days = re.fullmatch(r"(\d+) days?", kept.strip())
            assert days, spec.name
            assert int(days[1]) * DAY_MS == spec.retention_ms, spec.name


def test_no_topic_is_deleted_never() -> None:
    """Only compacted topics keep records without a time limit."""
    for spec in catalogue(default_registry()):
        assert spec.cleanup_policy == "compact" or spec.retention_ms > 0, spec.name


def test_every_legal_basis_named_cites_a_paragraph_and_quotes_it() -> None:
    """Each statute named in the document comes with its paragraph and a Finnish quotation."""
    for mention in re.finditer(r"(sosiaalihuoltolaki 1301/2014|asiakastietolaki 703/2023)", DOC):
        after = DOC[mention.end() : mention.end() + 800]
        assert re.match(r' \d+ §[^"]{0,20}"[^"]{20,}"', after, re.DOTALL), mention[0]
