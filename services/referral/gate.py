"""Stage 1: admit a raw inbound event, or say why not.

The gate runs on every message read from `inbound.<org>`. It checks who sent the event, that
the sender may send that type, who the event is about, and that its contents make sense. It
derives the pseudonymous `person_ref`; the identity code never appears in a rejection.
"""

import re
from datetime import date, datetime

from services.core import identity
from services.core.calendar import local_date
from services.core.events import ConsentGiven, InboundEvent, ReferralSubmitted
from services.core.frozen import Frozen
from services.core.organisations import OrgKind, Registry, controller_of
from services.core.vocabulary import ReferralKind
from services.referral.reasons import Reason
from services.referral.sanity import find_problem

PERSON_REF = re.compile(r"p-[0-9a-f]{40}")


class Admitted(Frozen):
    person_ref: str
    identity_temporary: bool = False
    """Named by a temporary identity code, hashed with its issuing controller."""


class Rejection(Frozen):
    """Why an event was not accepted. `detail` names fields and rules, never values."""

    reason_code: str
    detail: str


GateResult = Admitted | Rejection


def gate(
    event: InboundEvent,
    topic_org: str,
    registry: Registry,
    secret: bytes,
    now: datetime | None = None,
) -> GateResult:
    """Admit the event or say why not. `now` (else the event's own time) bounds birth dates."""
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
    if event.identity_code is not None and _is_operator(topic_org, registry):
        return Rejection(
            reason_code=Reason.IDENTITY_CODE_NOT_ALLOWED,
            detail="an operator names the person by person_ref only",
        )
    today = local_date(min(filter(None, (now, event.occurred_at))))
    subject = _subject(event, secret, controller_of(topic_org, registry), today)
    if isinstance(subject, Rejection):
        return subject
    problem = find_problem(event, topic_org, registry)
    if problem is not None:
        return Rejection(reason_code=Reason.INVALID_EVENT, detail=f"{event_type}: {problem}")
    return _lawful(event, topic_org, registry) or subject


def _lawful(event: InboundEvent, topic_org: str, registry: Registry) -> Rejection | None:
    """What the law asks of a referral or a consent before it may change anything."""
    if isinstance(event, ReferralSubmitted) and _ground_missing(event):
        return Rejection(
            reason_code=Reason.SHL35_GROUND_MISSING,
            detail="a notification without consent (SHL 35 § 2 mom.) needs ground and "
            "consent_not_obtained",
        )
    if isinstance(event, ConsentGiven) and not _may_record(event, topic_org, registry):
        return Rejection(
            reason_code=Reason.CONSENT_RECORDER_NOT_ALLOWED,
            detail="an NGO may record a consent only for itself as the recipient",
        )
    return None


def _is_operator(topic_org: str, registry: Registry) -> bool:
    sender = registry.get(topic_org)
    return sender is not None and sender.kind == OrgKind.OPERATOR


def _ground_missing(event: ReferralSubmitted) -> bool:
    return event.kind == ReferralKind.NOTIFICATION_WITHOUT_CONSENT and (
        event.ground is None or event.consent_not_obtained is None
    )


def _may_record(event: ConsentGiven, topic_org: str, registry: Registry) -> bool:
    """Consents are the controller's: a prison, office or county names the recipients; an NGO
    only itself."""
    sender = registry.get(topic_org)
    return sender is None or sender.kind != OrgKind.NGO or event.recipients == [topic_org]


def _subject(event: InboundEvent, secret: bytes, issuer: str, today: date) -> GateResult:
    """Exactly one of identity_code and person_ref names the person."""
    if event.identity_code is not None and event.person_ref is not None:
        return Rejection(
            reason_code=Reason.AMBIGUOUS_SUBJECT,
            detail="both identity_code and person_ref are given; exactly one is allowed",
        )
    if event.identity_code is not None:
        try:
            code = identity.validate(event.identity_code, today)
        except identity.IdentityCodeError as error:
            # The error message never repeats the code (services.core.identity promises it).
            return Rejection(reason_code=Reason(error.problem.value), detail=str(error))
        ref, temporary = identity.pseudonym(code, secret, issuer)
        return Admitted.build(person_ref=ref, identity_temporary=temporary)
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
