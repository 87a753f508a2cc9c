"""Followup rules of the operating model: release plan, invitations, the client's voice,
unplanned endings, plans side by side and dismissals."""

from datetime import date

from services.core.calendar import local_date
from services.core.case import (
    CaseState,
    ClientVoice,
    CooperationRequest,
    Dismissal,
    ReleasePlan,
)
from services.core.dismissal import alert_cause
from services.core.facts import FactKind
from services.core.records import AlertRule, AlertState
from services.core.task_ids import cooperation_task_id
from services.core.vocabulary import (
    CooperationPurpose,
    DismissalReason,
    HousingStatus,
    Need,
    ReleaseType,
    SentenceType,
    TaskStatus,
)
from services.followup.levels import default_levels
from tests.unit.followup.builders import (
    COUNTY,
    NGO,
    apply,
    at,
    case,
    days,
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
PLAN = ReleasePlan(plan_id="rp-1", agreed_at=OPENED, agreed_with_client=True)


def test_no_release_plan_opens_twenty_working_days_before_release() -> None:
    """A long sentence without a plan is late from the start of the 20th working day before
    release (2 May 2025 for 2 June, Ascension Day not counted)."""
    state = start(case(release_date=RELEASE), OPENED).state
    assert opened(tick(state, at(date(2025, 5, 1), 23, 59)), AlertRule.NO_RELEASE_PLAN) == []
    late = tick(state, at(date(2025, 5, 2), 0, 0))
    assert [a.rule for a in opened(late, AlertRule.NO_RELEASE_PLAN)] == [AlertRule.NO_RELEASE_PLAN]


def test_no_release_plan_resolves_when_the_plan_arrives() -> None:
    """The plan agreed late resolves the alert."""
    state = tick(start(case(release_date=RELEASE), OPENED).state, at(date(2025, 5, 6))).state
    agreed = case(release_date=RELEASE, release_plan=PLAN)
    outcome = apply(state, FactKind.RELEASE_PLAN_AGREED, agreed, at(date(2025, 5, 7)))
    assert [a.rule for a in resolved(outcome)] == [AlertRule.NO_RELEASE_PLAN]


def test_short_sentence_needs_no_release_plan() -> None:
    """The rule is about long sentences only."""
    short = case(release_date=RELEASE, sentence_type=SentenceType.SHORT_TERM)
    state = start(short, OPENED).state
    assert opened(tick(state, at(date(2025, 5, 30))), AlertRule.NO_RELEASE_PLAN) == []


def test_county_level_moves_the_release_plan_deadline() -> None:
    """County 13 agreed 30 working days: the alert is open three weeks before release too."""
    levels = default_levels()
    state = start(case(release_date=RELEASE), OPENED, levels).state
    outcome = tick(state, at(date(2025, 4, 22)), levels)
    assert [a.rule for a in opened(outcome, AlertRule.NO_RELEASE_PLAN)] == [
        AlertRule.NO_RELEASE_PLAN
    ]


REQUEST = CooperationRequest(
    request_id="c-1",
    invited_org=NGO,
    purpose=CooperationPurpose.NETWORK_MEETING,
    requested_at=OPENED,
    respond_by=date(2025, 1, 10),
)


def test_unanswered_invitation_opens_after_its_answer_date() -> None:
    """No status on the request's task by the answer date: the invitation is unanswered."""
    state = start(case(release_plan=PLAN, cooperation_requests=[REQUEST]), OPENED).state
    outcome = tick(state, at(date(2025, 1, 11)))
    assert [a.subject for a in opened(outcome, AlertRule.INVITATION_NOT_ANSWERED)] == ["c-1"]


def test_accepted_invitation_opens_nothing() -> None:
    """The invited organisation accepted the request's task in time."""
    task_id = cooperation_task_id("case-1", REQUEST)
    answered = case(
        release_plan=PLAN,
        cooperation_requests=[REQUEST],
        task_statuses={task_id: TaskStatus.ACCEPTED},
    )
    state = start(answered, OPENED).state
    assert opened(tick(state, at(date(2025, 1, 11))), AlertRule.INVITATION_NOT_ANSWERED) == []


def _housing_case(voice: ClientVoice) -> CaseState:
    out = released(case(release_date=RELEASE, release_plan=PLAN), at(RELEASE, 9))
    return out.model_copy(
        update={
            "housing_status": HousingStatus.NONE,
            "referrals": [referral(OPENED)],
            "voice": voice,
        }
    )


def test_release_without_housing_opens_the_housing_alert() -> None:
    """Housing was a stated need and the person left with none."""
    outcome = start(_housing_case(ClientVoice()), at(RELEASE, 10))
    assert [a.rule for a in opened(outcome, AlertRule.NO_HOUSING_AT_RELEASE)] == [
        AlertRule.NO_HOUSING_AT_RELEASE
    ]


def test_declined_housing_is_not_chased() -> None:
    """The client declined housing services: no housing alert."""
    voice = ClientVoice(refuses=[Need.HOUSING])
    outcome = start(_housing_case(voice), at(RELEASE, 10))
    assert opened(outcome, AlertRule.NO_HOUSING_AT_RELEASE) == []


def test_refused_contact_stops_followup_checks() -> None:
    """A client who refused contact gets no checkpoint contact tasks after release."""
    out = released(case(release_date=RELEASE, release_plan=PLAN), at(RELEASE, 9))
    refused = out.model_copy(update={"voice": ClientVoice(contact_refused=True)})
    state = start(refused, at(RELEASE, 10)).state
    assert tick(state, at(RELEASE + days(8))).drafts == []


def test_refused_contact_opens_no_contact_lost() -> None:
    """Silence from a client who refused contact is not lost contact."""
    out = released(case(release_date=RELEASE, release_plan=PLAN), at(RELEASE, 9))
    refused = out.model_copy(update={"voice": ClientVoice(contact_refused=True)})
    state = start(refused, at(RELEASE, 10)).state
    assert opened(tick(state, at(RELEASE + days(40))), AlertRule.CONTACT_LOST) == []


def _remand_ended() -> CaseState:
    remand = case(sentence_type=SentenceType.REMAND, release_plan=PLAN)
    out = released(remand, at(RELEASE, 9))
    return out.model_copy(update={"release_type": ReleaseType.REMAND_ENDED})


def test_remand_ended_opens_no_pre_release_alert() -> None:
    """No lead time existed: no contact, assessment or basis alert opens at the release."""
    outcome = start(_remand_ended(), at(RELEASE, 10))
    rules = {a.rule for a in opened(outcome)}
    assert rules.isdisjoint(
        {
            AlertRule.NO_CONTACT_BEFORE_RELEASE,
            AlertRule.ASSESSMENT_NOT_STARTED,
            AlertRule.NO_BASIS_TO_CONTACT,
        }
    )


def test_after_release_rules_apply_from_an_unplanned_release() -> None:
    """The named-worker rule applies from the release on, planned or not."""
    outcome = start(_remand_ended(), at(RELEASE, 10))
    assert AlertRule.NO_NAMED_WORKER_AT_RELEASE in {a.rule for a in opened(outcome)}


def test_release_learnt_on_the_day_opens_no_pre_release_alert() -> None:
    """A release the prison learnt of on its day (no expected date) had no lead time."""
    surprise = released(case(release_plan=PLAN), at(RELEASE, 9)).model_copy(
        update={"release_date": RELEASE, "release_date_decided_at": at(RELEASE, 8)}
    )
    outcome = start(surprise, at(RELEASE, 10))
    assert AlertRule.NO_CONTACT_BEFORE_RELEASE not in {a.rule for a in opened(outcome)}


def test_each_client_plan_is_reviewed_on_its_own() -> None:
    """A second plan overdue for review opens its own alert, subject the plan id."""
    out = released(case(release_date=RELEASE, release_plan=PLAN), at(RELEASE, 9))
    main = plan(at(RELEASE), RELEASE + days(100))
    housing = plan(at(RELEASE), RELEASE + days(30)).model_copy(update={"plan_id": "housing"})
    state = start(out.model_copy(update={"plan": main, "plans": [main, housing]}), at(RELEASE))
    outcome = tick(state.state, at(RELEASE + days(32)))
    assert [a.subject for a in opened(outcome, AlertRule.PLAN_REVIEW_OVERDUE)] == ["housing"]


def _dismissal(c: CaseState, until: date | None = None) -> Dismissal:
    return Dismissal(
        rule=AlertRule.NO_NAMED_WORKER_AT_RELEASE.value,
        reason=DismissalReason.NAMED_WORKER_NOT_NEEDED,
        by_org=COUNTY,
        dismissed_by="worker-7",
        dismissed_at=at(RELEASE, 11),
        until=until,
        cause=alert_cause(c),
    )


def _out() -> CaseState:
    return released(case(release_date=RELEASE, release_plan=PLAN), at(RELEASE, 9))


def test_dismissal_closes_the_open_alert_with_its_reason() -> None:
    """The open named-worker alert is closed as dismissed, with the reason code."""
    out = _out()
    state = start(out, at(RELEASE, 10)).state
    dismissed_case = out.model_copy(update={"dismissals": [_dismissal(out)]})
    outcome = apply(state, FactKind.ALERT_DISMISSED, dismissed_case, at(RELEASE, 11))
    [closed] = outcome.alerts
    assert (closed.state, closed.dismissal_reason) == (
        AlertState.DISMISSED,
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
    )


def test_dismissed_alert_stays_closed_while_the_cause_is_the_same() -> None:
    """Ticks later do not reopen it."""
    out = _out()
    state = start(out, at(RELEASE, 10)).state
    dismissed_case = out.model_copy(update={"dismissals": [_dismissal(out)]})
    state = apply(state, FactKind.ALERT_DISMISSED, dismissed_case, at(RELEASE, 11)).state
    later = tick(state, at(RELEASE + days(20)))
    assert opened(later, AlertRule.NO_NAMED_WORKER_AT_RELEASE) == []


def test_dismissed_alert_reopens_when_its_cause_changes() -> None:
    """A new release (another cause) opens a new episode of the alert."""
    out = _out()
    state = start(out, at(RELEASE, 10)).state
    dismissed_case = out.model_copy(update={"dismissals": [_dismissal(out)]})
    state = apply(state, FactKind.ALERT_DISMISSED, dismissed_case, at(RELEASE, 11)).state
    moved = dismissed_case.model_copy(update={"release_date": RELEASE + days(1)})
    outcome = apply(state, FactKind.RELEASE_DATE_CHANGED, moved, at(RELEASE, 12))
    assert [a.rule for a in opened(outcome)] == [AlertRule.NO_NAMED_WORKER_AT_RELEASE]


def test_dismissal_with_an_end_date_stops_holding_after_it() -> None:
    """After `until`, the alert whose cause remains opens again."""
    out = _out()
    state = start(out, at(RELEASE, 10)).state
    until = RELEASE + days(5)
    dismissed_case = out.model_copy(update={"dismissals": [_dismissal(out, until)]})
    state = apply(state, FactKind.ALERT_DISMISSED, dismissed_case, at(RELEASE, 11)).state
    assert state.next_due is not None
    assert local_date(state.next_due) <= until + days(1)
    outcome = tick(state, at(until + days(1), 0, 1))
    assert [a.rule for a in opened(outcome)] == [AlertRule.NO_NAMED_WORKER_AT_RELEASE]
