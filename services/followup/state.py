"""The followup service's state per person, and how a case fact folds into it.

The state keeps the latest case snapshot (facts carry the case as it stands after the change),
the alerts raised for the case, the time-triggered drafts already issued, what is known about
the acceptance of tasks other services issued, and the due index `next_due`.
"""

from datetime import date, datetime

from pydantic import Field

from services.core.calendar import local_date
from services.core.case import CaseState
from services.core.drafts import TaskDraft
from services.core.facts import CaseFact, FactKind
from services.core.frozen import Frozen
from services.core.records import Alert
from services.core.timeutil import Instant
from services.core.vocabulary import TaskStatus

SEEN_FACTS_KEPT = 500
"""How many recent fact ids a state remembers to drop redelivered facts."""

ACCEPTED_STATUSES = frozenset({TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED})
CLOSED_STATUSES = frozenset({TaskStatus.COMPLETED, TaskStatus.REJECTED})


class TaskTrack(Frozen):
    """What the followup service knows about one task from the statuses its recipient reported.

    A task counts as issued when first seen with status `received` (`received_at` is then the
    time of that fact); it is accepted once it reaches accepted, in_progress or completed. A
    task first seen in any other status has no acceptance deadline.
    """

    status: TaskStatus
    received_at: Instant | None = None
    accepted: bool = False

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def with_status(self, status: TaskStatus) -> "TaskTrack":
        return self.model_copy(
            update={"status": status, "accepted": self.accepted or status in ACCEPTED_STATUSES}
        )


class FollowupState(Frozen):
    person_ref: str
    case: CaseState
    """The case snapshot from the latest case fact."""
    alerts: dict[str, Alert] = Field(default_factory=dict)
    """Every alert of the current case, open and resolved, by alert id."""
    issued: tuple[str, ...] = ()
    """Triggers of the time-triggered drafts already issued for the case (each fires once)."""
    withheld: tuple[str, ...] = ()
    """Those of `issued` whose task was not sent: its recipient had no basis for any of it
    when it fell due (no basis, no task)."""

    def with_withheld(self, triggers: list[str]) -> "FollowupState":
        return self.model_copy(update={"withheld": (*self.withheld, *triggers)})

    tasks: dict[str, TaskTrack] = Field(default_factory=dict)
    release_date_moved_earlier: bool = False
    release_moved_on: date | None = None
    """The local date of the latest change that moved the release date earlier."""
    last_event_at: Instant | None = None
    seen_fact_ids: tuple[str, ...] = ()
    next_due: Instant | None = None
    """The next instant at which a rule or timer may change its answer (None: nothing due)."""
    judged_at: Instant | None = None
    """The person's own event time: the latest instant they were judged at. Kept here, with
    the person, so that a rebalance or a replay of the table brings it along."""


class FollowupOutcome(Frozen):
    state: FollowupState
    alerts: list[Alert] = Field(default_factory=list)
    """Only the alerts that changed: newly opened or newly resolved."""
    drafts: list[TaskDraft] = Field(default_factory=list)


def _track(tasks: dict[str, TaskTrack], task_id: str, status: TaskStatus, at: datetime) -> None:
    known = tasks.get(task_id)
    if known is None:
        received_at = at if status == TaskStatus.RECEIVED else None
        tasks[task_id] = TaskTrack.build(
            status=status, received_at=received_at, accepted=status in ACCEPTED_STATUSES
        )
    elif known.status != status:
        tasks[task_id] = known.with_status(status)


def is_stale(state: FollowupState, fact: CaseFact) -> bool:
    """True for a redelivered fact, or one about an older custody period than the current."""
    if fact.fact_id in state.seen_fact_ids:
        return True
    return fact.case.case_id != state.case.case_id and fact.case.opened_at < state.case.opened_at


def observe(state: FollowupState, fact: CaseFact) -> FollowupState:
    """Fold one new, current fact into the state (no time-dependent decisions here)."""
    tasks = dict(state.tasks)
    for task_id, status in fact.case.task_statuses.items():
        _track(tasks, task_id, status, fact.occurred_at)
    detail = fact.detail
    if fact.kind == FactKind.TASK_STATUS_CHANGED and detail.task_id and detail.task_status:
        _track(tasks, detail.task_id, detail.task_status, fact.occurred_at)

    moved, moved_on = state.release_date_moved_earlier, state.release_moved_on
    new_date, previous = fact.case.release_date, detail.previous_release_date
    if fact.kind == FactKind.RELEASE_DATE_CHANGED and new_date and previous and previous > new_date:
        moved, moved_on = True, local_date(fact.occurred_at)

    last = state.last_event_at
    if last is None or fact.occurred_at > last:
        last = fact.occurred_at
    return state.model_copy(
        update={
            "case": fact.case,
            "tasks": tasks,
            "release_date_moved_earlier": moved,
            "release_moved_on": moved_on,
            "last_event_at": last,
            "seen_fact_ids": (*state.seen_fact_ids, fact.fact_id)[-SEEN_FACTS_KEPT:],
        }
    )


def fresh_state(fact: CaseFact) -> FollowupState:
    """An empty state for the fact's case (before the fact is observed)."""
    return FollowupState.build(person_ref=fact.person_ref, case=fact.case)
