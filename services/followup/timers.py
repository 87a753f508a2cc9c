"""Time-triggered tasks: plan review reminders, post-release follow-up checks, release imminent.

Each timer names a stable trigger (`plan_review:<review date>`, `checkpoint:<days>`,
`release_imminent:<release day>`); a trigger fires at most once per case, so ticks and
redelivered facts are harmless. Drafts carry every field that could help; the sharing policy
decides what the recipient sees.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from services.core.calendar import add_working_days, end_of_local_day, local_date
from services.core.calendar import start_of_local_day as midnight
from services.core.case import CaseState, ClientPlan
from services.core.drafts import TaskDraft
from services.core.policy_rules import Purpose
from services.core.tasks import PayloadContact, Priority, TaskKind, TaskPayload
from services.core.vocabulary import Need, Urgency, split_needs
from services.followup.deadlines import (
    checkpoint_at,
    plan_review_window_start,
    plan_reviewed,
    release_day,
    release_near_at,
)
from services.followup.levels import ServiceLevels
from services.followup.state import FollowupState

RELEASE_PLANNING = Purpose.RELEASE_PLANNING.value
"""Plan reviews and follow-up checks are part of the release work a release-planning consent
covers (SHL 39 §: the plan made with the client and reviewed at an agreed time)."""
_URGENCY_ORDER = (Urgency.NORMAL, Urgency.URGENT, Urgency.IMMEDIATE)


@dataclass(frozen=True)
class Timer:
    """A draft that becomes due at `at`, identified by `trigger`.

    `draft` makes the draft; it is called only when the timer fires, because most timers a
    state has are not due yet or fired long ago.
    """

    trigger: str
    at: datetime
    draft: Callable[[], TaskDraft]


def _status(case: CaseState) -> dict[str, object]:
    """Fields every followup draft may carry about the case's progress and network."""
    needs: list[Need] = []
    for referral in case.referrals:
        needs.extend(n for n in referral.needs if n not in needs)
    urgencies = [r.urgency for r in case.referrals]
    acknowledged = any(r.acknowledged_at is not None for r in case.referrals)
    ordinary, health = split_needs(needs)
    return {
        "needs": ordinary or None,
        "health_needs": health or None,
        "urgency": max(urgencies, key=_URGENCY_ORDER.index) if urgencies else None,
        "referral_status": (
            "none" if not case.referrals else "acknowledged" if acknowledged else "submitted"
        ),
        "assessment_status": (
            "completed"
            if case.assessment_completed_at
            else "started"
            if case.assessment_started_at
            else "not_started"
        ),
        "contact_persons": [
            PayloadContact.build(role=c.role, org=c.org, worker_ref=c.worker_ref)
            for c in case.contacts
        ]
        or None,
        "plan_review_date": case.plan.review_date if case.plan else None,
        "plan_network": list(case.plan.network) if case.plan else None,
    }


def _draft(
    case: CaseState,
    kind: TaskKind,
    *,
    recipient: str,
    trigger: str,
    now: datetime,
    due_on: date,
    priority: Priority,
    reason: str,
    purpose: str,
    worker: str | None = None,
    **fields: object,
) -> TaskDraft:
    payload = TaskPayload.build(**_status(case), **fields)
    return TaskDraft.build(
        kind=kind,
        case_id=case.case_id,
        person_ref=case.person_ref,
        recipient_org=recipient,
        trigger=trigger,
        created_at=now,
        due_at=end_of_local_day(due_on),
        priority=priority,
        reason_code=reason,
        purpose=purpose,
        payload=payload,
        recipient_worker_ref=worker,
    )


def plan_review_due(state: FollowupState, levels: ServiceLevels, now: datetime) -> list[Timer]:
    """To the named worker (or the county), `plan_review_lead_days` before each client plan's
    review date (SHL 39 §: plans side by side are reviewed each on its own)."""
    case = state.case
    plans = case.plans or ([case.plan] if case.plan is not None else [])
    return [timer for plan in plans for timer in _plan_review_timer(case, plan, levels, now)]


def _plan_review_timer(
    case: CaseState, plan: ClientPlan, levels: ServiceLevels, now: datetime
) -> list[Timer]:
    worker = case.named_worker()
    recipient = worker.org if worker else case.responsible_area
    if recipient is None or plan_reviewed(plan, levels):
        return []
    trigger = f"plan_review:{plan.review_date.isoformat()}"
    if plan.plan_id is not None:
        trigger = f"plan_review:{plan.plan_id}:{plan.review_date.isoformat()}"
    draft = partial(
        _draft,
        case,
        TaskKind.PLAN_REVIEW_DUE,
        recipient=recipient,
        worker=worker.worker_ref if worker else None,
        trigger=trigger,
        now=now,
        due_on=plan.review_date,
        priority=Priority.NORMAL,
        reason="plan_review_due",
        purpose=RELEASE_PLANNING,
    )
    return [Timer(trigger, midnight(plan_review_window_start(plan, levels)), draft)]


def followup_check(state: FollowupState, levels: ServiceLevels, now: datetime) -> list[Timer]:
    """To the responsible county at each checkpoint after release.

    Only the latest checkpoint reached fires: when the release becomes known late, the earlier,
    superseded checks are skipped. Time passing for a release already known reaches each
    checkpoint at its own instant (`decide.advance`), so each check is issued then.
    """
    case = state.case
    if case.released_at is None or case.responsible_area is None or case.voice.contact_refused:
        return []  # a client who refused contact is not contacted (SHL 36 §)
    released_at, timers = case.released_at, []
    points = levels.followup_checkpoints
    for index, days in enumerate(points):
        at = checkpoint_at(released_at, days)
        later = points[index + 1] if index + 1 < len(points) else None
        if later is not None and now >= checkpoint_at(released_at, later):
            continue
        trigger = f"checkpoint:{days}"
        draft = partial(
            _draft,
            case,
            TaskKind.FOLLOWUP_CHECK,
            recipient=case.responsible_area,
            trigger=trigger,
            now=now,
            due_on=add_working_days(local_date(at), levels.first_meeting_working_days),
            priority=Priority.NORMAL,
            reason=f"followup_checkpoint_{days}_days",
            purpose=RELEASE_PLANNING,
            released_at=released_at,
            destination_municipality=case.destination_municipality,
            housing_status=case.housing_status,
        )
        timers.append(Timer(trigger, at, draft))
    return timers


def release_imminent(state: FollowupState, levels: ServiceLevels, now: datetime) -> list[Timer]:
    """To the responsible county when release is near and the assessment has not started."""
    case = state.case
    started = case.assessment_started_at or case.assessment_completed_at
    if case.released_at is not None or started or case.responsible_area is None:
        return []
    if case.voice.contact_refused:
        return []
    day, near = release_day(case), release_near_at(case, levels)
    if day is None or near is None or local_date(now) > day:
        return []
    trigger = f"release_imminent:{day.isoformat()}"
    draft = partial(
        _draft,
        case,
        TaskKind.RELEASE_IMMINENT,
        recipient=case.responsible_area,
        trigger=trigger,
        now=now,
        due_on=min(add_working_days(local_date(now), 1), max(day, local_date(now))),
        priority=Priority.URGENT,
        reason="release_near_assessment_not_started",
        purpose=RELEASE_PLANNING,
        release_date=day,
        release_type=case.release_type,
        prison=case.prison,
        sentence_type=case.sentence_type,
        housing_status=case.housing_status,
    )
    return [Timer(trigger, near, draft)]


TIMERS = (plan_review_due, followup_check, release_imminent)


def due_drafts(
    state: FollowupState, levels: ServiceLevels, now: datetime
) -> tuple[list[TaskDraft], list[datetime]]:
    """The drafts due at `now` and not yet issued, and the future instants when more fall due."""
    drafts: list[TaskDraft] = []
    wakeups: list[datetime] = []
    for timer_fn in TIMERS:
        for timer in timer_fn(state, levels, now):
            if now < timer.at:
                wakeups.append(timer.at)
            elif timer.trigger not in state.issued:
                drafts.append(timer.draft())
    return drafts, wakeups
