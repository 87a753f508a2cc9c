"""A task before the sharing policy has filtered it, and the personal details it may carry.

Decision modules build drafts with every field they would like to send; `services.core.policy`
decides which fields the recipient may see and turns a draft into a `Task` plus its
`DisclosureRecord`.
"""

from pydantic import Field

from services.core.frozen import Frozen
from services.core.tasks import Priority, TaskKind, TaskPayload
from services.core.timeutil import Instant


class PersonalDetails(Frozen):
    """Opened from the sealed fields in memory of the worker that builds tasks; never published
    except inside a task field whose category the recipient has a basis for."""

    identity_code: str | None = None
    full_name: str | None = None
    phone: str | None = None
    referral_summaries: dict[str, str] = Field(default_factory=dict)


class TaskDraft(Frozen):
    kind: TaskKind
    case_id: str
    person_ref: str
    recipient_org: str
    trigger: str
    """What caused the task (a fact id, a date): part of the deterministic task id."""
    created_at: Instant
    due_at: Instant
    priority: Priority
    reason_code: str
    purpose: str
    """The purpose a consent must cover, for example `release_planning`."""
    payload: TaskPayload
    recipient_worker_ref: str | None = None
    supersedes: str | None = None
    referral_id: str | None = None


def addressed_to_person(draft: TaskDraft, personal: PersonalDetails) -> TaskDraft:
    """The draft with the person's identity filled in; the policy decides whether it is sent."""
    payload = draft.payload.model_copy(
        update={"identity_code": personal.identity_code, "full_name": personal.full_name}
    )
    return draft.model_copy(update={"payload": payload})
