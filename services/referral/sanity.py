"""Event-specific sanity checks run by the gate.

Each check returns None when the event makes sense, or a short description of the problem that
names the field and the rule but never the value: values may carry personal data.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from services.core.events import (
    AlertDismissed,
    AlertEscalated,
    ClientDeclined,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CooperationRequested,
    CustodyStarted,
    InboundEvent,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    PrisonTransferred,
    ProbationaryFreedomRevoked,
    ReferralAcknowledged,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
    ReleasePlanAgreed,
    ReleasePlanUpdated,
    ResponsibleCountyNamed,
    SupervisionOrdered,
    TaskStatusChanged,
)
from services.core.organisations import OrgKind, Registry
from services.core.records import ORG_RULES, AlertRule
from services.core.vocabulary import Declined

ALERT_RULES = frozenset(rule.value for rule in AlertRule if rule not in ORG_RULES)
"""The rules a dismissal of a person's alert may name."""

PLAUSIBLE_SPAN = timedelta(days=30 * 365)
"""A date further than this from the moment the event occurred is a typing error."""

Check = Callable[[Any, str, Registry], str | None]


def find_problem(event: InboundEvent, topic_org: str, registry: Registry) -> str | None:
    check = _CHECKS.get(type(event))
    return None if check is None else check(event, topic_org, registry)


def _first(*problems: str | None) -> str | None:
    return next((problem for problem in problems if problem is not None), None)


def _municipality(field: str, code: str | None) -> str | None:
    if code is None or (len(code) == 3 and code.isascii() and code.isdigit()):
        return None
    return f"{field} must be a three-digit municipality code"


def _plausible(field: str, value: date | None, event: InboundEvent) -> str | None:
    if value is None or abs(value - event.occurred_at.date()) <= PLAUSIBLE_SPAN:
        return None
    return f"{field} is more than 30 years from occurred_at"


def _not_blank(field: str, value: str | None) -> str | None:
    if value is None or value.strip():
        return None
    return f"{field} must not be blank"


def _known(field: str, codes: Iterable[str], registry: Registry) -> str | None:
    if all(registry.get(code) is not None for code in codes):
        return None
    return f"{field} names an organisation that is not in the registry"


def _is_prison(code: str, registry: Registry) -> bool:
    org = registry.get(code)
    return org is not None and org.kind == OrgKind.PRISON


def _custody_started(event: CustodyStarted, topic_org: str, registry: Registry) -> str | None:
    ends_before_start = (
        event.expected_release is not None and event.expected_release < event.sentence_start
    )
    return _first(
        None if event.prison == topic_org else "prison must be the sending prison",
        _municipality("home_municipality", event.home_municipality),
        _plausible("sentence_start", event.sentence_start, event),
        _plausible("expected_release", event.expected_release, event),
        "expected_release is before sentence_start" if ends_before_start else None,
    )


def _release_date_set(event: ReleaseDateSet, topic_org: str, registry: Registry) -> str | None:
    return _plausible("release_date", event.release_date, event)


def _prison_transferred(event: PrisonTransferred, topic_org: str, registry: Registry) -> str | None:
    prisons = (event.from_prison, event.to_prison)
    return _first(
        "from_prison and to_prison are the same" if event.from_prison == event.to_prison else None,
        None if all(_is_prison(p, registry) for p in prisons) else "both ends must be prisons",
        None if topic_org in prisons else "the sender must be one of the two prisons",
        _plausible("transferred_on", event.transferred_on, event),
    )


def _released(event: Released, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _municipality("destination_municipality", event.destination_municipality),
        _plausible("released_at", event.released_at.date(), event),
    )


def _contact_assigned(
    event: ContactPersonAssigned, topic_org: str, registry: Registry
) -> str | None:
    return _first(_known("org", [event.org], registry), _not_blank("worker_ref", event.worker_ref))


def _contact_ended(event: ContactPersonEnded, topic_org: str, registry: Registry) -> str | None:
    same = event.successor_worker_ref == event.worker_ref
    return _first(
        _known("org", [event.org], registry),
        _not_blank("worker_ref", event.worker_ref),
        _not_blank("successor_worker_ref", event.successor_worker_ref),
        "successor_worker_ref is the worker who left" if same else None,
    )


def _consent_given(event: ConsentGiven, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _not_blank("consent_id", event.consent_id),
        _not_blank("purpose", event.purpose),
        "valid_from is after valid_until" if event.valid_from > event.valid_until else None,
        _plausible("valid_until", event.valid_until, event),
        None if event.categories else "categories must not be empty",
        None if event.recipients else "recipients must not be empty",
        _known("recipients", event.recipients, registry),
    )


def _plan_agreed(event: ClientPlanAgreed, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _not_blank("plan_id", event.plan_id),
        _plausible("review_date", event.review_date, event),
        _known("network", event.network, registry),
    )


def _plan_reviewed(event: ClientPlanReviewed, topic_org: str, registry: Registry) -> str | None:
    return _plausible("next_review_date", event.next_review_date, event)


def _of_kind(field: str, code: str, kind: OrgKind, registry: Registry) -> str | None:
    org = registry.get(code)
    return None if org is not None and org.kind == kind else f"{field} must be a {kind.value}"


def _release_plan(event: ReleasePlanAgreed, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _not_blank("plan_id", event.plan_id),
        _plausible("review_date", event.review_date, event),
        _known("services", [s.org for s in event.services], registry),
        _known("responsible_orgs", event.responsible_orgs, registry),
    )


def _cooperation(event: CooperationRequested, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _not_blank("request_id", event.request_id),
        _known("invited_org", [event.invited_org], registry),
        "invited_org is the requesting county" if event.invited_org == topic_org else None,
        _plausible("respond_by", event.respond_by, event),
    )


def _meeting(
    event: NetworkMeetingScheduled | NetworkMeetingHeld, topic_org: str, registry: Registry
) -> str | None:
    day = event.meeting_on if isinstance(event, NetworkMeetingScheduled) else event.held_on
    return _first(
        _not_blank("meeting_id", event.meeting_id),
        _plausible("meeting date", day, event),
        _known("participants", [p.org for p in event.participants], registry),
    )


def _revoked(event: ProbationaryFreedomRevoked, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _plausible("revoked_on", event.revoked_on, event),
        None
        if event.prison is None or _is_prison(event.prison, registry)
        else "prison must be a prison",
    )


def _supervision(event: SupervisionOrdered, topic_org: str, registry: Registry) -> str | None:
    ends_before = event.supervision_end < event.supervision_start
    return _first(
        _of_kind(
            "supervising_office",
            event.supervising_office,
            OrgKind.COMMUNITY_SANCTIONS_OFFICE,
            registry,
        ),
        _plausible("supervision_start", event.supervision_start, event),
        _plausible("supervision_end", event.supervision_end, event),
        "supervision_end is before supervision_start" if ends_before else None,
    )


def _declined(event: ClientDeclined, topic_org: str, registry: Registry) -> str | None:
    if event.declined == Declined.SERVICE and event.need is None:
        return "need must name the service refused"
    if event.declined == Declined.CONTACT and event.need is not None:
        return "need must be empty when contact is refused"
    return None


def _dismissed(event: AlertDismissed, topic_org: str, registry: Registry) -> str | None:
    return _first(
        None if event.rule in ALERT_RULES else "rule must name an alert rule",
        _not_blank("dismissed_by", event.dismissed_by),
        _plausible("until", event.until, event),
    )


def _escalated(event: AlertEscalated, topic_org: str, registry: Registry) -> str | None:
    return _first(
        None if event.rule in ALERT_RULES else "rule must name an alert rule",
        "a routing problem is resolved by naming the county, not escalated"
        if event.rule == AlertRule.ROUTING_PROBLEM
        else None,
        _not_blank("alert_id", event.alert_id),
        _not_blank("escalated_by", event.escalated_by),
        "missed_deadline is after occurred_at"
        if event.missed_deadline > event.occurred_at
        else None,
    )


def _county_named(event: ResponsibleCountyNamed, topic_org: str, registry: Registry) -> str | None:
    return _first(
        _of_kind("county", event.county, OrgKind.COUNTY, registry),
        _not_blank("named_by", event.named_by),
    )


_CHECKS: dict[type[InboundEvent], Check] = {
    CustodyStarted: _custody_started,
    ReleaseDateSet: _release_date_set,
    PrisonTransferred: _prison_transferred,
    Released: _released,
    ContactPersonAssigned: _contact_assigned,
    ContactPersonEnded: _contact_ended,
    ReferralSubmitted: lambda e, _t, _r: _not_blank("referral_id", e.referral_id),
    ReferralAcknowledged: lambda e, _t, _r: _not_blank("referral_id", e.referral_id),
    ConsentGiven: _consent_given,
    ConsentWithdrawn: lambda e, _t, _r: _not_blank("consent_id", e.consent_id),
    ClientPlanAgreed: _plan_agreed,
    ClientPlanReviewed: _plan_reviewed,
    TaskStatusChanged: lambda e, _t, _r: _not_blank("task_id", e.task_id),
    ReleasePlanAgreed: _release_plan,
    ReleasePlanUpdated: _release_plan,
    CooperationRequested: _cooperation,
    NetworkMeetingScheduled: _meeting,
    NetworkMeetingHeld: _meeting,
    ProbationaryFreedomRevoked: _revoked,
    SupervisionOrdered: _supervision,
    ClientDeclined: _declined,
    AlertDismissed: _dismissed,
    AlertEscalated: _escalated,
    ResponsibleCountyNamed: _county_named,
}
