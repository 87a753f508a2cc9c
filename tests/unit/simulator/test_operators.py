"""The simulated operators' escalations: which alerts, when, and as what event."""

from datetime import UTC, datetime

from services.core.calendar import local_date
from services.core.organisations import OPERATORS
from services.core.records import AlertRule
from services.simulator.operators import ESCALATION_RATE, escalation
from tests.unit.operator.builders import alert

OPENED = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # a Monday
ALERTS = [alert(f"alert-{n}", opened=OPENED, person_ref=f"p-{n}") for n in range(400)]


def test_about_half_of_the_unacknowledged_referrals_are_escalated() -> None:
    """The share escalated over many alerts is near the stated rate."""
    share = sum(escalation(a, seed=7) is not None for a in ALERTS) / len(ALERTS)
    assert abs(share - ESCALATION_RATE) < 0.1


def test_an_escalation_names_the_alert_rule_and_the_missed_deadline() -> None:
    """The event comes from the operators, by person_ref, with the alert's id and opening."""
    first = next(e for a in ALERTS if (e := escalation(a, seed=7)) is not None)
    assert first.source_org == OPERATORS
    assert first.identity_code is None
    assert first.person_ref == next(a.person_ref for a in ALERTS if a.alert_id == first.alert_id)
    assert (first.rule, first.missed_deadline) == ("referral_not_acknowledged", OPENED)


def test_an_escalation_comes_two_to_five_working_days_after_the_alert_opened() -> None:
    """Monday's alert is escalated from Wednesday to the Monday after, never at the weekend."""
    for found in filter(None, (escalation(a, seed=7) for a in ALERTS)):
        day = local_date(found.occurred_at)
        assert local_date(OPENED).replace(day=6) <= day <= local_date(OPENED).replace(day=11)
        assert day.weekday() < 5


def test_the_decision_is_the_same_for_the_same_seed() -> None:
    """Replaying a seed escalates the same alerts at the same moments."""
    assert [escalation(a, seed=7) for a in ALERTS] == [escalation(a, seed=7) for a in ALERTS]


def test_other_rules_and_resolved_alerts_are_not_escalated() -> None:
    """Only an open `referral_not_acknowledged` alert is escalated by the simulated operators."""
    others = [
        alert(f"a-{n}", opened=OPENED, rule=AlertRule.NO_CONTACT_BEFORE_RELEASE) for n in range(50)
    ]
    resolved = [alert(f"r-{n}", opened=OPENED, resolved=OPENED) for n in range(50)]
    assert [escalation(a, seed=7) for a in others + resolved] == [None] * 100
