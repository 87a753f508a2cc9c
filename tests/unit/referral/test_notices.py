"""The registry tells each event's sender what became of it: one final notice per event."""

from datetime import timedelta

from services.core.receipts import ReceiptOutcome
from services.referral.decide import Outcome, expire_held
from tests.unit.referral import builders as b

A, H, R = ReceiptOutcome.ACCEPTED, ReceiptOutcome.HELD, ReceiptOutcome.REJECTED


def _told(outcome: Outcome) -> list[tuple[str, ReceiptOutcome, str | None]]:
    return [(n.event_id, n.outcome, n.reason_code) for n in outcome.notices]


def test_an_accepted_event_gets_one_accepted_notice() -> None:
    """CustodyStarted that opens a case is accepted once."""
    assert _told(b.run([b.custody()]).last) == [("e-custody", A, None)]


def test_a_held_event_is_held_then_accepted_when_its_case_opens() -> None:
    """An early event is told `held`, then `accepted` when CustodyStarted releases it."""
    run = b.run([b.release_date(), b.custody()])
    assert _told(run.outcomes[0]) == [("e-release-date", H, None)]
    assert _told(run.last) == [("e-custody", A, None), ("e-release-date", A, None)]


def test_a_refused_event_is_told_its_reason_code() -> None:
    """An event the case refuses gets a rejected notice with the reason code."""
    run = b.run([b.custody(), b.acknowledged()])
    assert _told(run.last) == [("e-ack", R, "unknown_referral")]


def test_a_resent_refused_event_is_told_the_same_refusal_again() -> None:
    """A duplicate of a refused event repeats the refusal, never accepts it."""
    run = b.run([b.custody(), b.acknowledged(), b.acknowledged()])
    assert _told(run.outcomes[1]) == _told(run.last) == [("e-ack", R, "unknown_referral")]
    assert run.last.notices[0].detail == run.outcomes[1].notices[0].detail


def test_a_resent_accepted_event_is_told_accepted_again() -> None:
    """A duplicate of an accepted event repeats `accepted` and changes nothing."""
    run = b.run([b.custody(), b.custody()])
    assert _told(run.last) == [("e-custody", A, None)]
    assert run.last.facts == []


def test_a_resent_held_event_is_told_held_again() -> None:
    """A duplicate of an event that still waits is told `held` again."""
    run = b.run([b.release_date(), b.release_date()])
    assert _told(run.last) == [("e-release-date", H, None)]


def test_an_event_that_waits_too_long_is_finally_rejected() -> None:
    """The hold's timeout turns `held` into a final `held_too_long` rejection."""
    run = b.run([b.release_date()])
    assert run.state is not None
    later = b.release_date().occurred_at + timedelta(days=8)
    expired = expire_held(run.state, b.SETTINGS, later)
    assert _told(expired) == [("e-release-date", R, "held_too_long")]


def test_a_notice_names_its_sender_and_position() -> None:
    """The notice carries the sending organisation and where the event was read."""
    notice = b.run([b.custody()]).last.notices[0]
    assert (notice.source_org, notice.origin.topic) == (b.PRISON, f"inbound.{b.PRISON}")
