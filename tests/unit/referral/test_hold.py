"""Out of order: events that arrive before their case wait for it, for a while."""

from datetime import timedelta

from services.core.facts import FactKind
from services.referral.decide import ReferralSettings, expire_held, held_until
from tests.unit.referral import builders as b

HOUR = timedelta(hours=1)
WEEK = timedelta(days=7)


def test_event_before_custody_is_held() -> None:
    """An event for a person without a case is held: not accepted, no fact, no rejection."""
    outcome = b.run([b.release_date()]).last
    assert (outcome.accepted, outcome.held, outcome.facts, outcome.rejections) == (False, 1, [], [])
    assert [h.event_id for h in outcome.state.held] == ["e-release-date"]
    assert outcome.state.case is None


def test_held_events_apply_when_the_case_opens() -> None:
    """CustodyStarted releases the held events; their facts follow CASE_OPENED."""
    outcome = b.run([b.release_date(), b.referral(), b.custody()]).last
    kinds = [f.kind for f in outcome.facts]
    assert kinds == [FactKind.CASE_OPENED, FactKind.RELEASE_DATE_SET, FactKind.REFERRAL_SUBMITTED]
    assert (outcome.accepted, outcome.released, outcome.state.held) == (True, 2, [])


def test_held_events_apply_in_arrival_order() -> None:
    """A contact assigned then ended, both early, end as a vacancy, not as an unknown contact."""
    outcome = b.run([b.assigned(), b.ended(), b.custody()]).last
    assert outcome.rejections == []
    assert outcome.state.case is not None
    assert outcome.state.case.contacts == []
    assert len(outcome.state.case.vacancies) == 1


def test_released_event_keeps_its_sealed_part() -> None:
    """A held referral keeps its sealed summary through the hold."""
    outcome = b.run([b.referral(), b.custody()]).last
    assert outcome.state.case is not None
    assert outcome.state.case.referrals[0].sealed_summary == b.SEALED_SUMMARY


def test_held_event_that_does_not_fit_is_dead_lettered_on_release() -> None:
    """A released held event that the case refuses is a rejection marked was_held."""
    outcome = b.run([b.acknowledged(), b.custody()]).last
    assert [(r.reason_code, r.was_held) for r in outcome.rejections] == [("unknown_referral", True)]
    assert outcome.released == 0


def test_held_event_expires_on_apply_after_timeout() -> None:
    """Any later apply dead-letters events held for hold_timeout or more."""
    result = b.run([b.release_date()])
    held_at = b.release_date().occurred_at
    outcome = result.deliver(b.task_status(event_id="e-other"), now=held_at + WEEK)
    assert [r.reason_code for r in outcome.rejections] == ["held_too_long"]
    assert [h.event_id for h in outcome.state.held] == ["e-other"]


def test_held_event_waits_until_just_before_timeout() -> None:
    """An event held for less than hold_timeout is still applied when the case opens."""
    result = b.run([b.release_date()])
    now = b.release_date().occurred_at + WEEK - HOUR
    outcome = result.deliver(b.custody(), now=now)
    assert outcome.rejections == []
    assert outcome.released == 1


def test_expire_held_dead_letters_on_a_tick() -> None:
    """expire_held dead-letters expired events and keeps the rest, without a new event."""
    result = b.run([b.release_date(), b.task_status(occurred_at=b.T0 + 5 * b.DAY)])
    assert result.state is not None
    outcome = expire_held(result.state, b.SETTINGS, b.T0 + b.DAY + WEEK)
    assert [(r.event_id, r.was_held) for r in outcome.rejections] == [("e-release-date", True)]
    assert [h.event_id for h in outcome.state.held] == ["e-task"]
    assert (outcome.accepted, outcome.held, outcome.facts) == (False, 0, [])


def test_hold_timeout_is_configurable() -> None:
    """A shorter hold_timeout dead-letters sooner."""
    settings = ReferralSettings(hold_timeout=timedelta(hours=2))
    result = b.run([b.release_date()], settings=settings)
    assert result.state is not None
    outcome = expire_held(result.state, settings, b.T0 + b.DAY + 2 * HOUR)
    assert [r.reason_code for r in outcome.rejections] == ["held_too_long"]


def test_expired_event_is_remembered() -> None:
    """A redelivery of an expired event is a duplicate, not held again."""
    result = b.run([b.release_date()])
    assert result.state is not None
    expired = expire_held(result.state, b.SETTINGS, b.T0 + b.DAY + WEEK).state
    result.state = expired
    outcome = result.deliver(b.release_date(), now=b.T0 + 9 * b.DAY)
    assert (outcome.duplicate, outcome.held, expired.held) == (True, 0, [])


def test_event_for_closed_case_is_not_held() -> None:
    """A closed case rejects late events instead of holding them for the next custody."""
    outcome = b.run([b.custody(), b.closed(), b.task_status()]).last
    assert (outcome.held, [r.reason_code for r in outcome.rejections]) == (0, ["case_closed"])


def test_held_close_applies_and_later_held_events_are_refused() -> None:
    """Held events apply in order even when one of them closes the case."""
    outcome = b.run([b.closed(), b.task_status(), b.custody()]).last
    assert [f.kind for f in outcome.facts] == [FactKind.CASE_OPENED, FactKind.CASE_CLOSED]
    assert [(r.reason_code, r.was_held) for r in outcome.rejections] == [("case_closed", True)]


def test_held_until_is_the_oldest_held_event_plus_the_timeout() -> None:
    """The due time of a person's hold is the first held event's arrival plus hold_timeout."""
    state = b.run([b.release_date(), b.referral()]).last.state
    oldest = min(h.held_at for h in state.held)
    assert held_until(state, ReferralSettings(hold_timeout=WEEK)) == oldest + WEEK


def test_nothing_held_means_nothing_due() -> None:
    """A person with no held events has no hold deadline."""
    state = b.run([b.custody()]).last.state
    assert held_until(state, ReferralSettings()) is None
