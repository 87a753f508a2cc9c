"""Stage 2: events that do not fit the case are dead-lettered with a reason."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from services.core.envelopes import Origin
from services.core.events import InboundEvent
from services.referral.decide import ReferralSettings, apply
from tests.unit.referral import builders as b


@dataclass(frozen=True)
class Row:
    name: str
    given: list[InboundEvent]
    when: InboundEvent
    reason: str


ROWS = [
    Row(
        "second custody while in custody",
        [b.custody()],
        b.custody(event_id="e-custody-2"),
        "case_already_open",
    ),
    Row("event after closure", [b.custody(), b.closed()], b.task_status(), "case_closed"),
    Row(
        "release date after release",
        [b.custody(), b.released()],
        b.release_date(occurred_at=b.T0 + 151 * b.DAY),
        "already_released",
    ),
    Row("transfer after release", [b.custody(), b.released()], b.transfer(), "already_released"),
    Row(
        "second release",
        [b.custody(), b.released()],
        b.released(event_id="e-released-2"),
        "already_released",
    ),
    Row("ack of unknown referral", [b.custody()], b.acknowledged(), "unknown_referral"),
    Row(
        "same referral id twice",
        [b.custody(), b.referral()],
        b.referral(event_id="e-referral-2"),
        "duplicate_referral",
    ),
    Row("withdraw unknown consent", [b.custody()], b.withdrawn(), "unknown_consent"),
    Row(
        "same consent id twice",
        [b.custody(), b.consent()],
        b.consent(event_id="e-consent-2"),
        "duplicate_consent",
    ),
    Row("end unknown contact", [b.custody()], b.ended(), "unknown_contact"),
    Row(
        "end contact at other org",
        [b.custody(), b.assigned()],
        b.ended(org=b.OTHER_PRISON),
        "unknown_contact",
    ),
    Row("review without plan", [b.custody()], b.plan_reviewed(), "no_client_plan"),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_rejects_with_reason(row: Row) -> None:
    """The event is dead-lettered with its reason, emits no fact and leaves the case as it was."""
    result = b.run([*row.given, row.when])
    before = result.outcomes[-2].state
    outcome = result.last
    assert (outcome.accepted, outcome.held, outcome.facts) == (False, 0, [])
    assert [r.reason_code for r in outcome.rejections] == [row.reason]
    assert outcome.state.case == before.case


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_rejection_points_at_the_original(row: Row) -> None:
    """A rejection names the event, its type and where it was read."""
    result = b.run([*row.given, row.when])
    rejection = result.last.rejections[0]
    assert rejection.event_id == row.when.event_id
    assert rejection.event_type == type(row.when).__name__
    assert rejection.origin.offset == len(row.given)
    assert rejection.was_held is False
    assert type(row.when).model_validate(rejection.event) == row.when


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_repeat_of_rejected_event_is_a_duplicate(row: Row) -> None:
    """A dead-lettered event id is remembered: its redelivery is acknowledged and ignored."""
    result = b.run([*row.given, row.when, row.when])
    assert (result.last.accepted, result.last.duplicate, result.last.rejections) == (True, True, [])


def test_held_too_long() -> None:
    """An event held for hold_timeout without a case is dead-lettered as held_too_long."""
    result = b.run([b.release_date()])
    later = b.release_date().occurred_at + timedelta(days=7)
    outcome = result.deliver(b.custody(event_id="e-custody", occurred_at=later), now=later)
    assert [(r.reason_code, r.was_held) for r in outcome.rejections] == [("held_too_long", True)]


def test_hold_full() -> None:
    """Beyond max_held waiting events for one person, more are dead-lettered as hold_full."""
    settings = ReferralSettings(max_held=2)
    result = b.run([b.task_status(event_id=f"e-task-{n}") for n in range(3)], settings=settings)
    assert [o.held for o in result.outcomes] == [1, 1, 0]
    assert [r.reason_code for r in result.last.rejections] == ["hold_full"]


UNFIT = [
    ("no person_ref", b.custody(person_ref=None)),
    ("identity code left in", b.custody(identity_code=b.CODE)),
    ("name left in", b.custody(full_name="Testi Henkilö")),
    ("summary left in", b.referral(summary="free text")),
]


@pytest.mark.parametrize("event", [row[1] for row in UNFIT], ids=[row[0] for row in UNFIT])
def test_apply_refuses_unadmitted_or_unsanitised_events(event: InboundEvent) -> None:
    """apply is only for admitted, sanitised events; anything else is a programming error."""
    origin = Origin(topic="inbound.x", partition=0, offset=0)
    with pytest.raises(ValueError, match=r"person_ref|sanitised"):
        apply(None, event, None, origin, b.SETTINGS, b.T0)


def test_apply_refuses_another_persons_state() -> None:
    """An event is never applied to a different person's state."""
    state = b.run([b.custody()]).state
    event = b.task_status(person_ref=b.OTHER_PERSON)
    with pytest.raises(ValueError, match="another person"):
        apply(state, event, None, b.ORIGIN, b.SETTINGS, b.T0)
