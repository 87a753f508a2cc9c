"""What every task builder needs: the fact, the person's details, the state, the clock."""

from dataclasses import dataclass
from datetime import date, datetime

from services.core.calendar import end_of_local_day, local_date
from services.core.case import CaseState
from services.core.drafts import PersonalDetails, TaskDraft
from services.core.facts import CaseFact
from services.core.policy import Purpose
from services.core.tasks import Priority, TaskKind, TaskPayload
from services.handover.payloads import case_summary
from services.handover.settings import HandoverSettings
from services.handover.state import HandoverState


@dataclass(frozen=True)
class Context:
    fact: CaseFact
    personal: PersonalDetails
    state: HandoverState
    settings: HandoverSettings
    now: datetime

    @property
    def case(self) -> CaseState:
        return self.fact.case

    @property
    def today(self) -> date:
        return local_date(self.now)

    def due_on(self, day: date) -> datetime:
        """The end of `day` in Helsinki (a deadline met that day), or now if it has passed."""
        return max(self.now, end_of_local_day(day))

    def due_in_working_days(self, days: int, start: date | None = None) -> datetime:
        return self.due_on(self.settings.add_working_days(start or self.today, days))

    def summary(self, referral_id: str | None = None) -> TaskPayload:
        return case_summary(self.case, self.personal, self.state, referral_id)

    def supersedable(self, kinds: tuple[TaskKind, ...], recipient_org: str) -> str | None:
        ref = self.state.latest_active(self.case.case_id, kinds, recipient_org)
        return ref.task_id if ref else None

    def draft(
        self,
        kind: TaskKind,
        recipient_org: str,
        *,
        reason_code: str,
        due_at: datetime,
        payload: TaskPayload,
        purpose: Purpose = Purpose.RELEASE_PLANNING,
        priority: Priority = Priority.NORMAL,
        trigger: str | None = None,
        recipient_worker_ref: str | None = None,
        supersedes: str | None = None,
        referral_id: str | None = None,
    ) -> TaskDraft:
        """A draft triggered by this fact unless `trigger` names something more stable."""
        return TaskDraft.build(
            kind=kind,
            case_id=self.case.case_id,
            person_ref=self.case.person_ref,
            recipient_org=recipient_org,
            trigger=trigger or self.fact.fact_id,
            created_at=self.now,
            due_at=due_at,
            priority=priority,
            reason_code=reason_code,
            purpose=purpose.value,
            payload=payload,
            recipient_worker_ref=recipient_worker_ref,
            supersedes=supersedes,
            referral_id=referral_id,
        )
