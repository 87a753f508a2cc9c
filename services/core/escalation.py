"""The `path_escalation` task: an operator reminds the responsible county of a broken path.

Pure. The draft names the rule and the deadline missed and nothing else of its own; like every
task it reaches its recipient only through the sharing decision (`services.core.policy.disclose`),
which keeps the fields a basis allows. SHL 35 § (as amended 416/2023) lets the notifier tell the
county of a person whose need is evident, and `SHL35_TASK_KINDS` are the tasks that let the
county act on that notification; a reminder from the service's operators is not the notifier's
notification, so an escalation rests on the client's consent (or an agreement) like any other
task, and without one it is not sent.
"""

from datetime import datetime, timedelta

from services.core.case import CaseState
from services.core.drafts import TaskDraft
from services.core.ids import stable_id
from services.core.policy_rules import Purpose
from services.core.tasks import Priority, TaskKind, TaskPayload

ESCALATION_DUE = timedelta(days=2)
"""How long the county has to answer an escalation."""


ESCALATION_REASON = "alert_escalated"
"""The task's reason code; the payload's `escalated_rule` names the rule."""


def escalation_draft(
    case: CaseState, rule: str, missed_deadline: datetime, event_id: str, now: datetime
) -> TaskDraft | None:
    """The reminder for the case's responsible county, one per escalation (`event_id`); None
    when no county is responsible."""
    county = case.responsible_area
    if county is None:
        return None
    payload = TaskPayload.build(escalated_rule=rule, missed_deadline=missed_deadline)
    return TaskDraft.build(
        kind=TaskKind.PATH_ESCALATION,
        case_id=case.case_id,
        person_ref=case.person_ref,
        recipient_org=county,
        trigger=escalation_trigger(event_id),
        created_at=now,
        due_at=now + ESCALATION_DUE,
        priority=Priority.HIGH,
        reason_code=ESCALATION_REASON,
        purpose=Purpose.RELEASE_PLANNING.value,
        payload=payload,
    )


def escalation_trigger(event_id: str) -> str:
    return stable_id("escalation", event_id)


def escalation_task_id(case_id: str, county: str, event_id: str) -> str:
    """The id the escalation `event_id` gets as a task for `county` (what its disclosure record
    names), as `task_id_for` derives it."""
    return stable_id(case_id, TaskKind.PATH_ESCALATION.value, escalation_trigger(event_id), county)
