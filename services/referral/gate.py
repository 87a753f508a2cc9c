"""Stage 1: admit a raw inbound event, or say why not.

The gate runs on every message read from `inbound.<org>`. It checks who sent the event, that
the sender may send that type, who the event is about, and that its contents make sense. It
derives the pseudonymous `person_ref`; the identity code never appears in a rejection.
"""

import re

from services.core import identity
from services.core.events import InboundEvent
from services.core.frozen import Frozen
from services.core.organisations import Registry
from services.referral.reasons import Reason
from services.referral.sanity import find_problem

PERSON_REF = re.compile(r"p-[0-9a-f]{40}")


class Admitted(Frozen):
    person_ref: str


class Rejection(Frozen):
    """Why an event was not accepted. `detail` names fields and rules, never values."""

    reason_code: str
    detail: str


GateResult = Admitted | Rejection


def gate(event: InboundEvent, topic_org: str, registry: Registry, secret: bytes) -> GateResult:
    event_type = type(event).__name__
    if event.source_org != topic_org:
        return Rejection(
            reason_code=Reason.UNAUTHORISED_SOURCE,
            detail=f"source_org differs from the organisation of topic inbound.{topic_org}",
        )
    if registry.get(topic_org) is None:
        return Rejection(
            reason_code=Reason.UNKNOWN_ORGANISATION,
            detail="the sending organisation is not in the registry",
        )
    if not registry.may_send(topic_org, event_type):
        return Rejection(
            reason_code=Reason.UNAUTHORISED_EVENT_TYPE,
            detail=f"{topic_org} may not send {event_type}",
        )
    subject = _subject(event, secret)
    if isinstance(subject, Rejection):
        return subject
    problem = find_problem(event, topic_org, registry)
    if problem is not None:
        return Rejection(reason_code=Reason.INVALID_EVENT, detail=f"{event_type}: {problem}")
    return subject


def _subject(event: InboundEvent, secret: bytes) -> GateResult:
    """Exactly one of identity_code and person_ref names the person."""
    if event.identity_code is not None and event.person_ref is not None:
        return Rejection(
            reason_code=Reason.AMBIGUOUS_SUBJECT,
            detail="both identity_code and person_ref are given; exactly one is allowed",
        )
    if event.identity_code is not None:
        try:
            return Admitted.build(person_ref=identity.person_ref(event.identity_code, secret))
        except identity.IdentityCodeError as error:
            # The error message never repeats the code (services.core.identity promises it).
            return Rejection(reason_code=Reason.INVALID_IDENTITY_CODE, detail=str(error))
    if event.person_ref is not None:
        if PERSON_REF.fullmatch(event.person_ref) is None:
            return Rejection(
                reason_code=Reason.INVALID_PERSON_REF,
                detail="person_ref must be 'p-' followed by 40 lower-case hex digits",
            )
        return Admitted.build(person_ref=event.person_ref)
    return Rejection(
        reason_code=Reason.MISSING_SUBJECT,
        detail="neither identity_code nor person_ref is given",
    )
