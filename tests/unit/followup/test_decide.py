"""The decision mechanics: idempotence, the due index, alert identity, closing and new cases."""

from datetime import date

from services.core.calendar import start_of_local_day
from services.core.case import CaseStatus, ReleasePlan
from services.core.facts import FactKind
from services.core.ids import stable_id
from services.core.records import AlertRule, AlertState
from services.followup.decide import alert_id, evaluate, on_fact
from services.followup.state import FollowupState
from tests.unit.followup.builders import (
    COUNTY,
    LEVELS,
    apply,
    at,
    case,
    days,
    fact,
    named_worker,
    open_rules,
    opened,
    plan,
    referral,
    released,
    resolved,
    start,
    tick,
)

RELEASE = date(2025, 6, 2)
OPENED = at(date(2025, 1, 2))


def _late_referral_state() -> FollowupState:
    return start(case(referrals=[referral(at(date(2025, 3, 14)))]), at(date(2025, 3, 14))).state


def test_ticking_twice_changes_nothing_the_second_time() -> None:
    """A repeated tick at the same instant opens no alert and issues no draft again."""
    first = tick(start(case(release_date=RELEASE), OPENED).state, at(date(2025, 5, 20)))
    assert first.alerts
    assert first.drafts
    second = tick(first.state, at(date(2025, 5, 20)))
    assert (second.alerts, second.drafts, second.state) == ([], [], first.state)


def test_later_tick_repeats_no_open_alert() -> None:
    """An alert already open is not reported again by a later tick."""
    state = tick(_late_referral_state(), at(date(2025, 3, 20))).state
    assert tick(state, at(date(2025, 3, 21))).alerts == []


def test_redelivered_fact_changes_nothing() -> None:
    """The same fact delivered twice leaves the state and outputs unchanged."""
    c = case(referrals=[referral(at(date(2025, 3, 14)))])
    f = fact(FactKind.REFERRAL_SUBMITTED, c, at(date(2025, 3, 14)))
    first = on_fact(None, f, LEVELS, at(date(2025, 3, 20)))
    second = on_fact(first.state, f, LEVELS, at(date(2025, 3, 20)))
    assert (second.alerts, second.drafts, second.state) == ([], [], first.state)


def test_next_fact_and_tick_let_time_pass_alike() -> None:
    """The person's next fact and a tick at the same later instant open the same alerts."""
    now = at(date(2025, 3, 20))
    state = _late_referral_state()
    unrelated = fact(FactKind.REFERRAL_SUBMITTED, state.case, now, fact_id="fact-later")
    assert on_fact(state, unrelated, LEVELS, now).alerts == tick(state, now).alerts


def test_overdue_alert_opens_at_the_deadline_however_late_time_reaches_it() -> None:
    """Acknowledgement is due within 3 working days of Friday 14 March: the alert opens at the
    first instant of Thursday 20 March, whether the person's time gets there that day or later."""
    deadline = start_of_local_day(date(2025, 3, 20))
    for now in (at(date(2025, 3, 20)), at(date(2025, 4, 2))):
        [alert] = opened(tick(_late_referral_state(), now))
        assert alert.opened_at == deadline


def test_on_tick_is_evaluate_at_each_due_instant_then_at_now() -> None:
    """on_tick is evaluate run at the person's due instants up to now and then at now."""
    state, now = _late_referral_state(), at(date(2025, 3, 20))
    assert state.next_due is not None
    stepped, alerts, drafts = evaluate(state, LEVELS, state.next_due)
    assert stepped.next_due is None or stepped.next_due > now
    new_state, more_alerts, more_drafts = evaluate(stepped, LEVELS, now)
    outcome = tick(state, now)
    assert (outcome.alerts, outcome.drafts) == ([*alerts, *more_alerts], [*drafts, *more_drafts])
    assert outcome.state == new_state.model_copy(update={"judged_at": now})


def test_a_person_is_judged_at_their_own_time() -> None:
    """A tick older than the person's own time leaves that time where it was."""
    state = tick(_late_referral_state(), at(date(2025, 3, 20))).state
    assert tick(state, at(date(2025, 3, 15))).state.judged_at == at(date(2025, 3, 20))


def test_next_due_is_the_earliest_coming_deadline() -> None:
    """The due index points at the moment the referral becomes late."""
    assert _late_referral_state().next_due == start_of_local_day(date(2025, 3, 20))


def test_next_due_is_none_when_nothing_can_change_by_time() -> None:
    """A case with no dates, referrals or tasks has nothing due."""
    assert start(case(), OPENED).state.next_due is None


def test_next_due_moves_on_after_a_deadline_passes() -> None:
    """After a deadline fires the due index moves to the next one."""
    planned = ReleasePlan(plan_id="rp-1", agreed_at=OPENED, agreed_with_client=True)
    state = start(case(release_date=RELEASE, release_plan=planned), OPENED).state
    assert state.next_due == start_of_local_day(date(2025, 5, 3))
    later = tick(state, start_of_local_day(date(2025, 5, 3))).state
    assert later.next_due == start_of_local_day(date(2025, 5, 19))


def test_first_alert_id_is_stable_id_of_case_rule_subject() -> None:
    """The first alert of a rule has id stable_id(case_id, rule, subject)."""
    [alert] = opened(tick(_late_referral_state(), at(date(2025, 3, 20))))
    assert alert.alert_id == stable_id("case-1", AlertRule.REFERRAL_NOT_ACKNOWLEDGED, "ref-1")


def test_alert_carries_case_and_area() -> None:
    """An alert names the pseudonymous case and the responsible county."""
    [alert] = opened(tick(_late_referral_state(), at(date(2025, 3, 20))))
    assert (alert.person_ref, alert.case_id, alert.area) == ("person-1", "case-1", COUNTY)


def test_resolved_alert_keeps_its_id_and_records_when() -> None:
    """A resolution is the same alert with state resolved and resolved_at = now."""
    state = tick(_late_referral_state(), at(date(2025, 3, 20))).state
    c = case(referrals=[referral(at(date(2025, 3, 14)), acknowledged=at(date(2025, 3, 21)))])
    [done] = resolved(apply(state, FactKind.REFERRAL_ACKNOWLEDGED, c, at(date(2025, 3, 21))))
    assert (done.alert_id, done.resolved_at) == (
        alert_id("case-1", AlertRule.REFERRAL_NOT_ACKNOWLEDGED, "ref-1"),
        at(date(2025, 3, 21)),
    )


def test_condition_returning_opens_a_new_episode() -> None:
    """Contact lost again after it resolved opens a second alert with its own id."""
    when = at(RELEASE, 9)
    c = released(case(release_date=RELEASE, contacts=[named_worker(OPENED)]), when)
    state = apply(start(c, OPENED).state, FactKind.RELEASED, c, when).state
    state = tick(state, when + days(31)).state
    state = apply(state, FactKind.TASK_STATUS_CHANGED, c, when + days(32)).state
    [again] = opened(tick(state, when + days(63)), AlertRule.CONTACT_LOST)
    assert again.alert_id == alert_id("case-1", AlertRule.CONTACT_LOST, None, 2)


def test_closing_the_case_resolves_every_open_alert() -> None:
    """A case closed with open alerts resolves them all and has nothing due."""
    state = tick(start(case(release_date=RELEASE), OPENED).state, at(date(2025, 5, 20))).state
    assert open_rules(state)
    closed = state.case.model_copy(update={"status": CaseStatus.CLOSED})
    outcome = apply(state, FactKind.CASE_CLOSED, closed, at(date(2025, 5, 21)))
    assert open_rules(outcome.state) == set()
    assert outcome.state.next_due is None


def test_closed_case_issues_no_drafts() -> None:
    """No time-triggered task goes out for a closed case."""
    closed = case(release_date=RELEASE, status=CaseStatus.CLOSED)
    assert tick(start(closed, OPENED).state, at(date(2025, 5, 20))).drafts == []


def test_new_custody_period_resolves_the_old_cases_alerts() -> None:
    """A fact about a newer case for the person resolves the previous case's open alerts."""
    state = tick(_late_referral_state(), at(date(2025, 3, 20))).state
    newer = case(case_id="case-2", opened_at=at(date(2025, 4, 1)))
    outcome = apply(state, FactKind.CASE_OPENED, newer, at(date(2025, 4, 1)))
    assert [a.state for a in outcome.alerts] == [AlertState.RESOLVED]
    assert outcome.state.case.case_id == "case-2"


def test_fact_about_an_older_case_is_ignored() -> None:
    """A late fact about a previous custody period does not replace the current case."""
    state = start(
        case(case_id="case-2", opened_at=at(date(2025, 4, 1))), at(date(2025, 4, 1))
    ).state
    outcome = apply(state, FactKind.CASE_CLOSED, case(), at(date(2025, 4, 2)))
    assert outcome.state.case.case_id == "case-2"


def test_state_survives_json_round_trip() -> None:
    """The state serialises to JSON and back unchanged (it lives in a table)."""
    state = tick(
        start(case(release_date=RELEASE, plan=plan(OPENED, RELEASE)), OPENED).state,
        at(date(2025, 5, 20)),
    ).state
    assert FollowupState.model_validate_json(state.model_dump_json()) == state


def test_evaluation_that_changes_no_alert_keeps_the_alert_dictionary() -> None:
    """An evaluation with no alert opening or resolving passes the alerts on without a copy."""
    state = tick(_late_referral_state(), at(date(2025, 3, 20))).state
    later = at(date(2025, 3, 21))
    new_state, changed, _ = evaluate(state.model_copy(update={"next_due": later}), LEVELS, later)
    assert changed == []
    assert new_state.alerts is state.alerts


def test_evaluation_that_opens_an_alert_leaves_the_old_state_alone() -> None:
    """Opening an alert makes a new alert dictionary; the earlier state's is not changed."""
    state = _late_referral_state()
    before = dict(state.alerts)
    outcome = tick(state, at(date(2025, 3, 20)))
    assert outcome.alerts
    assert state.alerts == before
    assert outcome.state.alerts is not state.alerts
