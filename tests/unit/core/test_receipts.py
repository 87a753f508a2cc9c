"""Receipts: final flag, stable ids, and the key that names a message."""

from datetime import UTC, datetime

from services.core.receipts import ReceiptOutcome, make_receipt, receipt_key
from services.platform.codec import Catalogue

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_only_held_is_not_final() -> None:
    """`held` receipts are provisional; `accepted` and `rejected` are final."""
    finals = {
        outcome: make_receipt("county-13", "e-1", "inbound.county-13", 0, 5, outcome, AT).final
        for outcome in ReceiptOutcome
    }
    assert finals == {
        ReceiptOutcome.ACCEPTED: True,
        ReceiptOutcome.HELD: False,
        ReceiptOutcome.REJECTED: True,
    }


def test_same_message_and_outcome_give_the_same_receipt_id() -> None:
    """A redelivered message repeats its receipt id; another outcome gets another id."""
    first = make_receipt("county-13", "e-1", "inbound.county-13", 0, 5, ReceiptOutcome.HELD, AT)
    again = make_receipt("county-13", "e-1", "inbound.county-13", 1, 9, ReceiptOutcome.HELD, AT)
    final = make_receipt("county-13", "e-1", "inbound.county-13", 0, 5, ReceiptOutcome.ACCEPTED, AT)
    assert first.receipt_id == again.receipt_id != final.receipt_id


def test_a_message_without_event_id_is_named_by_its_position() -> None:
    """Undecodable messages are keyed by topic, partition and offset."""
    assert receipt_key(None, "inbound.county-13", 1, 42) == "inbound.county-13:1:42"
    assert receipt_key("e-7", "inbound.county-13", 1, 42) == "e-7"


def test_a_receipt_round_trips_through_the_codec() -> None:
    """The Receipt record is part of the Avro contract."""
    receipt = make_receipt(
        "county-13",
        None,
        "inbound.county-13",
        0,
        5,
        ReceiptOutcome.REJECTED,
        AT,
        "bad_marker",
        "not Avro",
    )
    catalogue = Catalogue()
    assert catalogue.decode(catalogue.encode(receipt)) == receipt
