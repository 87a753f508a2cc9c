"""Stage 2: the case registry. One decision per sanitised event, per person.

`apply` deduplicates by event id, holds events that arrive before their person has a case,
opens cases, applies every other event to the current case through its transition, and turns
each accepted change into case facts. Held events are released in arrival order when the case
opens, or dead-lettered once they have waited `hold_timeout`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from services.core.case import CaseStatus
from services.core.envelopes import Origin
from services.core.events import CustodyStarted, InboundEvent, sensitive_fields
from services.core.facts import CaseFact
from services.core.ids import stable_id
from services.core.receipts import ReceiptOutcome
from services.referral.change import Change
from services.referral.custody import open_case
from services.referral.gate import Rejection
from services.referral.reasons import Reason
from services.referral.state import (
    HeldEvent,
    Notice,
    Outcome,
    PersonState,
    ReferralSettings,
    Refusal,
    RejectedEvent,
)
from services.referral.transitions import transition


def apply(  # noqa: PLR0917 - the shell's contract: one positional slot per input
    state: PersonState | None,
    event: InboundEvent,
    sealed: str | None,
    origin: Origin,
    settings: ReferralSettings,
    now: datetime,
) -> Outcome:
    """Decide one admitted, sanitised event for the person it names (`event.person_ref`)."""
    person = state or PersonState.build(person_ref=_person_ref_of(event))
    _require_same_person(person, event)
    _require_sanitised(event)
    run = _Run(person=person, settings=settings)
    run.expire(now)
    if _already_known(run.person, event.event_id):
        run.repeat(event, origin)
        return run.outcome(accepted=True, duplicate=True)
    case = run.person.case
    if isinstance(event, CustodyStarted) and (case is None or case.status != CaseStatus.IN_CUSTODY):
        run.open(event, sealed, origin)
        return run.outcome(accepted=True)
    if case is None:
        return run.outcome(held=run.hold(event, sealed, origin, now))
    return run.outcome(accepted=run.apply_to_case(event, sealed, origin, was_held=False))


def held_until(state: PersonState, settings: ReferralSettings) -> datetime | None:
    """When the oldest held event runs out of time (`expire_held` is due then), or None."""
    oldest = min((h.held_at for h in state.held), default=None)
    return None if oldest is None else oldest + settings.hold_timeout


def expire_held(state: PersonState, settings: ReferralSettings, now: datetime) -> Outcome:
    """Dead-letter the held events that have waited `hold_timeout` (run on clock ticks)."""
    run = _Run(person=state, settings=settings)
    run.expire(now)
    return run.outcome()


def _person_ref_of(event: InboundEvent) -> str:
    if event.person_ref is None:
        raise ValueError("apply needs an admitted event: person_ref is not set")
    return event.person_ref


def _require_same_person(person: PersonState, event: InboundEvent) -> None:
    if _person_ref_of(event) != person.person_ref:
        raise ValueError("the event names another person than the state it is applied to")


def _require_sanitised(event: InboundEvent) -> None:
    if any(getattr(event, name) is not None for name in sensitive_fields(type(event))):
        raise ValueError("apply needs a sanitised event: sensitive fields must be sealed")


def _already_known(person: PersonState, event_id: str) -> bool:
    return event_id in person.seen_event_ids or any(h.event_id == event_id for h in person.held)


def _fact(case_change: Change, event: InboundEvent) -> list[CaseFact]:
    case = case_change.case
    return [
        CaseFact.build(
            fact_id=stable_id(case.case_id, event.event_id, kind),
            kind=kind,
            person_ref=case.person_ref,
            case_id=case.case_id,
            event_id=event.event_id,
            source_org=event.source_org,
            occurred_at=event.occurred_at,
            case=case,
            detail=detail,
        )
        for kind, detail in case_change.effects
    ]


@dataclass
class _Run:
    """The working state of one decision; it never outlives the call that made it."""

    person: PersonState
    settings: ReferralSettings
    facts: list[CaseFact] = field(default_factory=list)
    rejections: list[RejectedEvent] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    released: int = 0

    def outcome(self, *, accepted: bool = False, duplicate: bool = False, held: int = 0) -> Outcome:
        return Outcome.build(
            state=self.person,
            facts=self.facts,
            rejections=self.rejections,
            held=held,
            released=self.released,
            accepted=accepted,
            duplicate=duplicate,
            notices=self.notices,
        )

    def notify(
        self,
        event: InboundEvent,
        origin: Origin,
        outcome: ReceiptOutcome,
        refusal: Refusal | None = None,
    ) -> None:
        self.notices.append(
            Notice.build(
                event_id=event.event_id,
                source_org=event.source_org,
                origin=origin,
                outcome=outcome,
                reason_code=None if refusal is None else refusal.reason_code,
                detail=None if refusal is None else refusal.detail,
            )
        )

    def repeat(self, event: InboundEvent, origin: Origin) -> None:
        """A resent duplicate is told the first message's outcome again, never a new one."""
        refusal = self.person.refused.get(event.event_id)
        if refusal is not None:
            self.notify(event, origin, ReceiptOutcome.REJECTED, refusal)
        elif any(h.event_id == event.event_id for h in self.person.held):
            self.notify(event, origin, ReceiptOutcome.HELD)
        else:
            self.notify(event, origin, ReceiptOutcome.ACCEPTED)

    def remember(self, event_id: str) -> None:
        self.person = self.person.model_copy(update={"seen_event_ids": self._seen(event_id)})

    def _seen(self, event_id: str) -> list[str]:
        return [*self.person.seen_event_ids, event_id][-self.settings.seen_limit :]

    def reject(
        self,
        event: InboundEvent,
        sealed: str | None,
        origin: Origin,
        rejection: Rejection,
        *,
        was_held: bool,
    ) -> None:
        self.rejections.append(
            RejectedEvent(
                reason_code=rejection.reason_code,
                detail=rejection.detail,
                event_id=event.event_id,
                event_type=type(event).__name__,
                event=event.model_dump(mode="json"),
                sealed=sealed,
                origin=origin,
                was_held=was_held,
            )
        )
        self.remember(event.event_id)
        refusal = Refusal.build(reason_code=str(rejection.reason_code), detail=rejection.detail)
        self._refuse(event.event_id, refusal)
        self.notify(event, origin, ReceiptOutcome.REJECTED, refusal)

    def _refuse(self, event_id: str, refusal: Refusal) -> None:
        """Remember the refusal for as long as the event id is remembered."""
        seen = set(self.person.seen_event_ids)
        refused = {k: v for k, v in self.person.refused.items() if k in seen}
        refused[event_id] = refusal
        self.person = self.person.model_copy(update={"refused": refused})

    def commit(self, event: InboundEvent, change: Change) -> None:
        case = change.case
        latest = max(filter(None, (case.last_event_at, event.occurred_at)))
        case = case.model_copy(update={"last_event_at": latest})
        closed_ids = self.person.closed_case_ids
        if case.status == CaseStatus.CLOSED and case.case_id not in closed_ids:
            closed_ids = [*closed_ids, case.case_id]
        self.person = self.person.model_copy(
            update={
                "case": case,
                "closed_case_ids": closed_ids,
                "seen_event_ids": self._seen(event.event_id),
            }
        )
        self.facts.extend(_fact(Change(case=case, effects=change.effects), event))

    def apply_to_case(
        self, event: InboundEvent, sealed: str | None, origin: Origin, *, was_held: bool
    ) -> bool:
        case = self.person.case
        assert case is not None
        if case.status == CaseStatus.CLOSED:
            result: Change | Rejection = Rejection(
                reason_code=Reason.CASE_CLOSED, detail="the person's current case is closed"
            )
        else:
            result = transition(event, case, sealed)
        if isinstance(result, Rejection):
            self.reject(event, sealed, origin, result, was_held=was_held)
            return False
        self.commit(event, result)
        self.notify(event, origin, ReceiptOutcome.ACCEPTED)
        return True

    def open(self, event: CustodyStarted, sealed: str | None, origin: Origin) -> None:
        """Open a new case (a released one it supersedes counts as ended), then release the
        events that were waiting for it, in arrival order."""
        previous = self.person.case
        if previous is not None and previous.case_id not in self.person.closed_case_ids:
            closed_ids = [*self.person.closed_case_ids, previous.case_id]
            self.person = self.person.model_copy(update={"closed_case_ids": closed_ids})
        self.commit(event, open_case(event, self.person.person_ref, sealed))
        self.notify(event, origin, ReceiptOutcome.ACCEPTED)
        waiting, self.person = self.person.held, self.person.model_copy(update={"held": []})
        for held in waiting:
            if self.apply_to_case(held.restore(), held.sealed, held.origin, was_held=True):
                self.released += 1

    def hold(self, event: InboundEvent, sealed: str | None, origin: Origin, now: datetime) -> int:
        if len(self.person.held) >= self.settings.max_held:
            full = Rejection(
                reason_code=Reason.HOLD_FULL,
                detail="too many events are already waiting for this person's case",
            )
            self.reject(event, sealed, origin, full, was_held=False)
            return 0
        held = [*self.person.held, HeldEvent.of(event, sealed, origin, now)]
        self.person = self.person.model_copy(update={"held": held})
        self.notify(event, origin, ReceiptOutcome.HELD)
        return 1

    def expire(self, now: datetime) -> None:
        timeout = self.settings.hold_timeout
        expired = [h for h in self.person.held if now - h.held_at >= timeout]
        if not expired:
            return
        waiting = [h for h in self.person.held if h not in expired]
        self.person = self.person.model_copy(update={"held": waiting})
        too_long = Rejection(
            reason_code=Reason.HELD_TOO_LONG,
            detail="no case opened for the person within hold_timeout",
        )
        for held in expired:
            self.reject(held.restore(), held.sealed, held.origin, too_long, was_held=True)
