"""How a county's case management system answers the tasks it receives.

Counties read their task topic and report what became of some tasks (`TaskStatusChanged`): a
prompt county accepts nearly every reported task within a working day; a stretched or silent one
leaves some merely received (the acceptance deadline alert opens) and answers others late or
not at all. Pure: the answer depends only on the seed, the task and the county's behaviour.
"""

import random
from datetime import datetime, timedelta

from services.core.events import TaskStatusChanged
from services.core.organisations import OrgKind, Registry
from services.core.tasks import Task
from services.core.vocabulary import TaskStatus
from services.simulator.behaviour import Behaviour
from services.simulator.moments import working_days_after

LATE_ACCEPT_WORKING_DAYS = (3, 8)
REPORTED_SHARE = 0.4
"""Share of tasks whose status a county's system reports at all (not every system is linked)."""


def responses(
    task: Task, counties: dict[str, Behaviour], registry: Registry, seed: int
) -> list[TaskStatusChanged]:
    """The status changes the recipient will report, with their event times (maybe none)."""
    org = registry.get(task.recipient_org)
    behaviour = counties.get(task.recipient_org)
    if org is None or org.kind != OrgKind.COUNTY or behaviour is None:
        return []
    rng = random.Random(f"{seed}:task:{task.task_id}")
    if rng.random() >= REPORTED_SHARE or rng.random() >= behaviour.task_received:
        return []
    if rng.random() < behaviour.task_accepted:
        accepted = working_days_after(rng, task.created_at, behaviour.accept_working_days)
        return [_status(task, TaskStatus.ACCEPTED, accepted)]
    received = task.created_at + timedelta(hours=rng.randint(1, 6))
    answers = [_status(task, TaskStatus.RECEIVED, received)]
    if rng.random() < 0.5:
        late = working_days_after(rng, received, LATE_ACCEPT_WORKING_DAYS)
        answers.append(_status(task, TaskStatus.ACCEPTED, late))
    return answers


def _status(task: Task, status: TaskStatus, at: datetime) -> TaskStatusChanged:
    return TaskStatusChanged(
        event_id=f"status-{task.task_id}-{status.value}",
        occurred_at=at,
        source_org=task.recipient_org,
        person_ref=task.person_ref,
        task_id=task.task_id,
        status=status,
    )
