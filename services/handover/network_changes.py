"""Tasks about who is involved: transfers, contact persons, the responsible county, referrers,
and consents withdrawn."""

from services.core.drafts import TaskDraft
from services.core.policy import Purpose
from services.core.tasks import TaskKind
from services.core.vocabulary import ReferralKind
from services.handover.context import Context
from services.handover.network import network_orgs
from services.handover.payloads import IDENTITY_FIELDS, empty, only, referral_status

NOTICE_FIELDS = (*IDENTITY_FIELDS, "contact_persons")
CLOSING_FIELDS = (*IDENTITY_FIELDS, "destination_municipality")


def on_transferred(ctx: Context) -> list[TaskDraft]:
    """The receiving prison and the county learn of the transfer."""
    recipients = [org for org in (ctx.case.prison, ctx.case.responsible_area) if org]
    summary = ctx.summary()
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    return [
        ctx.draft(
            TaskKind.TRANSFER_NOTICE, org, reason_code="transferred", due_at=due, payload=summary
        )
        for org in dict.fromkeys(recipients)
    ]


def on_contact_person_ended(ctx: Context) -> list[TaskDraft]:
    """A successor gets a briefing and the rest of the network a notice; without a successor
    the organisation is asked to assign one."""
    contact, successor = ctx.fact.detail.contact, ctx.fact.detail.successor_worker_ref
    if contact is None:
        return []
    if successor is None:
        return [
            ctx.draft(
                TaskKind.ASSIGN_SUCCESSOR,
                contact.org,
                reason_code=f"no_successor_{contact.role.value}",
                due_at=ctx.due_in_working_days(ctx.settings.assign_successor_working_days),
                payload=ctx.summary(),
            )
        ]
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    summary = ctx.summary()
    briefing = ctx.draft(
        TaskKind.CONTACT_PERSON_CHANGED,
        contact.org,
        reason_code="successor_briefing",
        due_at=due,
        payload=summary,
        recipient_worker_ref=successor,
    )
    notices = [
        ctx.draft(
            TaskKind.CONTACT_PERSON_CHANGED,
            org,
            reason_code="contact_person_changed",
            due_at=due,
            payload=only(summary, *NOTICE_FIELDS),
        )
        for org in network_orgs(ctx.case)
        if org != contact.org
    ]
    return [briefing, *notices]


def on_responsible_area_changed(ctx: Context) -> list[TaskDraft]:
    """Full handover to the new county, closing notice to the old; never a guessed county."""
    new, old = ctx.case.responsible_area, ctx.fact.detail.previous_area
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    summary = ctx.summary()
    drafts = []
    if new is not None:
        drafts.append(
            ctx.draft(
                TaskKind.RESPONSIBLE_AREA_CHANGED,
                new,
                reason_code="area_handover",
                due_at=due,
                payload=summary,
            )
        )
    if old is not None and old != new:
        drafts.append(
            ctx.draft(
                TaskKind.RESPONSIBLE_AREA_CHANGED,
                old,
                reason_code="area_closing",
                due_at=due,
                payload=only(summary, *CLOSING_FIELDS),
            )
        )
    return drafts


def on_referral_progress(ctx: Context) -> list[TaskDraft]:
    """SHL §40: whoever referred with consent hears what the county did with the referral."""
    referrals = [r for r in ctx.case.referrals if r.kind == ReferralKind.CONTACT_WITH_CONSENT]
    if ctx.fact.detail.referral_id is not None:
        referrals = [r for r in referrals if r.referral_id == ctx.fact.detail.referral_id]
    latest_by_referrer = {r.submitted_by: r for r in referrals}
    if not latest_by_referrer:
        return []
    summary = ctx.summary()
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    drafts = []
    for referral in latest_by_referrer.values():
        payload = only(summary, "assessment_status").model_copy(
            update={"referral_status": referral_status(referral)}
        )
        drafts.append(
            ctx.draft(
                TaskKind.REFERRAL_FEEDBACK,
                referral.submitted_by,
                reason_code=ctx.fact.kind.value,
                due_at=due,
                payload=payload,
                purpose=Purpose.REFERRAL_FEEDBACK,
                referral_id=referral.referral_id,
            )
        )
    return drafts


def on_consent_withdrawn(ctx: Context) -> list[TaskDraft]:
    """Every organisation that received data under the consent is told, each once."""
    consent_id = ctx.fact.detail.consent_id
    if consent_id is None:
        return []
    due = ctx.due_in_working_days(ctx.settings.notice_working_days)
    return [
        ctx.draft(
            TaskKind.CONSENT_REVOKED,
            org,
            reason_code="consent_withdrawn",
            due_at=due,
            payload=empty(),
            purpose=Purpose.CONSENT_REVOCATION,
            trigger=f"consent:{consent_id}",
        )
        for org in ctx.state.recipients_under(consent_id)
    ]
