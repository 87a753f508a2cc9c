"""Stage 2: the case registry. One decision per sanitised event, per person.

`apply` deduplicates by event id, holds events that arrive before their person has a case,
opens cases, applies every other event to the current case through its transition, and turns
each accepted change into case facts. Held events are released in arrival order when the case
opens, or dead-lettered once they have waited `hold_timeout`.

A contact with consent (SHL 35 § 1 mom.) rests on a consent that another organisation may
record a little later, so it waits for it like an early event; when a consent that carries it
is accepted it is applied, and after `consent_timeout` it is refused with `consent_missing`
(never turned into a notification without consent).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.core.calendar import local_date
from services.core.case import CaseState, CaseStatus
from services.core.envelopes import Origin
from services.core.events import (
    ConsentGiven,
    CustodyStarted,
    InboundEvent,
    ReferralSubmitted,
    sensitive_fields,
)
from services.core.facts import CaseFact
from services.core.ids import stable_id
from services.core.policy import consent_for_contact
from services.core.receipts import ReceiptOutcome
from services.core.vocabulary import ReferralKind
from services.referral.change import Change, Effect
from services.referral.custody import open_case
from services.referral.gate import Rejection
from services.referral.reasons import Reason
from services.referral.state import (
    Awaiting,
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
    *,
    identity_temporary: bool = False,
) -> Outcome:
    """Decide one admitted, sanitised event for the person it names (`event.person_ref`).

    `identity_temporary`: the gate named the person by a temporary identity code.
    """
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
        run.open(event, sealed, origin, now, identity_temporary=identity_temporary)
        return run.outcome(accepted=True)
    if case is None:
        return run.outcome(held=run.hold(event, sealed, origin, now))
    if _awaits_consent(event, case):
        return run.outcome(held=run.hold(event, sealed, origin, now, Awaiting.CONSENT))
    accepted = run.apply_to_case(event, sealed, origin, was_held=False)
    if accepted and isinstance(event, ConsentGiven):
        run.release_consented(now)
    return run.outcome(accepted=accepted)


def _timeout(held: HeldEvent, settings: ReferralSettings) -> timedelta:
    return settings.consent_timeout if held.awaiting == Awaiting.CONSENT else settings.hold_timeout


def held_until(state: PersonState, settings: ReferralSettings) -> datetime | None:
    """When the first held event runs out of time (`expire_held` is due then), or None."""
    return min((h.held_at + _timeout(h, settings) for h in state.held), default=None)


def _awaits_consent(event: InboundEvent, case: CaseState) -> bool:
    """A contact with consent on an open case with no consent yet that carries it."""
    return (
        isinstance(event, ReferralSubmitted)
        and event.kind == ReferralKind.CONTACT_WITH_CONSENT
        and case.status != CaseStatus.CLOSED
        and consent_for_contact(case, local_date(event.occurred_at)) is None
    )


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


def _facts(case: CaseState, effects: list[Effect], event: InboundEvent) -> list[CaseFact]:
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
        for kind, detail in effects
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
        self.facts.extend(_facts(case, change.effects, event))

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

    def open(
        self,
        event: CustodyStarted,
        sealed: str | None,
        origin: Origin,
        now: datetime,
        *,
        identity_temporary: bool,
    ) -> None:
        """Open a new case (a released one it supersedes counts as ended), then release the
        events that were waiting for it, in arrival order."""
        previous = self.person.case
        if previous is not None and previous.case_id not in self.person.closed_case_ids:
            closed_ids = [*self.person.closed_case_ids, previous.case_id]
            self.person = self.person.model_copy(update={"closed_case_ids": closed_ids})
        opened = open_case(event, self.person.person_ref, sealed)
        if identity_temporary:
            case = opened.case.model_copy(update={"identity_temporary": True})
            opened = Change(case=case, effects=opened.effects)
        self.commit(event, opened)
        self.notify(event, origin, ReceiptOutcome.ACCEPTED)
        self.release(lambda held: held.awaiting == Awaiting.CASE, now)

    def release_consented(self, now: datetime) -> None:
        """Apply the contacts that waited for a consent which the case now has."""
        case = self.person.case
        assert case is not None
        self.release(
            lambda held: (
                held.awaiting == Awaiting.CONSENT and not _awaits_consent(held.restore(), case)
            ),
            now,
        )

    def release(self, ready: Callable[[HeldEvent], bool], now: datetime) -> None:
        """Apply the held events that are `ready`, in arrival order; a contact with consent
        that still lacks its consent moves on to wait for it."""
        waiting = [h for h in self.person.held if ready(h)]
        if not waiting:
            return
        kept = [h for h in self.person.held if not ready(h)]
        self.person = self.person.model_copy(update={"held": kept})
        for held in waiting:
            event = held.restore()
            case = self.person.case
            assert case is not None
            if _awaits_consent(event, case):
                self.person = self.person.model_copy(
                    update={"held": [*self.person.held, held.waiting_for_consent(now)]}
                )
                continue
            accepted = self.apply_to_case(event, held.sealed, held.origin, was_held=True)
            if accepted:
                self.released += 1
                if isinstance(event, ConsentGiven):
                    self.release_consented(now)

    def hold(
        self,
        event: InboundEvent,
        sealed: str | None,
        origin: Origin,
        now: datetime,
        awaiting: Awaiting = Awaiting.CASE,
    ) -> int:
        if len(self.person.held) >= self.settings.max_held:
            full = Rejection(
                reason_code=Reason.HOLD_FULL,
                detail="too many events are already waiting for this person's case",
            )
            self.reject(event, sealed, origin, full, was_held=False)
            return 0
        held = [*self.person.held, HeldEvent.of(event, sealed, origin, now, awaiting)]
        self.person = self.person.model_copy(update={"held": held})
        self.notify(event, origin, ReceiptOutcome.HELD)
        return 1

    def expire(self, now: datetime) -> None:
        expired = [h for h in self.person.held if now - h.held_at >= _timeout(h, self.settings)]
        if not expired:
            return
        waiting = [h for h in self.person.held if h not in expired]
        self.person = self.person.model_copy(update={"held": waiting})
        for held in expired:
            self.reject(
                held.restore(), held.sealed, held.origin, _EXPIRED[held.awaiting], was_held=True
            )


_EXPIRED = {
    Awaiting.CASE: Rejection(
        reason_code=Reason.HELD_TOO_LONG,
        detail="no case opened for the person within hold_timeout",
    ),
    Awaiting.CONSENT: Rejection(
        reason_code=Reason.CONSENT_MISSING,
        detail="a contact with consent (SHL 35 § 1 mom.) needs a consent in force that names "
        "the responsible county for release planning; none arrived within consent_timeout",
    ),
}
