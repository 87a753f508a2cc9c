"""What the handover has issued for one person: who received what, under which consent."""

from collections.abc import Collection

from pydantic import Field

from services.core.frozen import Frozen
from services.core.policy import IssuedTask
from services.core.tasks import TaskKind


class IssuedRef(Frozen):
    task_id: str
    kind: TaskKind
    case_id: str
    recipient_org: str
    consent_ids: list[str] = Field(default_factory=list)
    superseded: bool = False
    origin_org: str | None = None
    """The organisation whose event caused the task; it may hear the task's outcome."""
    origin_event_id: str | None = None
    """That event's id, which its sender knows."""
    referral_id: str | None = None


class HandoverState(Frozen):
    """Per person: every task issued so far, in issue order."""

    person_ref: str
    tasks: list[IssuedRef] = Field(default_factory=list)
    withheld: list[str] = Field(default_factory=list)
    """Ids of `task_outcome` notices decided and not sent: their recipient had no basis."""

    def has(self, task_id: str) -> bool:
        return any(ref.task_id == task_id for ref in self.tasks)

    def decided(self, task_id: str) -> bool:
        """Issued, or (a `task_outcome`) withheld: either way decided once, for good."""
        return self.has(task_id) or task_id in self.withheld

    def find(self, task_id: str) -> IssuedRef | None:
        return next((ref for ref in self.tasks if ref.task_id == task_id), None)

    def with_withheld(self, task_id: str) -> "HandoverState":
        return self.model_copy(update={"withheld": [*self.withheld, task_id]})

    def active(self, case_id: str) -> list[IssuedRef]:
        return [ref for ref in self.tasks if ref.case_id == case_id and not ref.superseded]

    def latest_active(
        self, case_id: str, kinds: Collection[TaskKind], recipient_org: str
    ) -> IssuedRef | None:
        """The newest task of one of `kinds` to the recipient that nothing has superseded."""
        matches = [
            ref
            for ref in self.active(case_id)
            if ref.kind in kinds and ref.recipient_org == recipient_org
        ]
        return matches[-1] if matches else None

    def recipients_under(self, consent_id: str) -> list[str]:
        """Every organisation that received data under the consent, each once."""
        found: list[str] = []
        for ref in self.tasks:
            if consent_id in ref.consent_ids and ref.recipient_org not in found:
                found.append(ref.recipient_org)
        return found

    def with_issued(
        self, issued: IssuedTask, origin_org: str | None = None, origin_event_id: str | None = None
    ) -> "HandoverState":
        """The state with the task remembered, and the event (and its sender) that caused it."""
        task = issued.task
        tasks = [
            ref.model_copy(update={"superseded": True}) if ref.task_id == task.supersedes else ref
            for ref in self.tasks
        ]
        tasks.append(
            IssuedRef.build(
                task_id=task.task_id,
                kind=task.kind,
                case_id=task.case_id,
                recipient_org=task.recipient_org,
                consent_ids=list(issued.disclosure.consent_ids),
                origin_org=origin_org,
                origin_event_id=origin_event_id,
                referral_id=task.referral_id,
            )
        )
        return self.model_copy(update={"tasks": tasks})
