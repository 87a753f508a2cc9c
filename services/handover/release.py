"""Tasks about the referral and the release itself: the referral, preparation, a moved date, a
short sentence, the release."""

from datetime import date, timedelta

from services.core.calendar import local_date
from services.core.case import CaseState
from services.core.drafts import TaskDraft
from services.core.tasks import Priority, TaskKind
from services.core.vocabulary import SentenceType, Urgency
from services.handover.context import Context
from services.handover.network import network_orgs
from services.handover.payloads import IDENTITY_FIELDS, SCHEDULE_FIELDS, only

ALWAYS_SHORT = frozenset({SentenceType.FINE_CONVERSION, SentenceType.REMAND})
RELEASE_TASKS = (TaskKind.RELEASE_PREPARATION, TaskKind.RELEASE_DATE_CHANGED)


def release_day(case: CaseState) -> date | None:
    return case.release_date or case.expected_release


def is_short_sentence(case: CaseState, threshold_days: int) -> bool:
    """Fine conversion and remand always; otherwise a known custody shorter than the threshold."""
    if case.sentence_type in ALWAYS_SHORT:
        return True
    end = release_day(case)
    if case.sentence_start is None or end is None:
        return False
    return (end - case.sentence_start).days < threshold_days


def release_preparation(ctx: Context) -> list[TaskDraft]:
    """The county starts preparing the release the lead time before it.

    The trigger is the release date, so the same date learnt twice (expected at custody start,
    then decided) gives one task; a different date gives a new task that supersedes the old.
    """
    county, release = ctx.case.responsible_area, release_day(ctx.case)
    if county is None or release is None:
        return []
    lead = timedelta(days=ctx.settings.release_preparation_lead_days)
    return [
        ctx.draft(
            TaskKind.RELEASE_PREPARATION,
            county,
            reason_code="release_date_known",
            due_at=ctx.due_on(release - lead),
            payload=ctx.summary(),
            trigger=f"release:{release.isoformat()}",
            supersedes=ctx.supersedable((TaskKind.RELEASE_PREPARATION,), county),
        )
    ]


def short_sentence_contact(ctx: Context, referral_id: str | None = None) -> list[TaskDraft]:
    """An immediate contact to the county, due the next working day: no time for planning."""
    county = ctx.case.responsible_area
    if county is None:
        return []
    return [
        ctx.draft(
            TaskKind.SHORT_SENTENCE_CONTACT,
            county,
            reason_code="short_sentence",
            due_at=ctx.due_in_working_days(ctx.settings.short_sentence_working_days),
            payload=ctx.summary(referral_id),
            priority=Priority.HIGH,
            supersedes=ctx.supersedable((TaskKind.SHORT_SENTENCE_CONTACT,), county),
            referral_id=referral_id,
        )
    ]


def on_case_opened(ctx: Context) -> list[TaskDraft]:
    if is_short_sentence(ctx.case, ctx.settings.short_sentence_days):
        return short_sentence_contact(ctx)
    return release_preparation(ctx)


def on_release_date_set(ctx: Context) -> list[TaskDraft]:
    """Release preparation; a date that reveals a short sentence gets the contact instead."""
    if not is_short_sentence(ctx.case, ctx.settings.short_sentence_days):
        return release_preparation(ctx)
    already = any(
        ref.kind == TaskKind.SHORT_SENTENCE_CONTACT for ref in ctx.state.active(ctx.case.case_id)
    )
    return [] if already else short_sentence_contact(ctx)


REFERRAL_PRIORITY = {
    Urgency.NORMAL: Priority.NORMAL,
    Urgency.URGENT: Priority.HIGH,
    Urgency.IMMEDIATE: Priority.URGENT,
}


def referral_received(ctx: Context, referral_id: str) -> TaskDraft | None:
    """The county receives the referral as soon as it is accepted, whatever the sentence, with
    the `referral_id` its acknowledgement names; short sentences by the next working day."""
    county = ctx.case.responsible_area
    referral = next((r for r in ctx.case.referrals if r.referral_id == referral_id), None)
    if county is None or referral is None:
        return None
    short = is_short_sentence(ctx.case, ctx.settings.short_sentence_days)
    days = ctx.settings.short_sentence_working_days if short else ctx.settings.referral_working_days
    return ctx.draft(
        TaskKind.REFERRAL_RECEIVED,
        county,
        reason_code=referral.kind.value,
        due_at=ctx.due_in_working_days(days),
        payload=ctx.summary(referral_id),
        priority=REFERRAL_PRIORITY[referral.urgency],
        trigger=f"referral:{referral_id}",
        referral_id=referral_id,
    )


def on_referral_submitted(ctx: Context) -> list[TaskDraft]:
    """The referral task; for a short sentence the contact is renewed with what the referral
    adds (SHL §35), and for a long one the release preparation that may have had no basis to
    go out before the referral."""
    referral_id = ctx.fact.detail.referral_id
    if referral_id is None:
        return []
    task = referral_received(ctx, referral_id)
    drafts = [task] if task is not None else []
    if is_short_sentence(ctx.case, ctx.settings.short_sentence_days):
        drafts.extend(short_sentence_contact(ctx, referral_id))
    else:
        drafts.extend(release_preparation(ctx))
    return drafts


def on_consent_given(ctx: Context) -> list[TaskDraft]:
    """A new consent may open what had no basis before: the referrals and the county's release
    work. Tasks already out have the same ids and are not issued again."""
    drafts = [
        task
        for referral in ctx.case.referrals
        if (task := referral_received(ctx, referral.referral_id)) is not None
    ]
    if not is_short_sentence(ctx.case, ctx.settings.short_sentence_days):
        return [*drafts, *release_preparation(ctx)]
    contacted = any(
        ref.kind == TaskKind.SHORT_SENTENCE_CONTACT for ref in ctx.state.active(ctx.case.case_id)
    )
    return drafts if contacted else [*drafts, *short_sentence_contact(ctx)]


def _change_priority(ctx: Context, new: date, previous: date | None) -> Priority:
    moved_earlier = previous is not None and new < previous
    remaining = (new - ctx.today).days
    if moved_earlier and remaining <= ctx.settings.urgent_remaining_days:
        return Priority.URGENT
    return Priority.NORMAL


def on_release_date_changed(ctx: Context) -> list[TaskDraft]:
    """The county and the current network hear of the new date; the county's earlier
    release task is superseded."""
    new, previous = ctx.case.release_date, ctx.fact.detail.previous_release_date
    if new is None:
        return []
    priority = _change_priority(ctx, new, previous)
    due = ctx.due_on(new - timedelta(days=ctx.settings.release_preparation_lead_days))
    summary = ctx.summary().model_copy(update={"previous_release_date": previous})
    county = ctx.case.responsible_area
    drafts = []
    for org in network_orgs(ctx.case):
        if org != county and org == ctx.fact.source_org:
            continue  # the sender already knows
        is_county = org == county
        drafts.append(
            ctx.draft(
                TaskKind.RELEASE_DATE_CHANGED,
                org,
                reason_code="release_date_changed",
                due_at=due,
                payload=summary if is_county else only(summary, *IDENTITY_FIELDS, *SCHEDULE_FIELDS),
                priority=priority,
                supersedes=ctx.supersedable(
                    RELEASE_TASKS if is_county else (TaskKind.RELEASE_DATE_CHANGED,), org
                ),
            )
        )
    return drafts


def on_released(ctx: Context) -> list[TaskDraft]:
    """Warm handover: the county's first meeting within the set working days. Supervised
    probationary freedom is supervised by the prison itself; a sanctions office hears of its
    supervision from `SupervisionOrdered`."""
    case = ctx.case
    released_on = local_date(case.released_at) if case.released_at else ctx.today
    due = ctx.due_in_working_days(ctx.settings.first_meeting_working_days, released_on)
    summary = ctx.summary()
    drafts = []
    if case.responsible_area is not None:
        drafts.append(
            ctx.draft(
                TaskKind.RELEASED,
                case.responsible_area,
                reason_code="first_meeting",
                due_at=due,
                payload=summary,
                priority=Priority.HIGH,
            )
        )
    return drafts
