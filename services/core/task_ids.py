"""Triggers of tasks that another service must find again by id: the followup service looks
for the answer to an SHL 41 § request by the id of the task that carried it."""

from services.core.case import CooperationRequest
from services.core.ids import stable_id
from services.core.tasks import TaskKind


def cooperation_trigger(request_id: str) -> str:
    return f"cooperation:{request_id}"


def cooperation_task_id(case_id: str, request: CooperationRequest) -> str:
    """The id `policy.task_id_for` gives the request's task (case, kind, trigger, recipient)."""
    return stable_id(
        case_id,
        TaskKind.COOPERATION_REQUEST.value,
        cooperation_trigger(request.request_id),
        request.invited_org,
    )
