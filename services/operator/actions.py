"""What an operator may do from the view, decided purely: the events a confirmed form sends,
the check that a form came from the view itself (CSRF), and whether an escalation has a basis.

The operator is named by a pseudonymous reference derived from the session, never by a name.
An escalation goes through the one sharing decision (`services.core.policy.disclose`) before it
is sent: without a basis for the county, nothing is sent and the page says so.
"""

import hashlib
import hmac
from datetime import date, datetime
from enum import StrEnum

from services.core.case import CaseState
from services.core.escalation import escalation_draft
from services.core.events import AlertDismissed, AlertEscalated, ResponsibleCountyNamed
from services.core.organisations import OPERATORS, OrgKind, Registry
from services.core.policy import IssuedTask, SharingRules, disclose
from services.core.records import Alert, AlertRule
from services.core.vocabulary import DismissalReason

NOT_SENT_NO_BASIS = "not_sent_no_basis"
"""The page's word for an escalation the sharing decision did not allow."""


class Refusal(StrEnum):
    """Why the view does not send an action; each has a text on the page."""

    NO_BASIS = NOT_SENT_NO_BASIS
    NO_RESPONSIBLE_COUNTY = "no_responsible_organisation"
    NOT_OPEN = "alert_not_open"
    NOT_A_ROUTING_PROBLEM = "no_routing_problem"
    BAD_FORM = "bad_form"
    UNKNOWN_CASE = "unknown_case"
    SEND_FAILED = "send_failed"
    NAME_THE_COUNTY = "name_the_county"


def operator_ref(session: str) -> str:
    """The operator's pseudonymous reference: a digest of the session, never the token."""
    return "op-" + hashlib.sha256(f"operator-ref:{session}".encode()).hexdigest()[:12]


def csrf_token(secret: str, session: str) -> str:
    """The value a form of this session carries; a form without it is refused."""
    return hmac.new(secret.encode(), f"csrf:{session}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, session: str, offered: str) -> bool:
    return bool(offered) and hmac.compare_digest(offered, csrf_token(secret, session))


def action_event_id(kind: str, *parts: str) -> str:
    """A deterministic event id: the same confirmed action sent twice is deduplicated."""
    return f"op-{kind}-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def parse_reason(text: str) -> DismissalReason | None:
    return next((r for r in DismissalReason if r.value == text), None)


def parse_until(text: str, today: date) -> date | Refusal | None:
    """An optional until-date: empty, or an ISO date not before today."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return Refusal.BAD_FORM
    return day if day >= today else Refusal.BAD_FORM


def dismissal(  # noqa: PLR0917 -- one dismissal's parts
    alert: Alert, reason: DismissalReason, until: date | None, by: str, now: datetime, nonce: str
) -> AlertDismissed | Refusal:
    if alert.rule == AlertRule.ROUTING_PROBLEM:
        return Refusal.NAME_THE_COUNTY
    return AlertDismissed(
        event_id=action_event_id("dismiss", alert.alert_id, nonce),
        occurred_at=now,
        source_org=OPERATORS,
        person_ref=alert.person_ref,
        rule=alert.rule.value,
        reason=reason,
        dismissed_by=by,
        until=until,
    )


def escalation(  # noqa: PLR0917 -- one escalation's parts
    alert: Alert,
    case: CaseState | None,
    rules: SharingRules,
    by: str,
    now: datetime,
    nonce: str,
) -> tuple[AlertEscalated, IssuedTask] | Refusal:
    """The escalation and the task it would be, decided by the sharing decision; a refusal
    when nobody is responsible or no basis lets the county be told."""
    if alert.rule == AlertRule.ROUTING_PROBLEM:
        return Refusal.NAME_THE_COUNTY
    if case is None:
        return Refusal.UNKNOWN_CASE
    event = AlertEscalated(
        event_id=action_event_id("escalate", alert.alert_id, nonce),
        occurred_at=now,
        source_org=OPERATORS,
        person_ref=alert.person_ref,
        alert_id=alert.alert_id,
        rule=alert.rule.value,
        missed_deadline=alert.opened_at,
        escalated_by=by,
    )
    draft = escalation_draft(case, event.rule, alert.opened_at, event.event_id, now)
    if draft is None:
        return Refusal.NO_RESPONSIBLE_COUNTY
    issued = disclose(draft, case, rules, now)
    return Refusal.NO_BASIS if issued is None else (event, issued)


def county_named(  # noqa: PLR0917 -- one naming's parts
    case: CaseState | None, county: str, registry: Registry, by: str, now: datetime, nonce: str
) -> ResponsibleCountyNamed | Refusal:
    if case is None:
        return Refusal.UNKNOWN_CASE
    if case.routing_problem is None:
        return Refusal.NOT_A_ROUTING_PROBLEM
    org = registry.get(county)
    if org is None or org.kind != OrgKind.COUNTY:
        return Refusal.BAD_FORM
    return ResponsibleCountyNamed(
        event_id=action_event_id("county", case.case_id, county, nonce),
        occurred_at=now,
        source_org=OPERATORS,
        person_ref=case.person_ref,
        county=county,
        named_by=by,
    )
