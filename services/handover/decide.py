"""The handover decision: a case fact becomes tasks for whoever must act next.

Pure: state, fact, personal details, rules, settings and `now` in; new state and issued tasks
out. Every draft goes through the one sharing decision (`services.core.policy.disclose`). A task
already issued (same deterministic id) is not issued again, so a repeated fact changes nothing;
a task whose recipient has no basis for any of its content is not issued at all. A
`task_outcome` notice withheld for that reason is remembered as withheld (ids only), so a
repeated status gets the same decision and the withholding is on record.
"""

from collections.abc import Callable
from datetime import datetime

from pydantic import Field

from services.core.drafts import PersonalDetails, TaskDraft
from services.core.facts import CaseFact, FactKind
from services.core.frozen import Frozen
from services.core.policy import IssuedTask, SharingRules, disclose, task_id_for
from services.core.tasks import TaskKind
from services.handover import network_changes, operations, outcomes, planning, release
from services.handover.context import Context
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState

Builder = Callable[[Context], list[TaskDraft]]

BUILDERS: dict[FactKind, Builder] = {
    FactKind.CASE_OPENED: release.on_case_opened,
    FactKind.RELEASE_DATE_SET: release.on_release_date_set,
    FactKind.RELEASE_DATE_CHANGED: release.on_release_date_changed,
    FactKind.REFERRAL_SUBMITTED: release.on_referral_submitted,
    FactKind.RELEASED: release.on_released,
    FactKind.TRANSFERRED: network_changes.on_transferred,
    FactKind.CONTACT_PERSON_ENDED: network_changes.on_contact_person_ended,
    FactKind.RESPONSIBLE_AREA_CHANGED: network_changes.on_responsible_area_changed,
    FactKind.REFERRAL_ACKNOWLEDGED: network_changes.on_referral_progress,
    FactKind.ASSESSMENT_STARTED: network_changes.on_referral_progress,
    FactKind.CONSENT_WITHDRAWN: network_changes.on_consent_withdrawn,
    FactKind.CONSENT_GIVEN: release.on_consent_given,
    FactKind.RELEASE_PLAN_AGREED: planning.on_release_plan,
    FactKind.RELEASE_PLAN_UPDATED: planning.on_release_plan,
    FactKind.COOPERATION_REQUESTED: planning.on_cooperation_requested,
    FactKind.NETWORK_MEETING_SCHEDULED: planning.on_meeting_scheduled,
    FactKind.PROBATIONARY_FREEDOM_REVOKED: planning.on_freedom_revoked,
    FactKind.SUPERVISION_ORDERED: planning.on_supervision_ordered,
    FactKind.CLIENT_DECLINED: planning.on_client_declined,
    FactKind.TASK_STATUS_CHANGED: outcomes.on_task_status_changed,
    FactKind.ALERT_ESCALATED: operations.on_alert_escalated,
}
"""Facts that make tasks; every other fact changes nothing here."""


class Refusal(Frozen):
    """A task not issued because its recipient has no basis for any of its content."""

    task_kind: TaskKind
    recipient_org: str
    reason_code: str = "no_basis"


class HandoverOutcome(Frozen):
    state: HandoverState
    issued: list[IssuedTask]
    refused: list[Refusal] = Field(default_factory=list)


def decide(  # noqa: PLR0917 -- the shared decide(state, input, ..., now) shape
    state: HandoverState | None,
    fact: CaseFact,
    personal: PersonalDetails,
    rules: SharingRules,
    settings: HandoverSettings,
    now: datetime,
) -> HandoverOutcome:
    """Issue the tasks the fact calls for, each filtered by the policy, and remember them."""
    current = state or HandoverState.build(person_ref=fact.person_ref)
    builder = BUILDERS.get(fact.kind)
    if builder is None:
        return HandoverOutcome.build(state=current, issued=[])
    context = Context(fact=fact, personal=personal, state=current, settings=settings, now=now)
    issued: list[IssuedTask] = []
    refused: list[Refusal] = []
    for draft in builder(context):
        task_id = task_id_for(draft)
        if current.decided(task_id):
            continue
        result = disclose(draft, fact.case, rules, now, task_id=task_id)
        if result is None:
            refused.append(Refusal.build(task_kind=draft.kind, recipient_org=draft.recipient_org))
            if draft.kind == TaskKind.TASK_OUTCOME:
                current = current.with_withheld(task_id)
            continue
        current = current.with_issued(result, *outcomes.cause_of(fact, result.task))
        issued.append(result)
    return HandoverOutcome.build(state=current, issued=issued, refused=refused)
