"""The operator feed reads the audit topic's erasure records without counting them as faults."""

from datetime import UTC, datetime
from types import SimpleNamespace

from services.core.records import Erasure, ErasureReason
from services.operator.projection import OperatorProjection
from services.operator.stream import ViewFeed
from services.platform.clock import Clock
from services.platform.codec import Catalogue
from services.platform.settings import ClockMode, Settings
from services.platform.topics import TopicNames

CATALOGUE = Catalogue()


def test_an_erasure_on_the_audit_topic_is_skipped_not_undecodable() -> None:
    """An Erasure beside the disclosure records is neither applied nor counted undecodable."""
    feed = ViewFeed(Settings(), OperatorProjection(), Clock(ClockMode.EVENT), catalogue=CATALOGUE)
    erasure = Erasure(
        erasure_id="e-1",
        person_ref="p-1",
        reason=ErasureReason.REQUEST,
        requested_at=datetime(2026, 5, 1, tzinfo=UTC),
        requested_by="svc-erasure",
    )
    message = SimpleNamespace(
        topic=TopicNames().disclosures, partition=0, offset=0, value=CATALOGUE.encode(erasure)
    )
    feed._apply(message)
    assert (feed.records, feed.undecodable) == (0, 0)
