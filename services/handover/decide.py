"""The handover decision: a case fact becomes tasks for whoever must act next.

Pure: state, fact, personal details, rules, settings and `now` in; new state and issued tasks
out. Every draft goes through the one sharing decision (`services.core.policy.disclose`). A task
already issued (same deterministic id) is not issued again, so a repeated fact changes nothing;
a task whose recipient has no basis for any of its content is not issued at all.
"""

from collections.abc import Callable
from datetime import datetime

from services.core.drafts import PersonalDetails, TaskDraft
from services.core.facts import CaseFact, FactKind
from services.core.frozen import Frozen
from services.core.policy import IssuedTask, SharingRules, disclose, task_id_for
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
    FactKind.CONSENT_GIVEN: release.on_consent_given,
}
"""Facts that make tasks; every other fact changes nothing here."""


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
        result = disclose(draft, fact.case, rules, now, task_id=task_id)
        if result is None:
            continue
        current = current.with_issued(result)
        issued.append(result)
    return HandoverOutcome.build(state=current, issued=issued)
