"""Deadline helpers: pure functions of the case and the levels."""

from datetime import date

from services.core.calendar import start_of_local_day
from services.followup.deadlines import (
    checkpoint_at,
    consent_lapsed_at,
    plan_reviewed,
    referral_ack_overdue_at,
    release_day,
    task_accept_overdue_at,
)
from services.followup.levels import ServiceLevels
from tests.unit.followup.builders import at, case, consent, plan, referral, released

LEVELS = ServiceLevels()


def test_release_day_prefers_the_actual_release() -> None:
    """Once released, the release day is the day it happened."""
    c = released(case(release_date=date(2025, 6, 2)), at(date(2025, 5, 30)))
    assert release_day(c) == date(2025, 5, 30)


def test_release_day_prefers_decided_over_expected() -> None:
    """A decided release date wins over the expected one."""
    c = case(release_date=date(2025, 6, 2), expected_release=date(2025, 7, 1))
    assert release_day(c) == date(2025, 6, 2)


def test_referral_deadline_counts_working_days_across_new_year() -> None:
    """A referral on 31 Dec 2025 is late from Thursday 8 January 2026 (Epiphany skipped)."""
    r = referral(at(date(2025, 12, 31)))
    assert referral_ack_overdue_at(r, case(), LEVELS) == start_of_local_day(date(2026, 1, 8))


def test_referral_made_after_release_is_not_capped_by_it() -> None:
    """A referral after release gets the full working-day window."""
    c = released(case(), at(date(2025, 3, 10)))
    r = referral(at(date(2025, 3, 11)))
    assert referral_ack_overdue_at(r, c, LEVELS) == start_of_local_day(date(2025, 3, 15))


def test_task_deadline_over_midsummer() -> None:
    """A task received on Thursday 19 June 2025 is late from Wednesday 25 June."""
    overdue = task_accept_overdue_at(at(date(2025, 6, 19)), LEVELS)
    assert overdue == start_of_local_day(date(2025, 6, 25))


def test_task_received_late_evening_uses_the_helsinki_date() -> None:
    """A receipt at 23:30 Helsinki counts from that local day, not the UTC date."""
    overdue = task_accept_overdue_at(at(date(2025, 3, 14), 23, 30), LEVELS)
    assert overdue == start_of_local_day(date(2025, 3, 19))


def test_withdrawal_lapses_a_consent_at_once() -> None:
    """A withdrawn consent lapses at the instant of withdrawal."""
    c = consent(date(2025, 1, 1), date(2025, 12, 31), withdrawn=at(date(2025, 6, 1)))
    assert consent_lapsed_at(c) == at(date(2025, 6, 1))


def test_expiry_lapses_a_consent_after_its_last_day() -> None:
    """An expiring consent lapses at midnight after its last valid day."""
    c = consent(date(2025, 1, 1), date(2025, 12, 31))
    assert consent_lapsed_at(c) == start_of_local_day(date(2026, 1, 1))


def test_review_on_the_reminder_day_counts() -> None:
    """A review on the day the reminder goes counts for the coming review date."""
    p = plan(at(date(2025, 6, 1)), date(2025, 9, 8), reviewed=at(date(2025, 9, 1)))
    assert plan_reviewed(p, LEVELS)


def test_review_the_day_before_the_window_does_not_count() -> None:
    """A review the day before the reminder window is for an earlier date."""
    p = plan(at(date(2025, 6, 1)), date(2025, 9, 8), reviewed=at(date(2025, 8, 31)))
    assert not plan_reviewed(p, LEVELS)


def test_checkpoint_is_midnight_of_the_local_day() -> None:
    """A release late in the evening counts checkpoints from its Helsinki date."""
    assert checkpoint_at(at(date(2025, 6, 2), 23, 30), 7) == start_of_local_day(date(2025, 6, 9))
