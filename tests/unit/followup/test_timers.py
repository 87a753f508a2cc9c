"""Time-triggered drafts: plan review reminders, follow-up checks, release imminent."""

from datetime import date

from services.core.calendar import end_of_local_day, start_of_local_day
from services.core.facts import FactKind
from services.core.tasks import Priority, TaskKind
from services.followup.decide import on_fact
from services.followup.state import FollowupState
from tests.unit.followup.builders import (
    COUNTY,
    LEVELS,
    WORKER,
    apply,
    at,
    case,
    days,
    fact,
    named_worker,
    plan,
    released,
    start,
    tick,
)

REVIEW = date(2025, 9, 1)
RELEASE = date(2025, 6, 2)
OPENED = at(date(2025, 1, 2))


def _planned(**changes: object) -> FollowupState:
    p = plan(at(date(2025, 6, 1)), REVIEW)
    c = case(**{"plan": p, "contacts": [named_worker(OPENED)], **changes})
    return start(c, at(date(2025, 6, 1))).state


def test_plan_review_reminder_waits_for_the_lead_time() -> None:
    """Eight days before the review date no reminder is issued."""
    assert tick(_planned(), at(date(2025, 8, 24), 23)).drafts == []


def test_plan_review_reminder_goes_to_the_named_worker() -> None:
    """Seven days before the review date the named worker's org gets the reminder."""
    [draft] = tick(_planned(), start_of_local_day(date(2025, 8, 25))).drafts
    assert (draft.kind, draft.recipient_org, draft.recipient_worker_ref) == (
        TaskKind.PLAN_REVIEW_DUE,
        COUNTY,
        WORKER,
    )


def test_plan_review_reminder_is_due_on_the_review_date() -> None:
    """The reminder is due by the end of the review date and carries it."""
    [draft] = tick(_planned(), at(date(2025, 8, 25))).drafts
    assert draft.due_at == end_of_local_day(REVIEW)
    assert draft.payload.plan_review_date == REVIEW
    assert (draft.purpose, draft.trigger) == ("release_planning", "plan_review:2025-09-01")


def test_plan_review_reminder_fires_once() -> None:
    """A second tick after the reminder issues nothing."""
    state = tick(_planned(), at(date(2025, 8, 25))).state
    assert tick(state, at(date(2025, 8, 26))).drafts == []


def test_plan_review_reminder_skipped_when_already_reviewed() -> None:
    """A plan reviewed in the window gets no reminder."""
    reviewed = plan(at(date(2025, 6, 1)), REVIEW, reviewed=at(date(2025, 8, 25), 8))
    state = start(case(plan=reviewed), at(date(2025, 8, 25), 8)).state
    assert tick(state, at(date(2025, 8, 26))).drafts == []


def test_plan_review_reminder_repeats_for_the_next_review_date() -> None:
    """A new review date gets its own reminder."""
    state = tick(_planned(), at(date(2025, 8, 25))).state
    nxt = plan(at(date(2025, 6, 1)), date(2026, 3, 2), reviewed=at(date(2025, 8, 29)))
    state = apply(
        state,
        FactKind.PLAN_REVIEWED,
        state.case.model_copy(update={"plan": nxt}),
        at(date(2025, 8, 29)),
    ).state
    [draft] = tick(state, at(date(2026, 2, 23))).drafts
    assert draft.trigger == "plan_review:2026-03-02"


def test_plan_review_reminder_goes_to_the_county_without_a_named_worker() -> None:
    """With no named worker the responsible county gets the reminder, to no worker."""
    [draft] = tick(_planned(contacts=[]), at(date(2025, 8, 25))).drafts
    assert (draft.recipient_org, draft.recipient_worker_ref) == (COUNTY, None)


def _released_state(**changes: object) -> FollowupState:
    when = at(RELEASE, 9)
    c = released(case(**{"release_date": RELEASE, **changes}), when)
    return apply(start(case(release_date=RELEASE), OPENED).state, FactKind.RELEASED, c, when).state


def test_followup_check_waits_for_the_checkpoint() -> None:
    """Six days after release no follow-up check is issued."""
    assert tick(_released_state(), at(RELEASE + days(6), 23)).drafts == []


def test_followup_check_goes_to_the_county_at_day_seven() -> None:
    """Seven days after release the responsible county gets a follow-up check."""
    [draft] = tick(_released_state(), start_of_local_day(RELEASE + days(7))).drafts
    assert (draft.kind, draft.recipient_org, draft.trigger, draft.purpose) == (
        TaskKind.FOLLOWUP_CHECK,
        COUNTY,
        "checkpoint:7",
        "release_planning",
    )


def test_followup_check_due_within_working_days() -> None:
    """A check issued on Monday 9 June 2025 is due within five working days."""
    [draft] = tick(_released_state(), at(RELEASE + days(7))).drafts
    assert draft.due_at == end_of_local_day(date(2025, 6, 16))


def test_followup_check_fires_once_per_checkpoint() -> None:
    """Ticking again at the same checkpoint issues nothing more."""
    state = tick(_released_state(), at(RELEASE + days(7))).state
    assert tick(state, at(RELEASE + days(8))).drafts == []


def test_followup_checks_follow_each_checkpoint() -> None:
    """The thirty-day checkpoint issues its own check."""
    state = tick(_released_state(), at(RELEASE + days(7))).state
    [draft] = tick(state, at(RELEASE + days(30))).drafts
    assert draft.trigger == "checkpoint:30"


def test_release_known_late_only_issues_the_latest_checkpoint() -> None:
    """A release that becomes known only at day 95 issues only the ninety-day check."""
    known = at(RELEASE + days(95))
    outcome = on_fact(None, fact(FactKind.RELEASED, _released_state().case, known), LEVELS, known)
    assert [d.trigger for d in outcome.drafts] == ["checkpoint:90"]


def test_time_passing_late_issues_each_check_at_its_instant() -> None:
    """A release known at day 0 and a tick only at day 95: each check is issued, each created
    at its own checkpoint."""
    drafts = tick(_released_state(), at(RELEASE + days(95))).drafts
    assert [(d.trigger, d.created_at) for d in drafts] == [
        (f"checkpoint:{n}", start_of_local_day(RELEASE + days(n))) for n in (7, 30, 90)
    ]


def test_followup_check_needs_a_responsible_county() -> None:
    """Without a responsible county no check goes to a guessed one."""
    assert tick(_released_state(responsible_area=None), at(RELEASE + days(7))).drafts == []


def _custody(**changes: object) -> FollowupState:
    return start(case(**{"release_date": RELEASE, **changes}), OPENED).state


def test_release_imminent_waits_until_release_is_near() -> None:
    """Fifteen days before release nothing is issued."""
    assert tick(_custody(), at(date(2025, 5, 18), 23)).drafts == []


def test_release_imminent_goes_to_the_county_when_near() -> None:
    """Fourteen days before release with no assessment the county gets an urgent task."""
    [draft] = tick(_custody(), start_of_local_day(date(2025, 5, 19))).drafts
    assert (draft.kind, draft.recipient_org, draft.priority, draft.purpose) == (
        TaskKind.RELEASE_IMMINENT,
        COUNTY,
        Priority.URGENT,
        "release_planning",
    )
    assert draft.payload.release_date == RELEASE


def test_release_imminent_skipped_when_assessment_started() -> None:
    """A started assessment means no release-imminent task."""
    state = _custody(assessment_started_at=OPENED)
    assert tick(state, at(date(2025, 5, 20))).drafts == []


def test_release_imminent_fires_once() -> None:
    """A second tick while release is near issues nothing more."""
    state = tick(_custody(), at(date(2025, 5, 19))).state
    assert tick(state, at(date(2025, 5, 20))).drafts == []


def test_release_imminent_again_for_a_new_release_date() -> None:
    """Moving the release earlier again issues a task for the new date."""
    state = tick(_custody(), at(date(2025, 5, 19))).state
    moved = state.case.model_copy(update={"release_date": date(2025, 5, 26)})
    outcome = apply(
        state,
        FactKind.RELEASE_DATE_CHANGED,
        moved,
        at(date(2025, 5, 20)),
        previous_release_date=RELEASE,
    )
    assert [d.trigger for d in outcome.drafts] == ["release_imminent:2025-05-26"]
