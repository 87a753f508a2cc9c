"""The handover decision: a case fact becomes tasks for whoever must act next.

Pure: state, fact, personal details, rules, settings and `now` in; new state and issued tasks
out. Every draft goes through the sharing policy. A task already issued (same deterministic id)
is not issued again, so a repeated fact changes nothing; a task an NGO may not receive (no
consent covers it) is not issued at all.
"""

from collections.abc import Callable
from datetime import datetime

from services.core.drafts import PersonalDetails, TaskDraft
from services.core.facts import CaseFact, FactKind
from services.core.frozen import Frozen
from services.core.organisations import OrgKind, default_registry
from services.core.policy import IssuedTask, SharingRules, issue, task_id_for
from services.core.tasks import TaskKind
from services.handover import network_changes, release
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
}
"""Facts that make tasks; every other fact changes nothing here."""


def may_receive(issued: IssuedTask) -> bool:
    """NGOs take part only where the client consented: a task reaches an NGO only when a
    consent covers something in it, except the notice that a consent was revoked.

    Without this an NGO left in the network after a withdrawal would still get empty tasks
    whose kind and due date tell it about the person (a release moved, a transfer).
    """
    org = default_registry().get(issued.task.recipient_org)
    if org is None or org.kind != OrgKind.NGO or issued.task.kind == TaskKind.CONSENT_REVOKED:
        return True
    return bool(issued.disclosure.consent_ids)


class HandoverOutcome(Frozen):
    state: HandoverState
    issued: list[IssuedTask]


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
    for draft in builder(context):
        task_id = task_id_for(draft)
        if current.has(task_id):
            continue
        result = issue(draft, fact.case, rules, now, task_id=task_id)
        if not may_receive(result):
            continue
        current = current.with_issued(result)
        issued.append(result)
    return HandoverOutcome.build(state=current, issued=issued)
