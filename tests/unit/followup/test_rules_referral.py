"""The referral acknowledgement rule, counted in Finnish working days."""

from datetime import date

from services.core.calendar import start_of_local_day
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.core.vocabulary import Urgency
from services.followup.levels import LevelsConfig
from services.followup.state import FollowupState
from tests.unit.followup.builders import apply, at, case, opened, referral, resolved, start, tick

FRIDAY = date(2025, 3, 14)


def _submitted(day: date, urgency: Urgency = Urgency.NORMAL) -> FollowupState:
    c = case(referrals=[referral(at(day), urgency=urgency)])
    return start(c, at(day)).state


def test_referral_not_late_on_the_last_working_day() -> None:
    """A Friday referral is on time until the end of the following Wednesday."""
    state = _submitted(FRIDAY)
    outcome = tick(state, at(date(2025, 3, 19), 23, 59))
    assert opened(outcome, AlertRule.REFERRAL_NOT_ACKNOWLEDGED) == []


def test_referral_late_after_three_working_days() -> None:
    """A Friday referral unacknowledged by Wednesday opens an alert on Thursday at midnight."""
    state = _submitted(FRIDAY)
    [alert] = opened(
        tick(state, start_of_local_day(date(2025, 3, 20))), AlertRule.REFERRAL_NOT_ACKNOWLEDGED
    )
    assert (alert.subject, alert.severity) == ("ref-1", Severity.WARNING)


def test_referral_deadline_skips_christmas() -> None:
    """A referral on Monday 22 Dec 2025 is on time through Tuesday 30 December."""
    state = _submitted(date(2025, 12, 22))
    assert (
        opened(tick(state, at(date(2025, 12, 30), 23)), AlertRule.REFERRAL_NOT_ACKNOWLEDGED) == []
    )
    assert opened(
        tick(state, start_of_local_day(date(2025, 12, 31))), AlertRule.REFERRAL_NOT_ACKNOWLEDGED
    )


def test_urgent_referral_alert_is_critical() -> None:
    """An urgent referral left unacknowledged raises a critical alert."""
    state = _submitted(FRIDAY, urgency=Urgency.URGENT)
    [alert] = opened(tick(state, at(date(2025, 3, 20))), AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    assert alert.severity == Severity.CRITICAL


def test_referral_due_by_release_when_release_comes_first() -> None:
    """A referral made two days before a Tuesday release is late from the release day."""
    thursday, release = date(2025, 3, 13), date(2025, 3, 18)
    c = case(release_date=release, referrals=[referral(at(thursday))])
    state = start(c, at(thursday)).state
    assert opened(tick(state, at(date(2025, 3, 17), 23)), AlertRule.REFERRAL_NOT_ACKNOWLEDGED) == []
    assert opened(tick(state, start_of_local_day(release)), AlertRule.REFERRAL_NOT_ACKNOWLEDGED)


def test_referral_alert_resolves_on_acknowledgement() -> None:
    """Acknowledging the referral clears its alert."""
    now = at(date(2025, 3, 21))
    state = tick(_submitted(FRIDAY), now).state
    acked = case(referrals=[referral(at(FRIDAY), acknowledged=now)])
    outcome = apply(state, FactKind.REFERRAL_ACKNOWLEDGED, acked, now, referral_id="ref-1")
    assert resolved(outcome, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)


def test_acknowledged_referral_never_alerts() -> None:
    """A referral acknowledged in time raises nothing later."""
    c = case(referrals=[referral(at(FRIDAY), acknowledged=at(date(2025, 3, 17)))])
    state = start(c, at(date(2025, 3, 17))).state
    assert opened(tick(state, at(date(2025, 4, 30))), AlertRule.REFERRAL_NOT_ACKNOWLEDGED) == []


def test_county_override_shortens_the_deadline() -> None:
    """A county configured for two working days is late a day earlier."""
    levels = LevelsConfig(overrides={"county-13": {"referral_ack_working_days": 2}})
    c = case(referrals=[referral(at(FRIDAY))])
    state = start(c, at(FRIDAY), levels).state
    outcome = tick(state, start_of_local_day(date(2025, 3, 19)), levels)
    assert opened(outcome, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)


def test_each_referral_has_its_own_alert() -> None:
    """Two late referrals open two alerts, one per referral id."""
    refs = [referral(at(FRIDAY)), referral(at(FRIDAY), referral_id="ref-2")]
    state = start(case(referrals=refs), at(FRIDAY)).state
    alerts = opened(tick(state, at(date(2025, 3, 25))), AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    assert sorted(a.subject or "" for a in alerts) == ["ref-1", "ref-2"]
