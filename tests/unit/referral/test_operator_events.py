"""Operators as a sender: the gate accepts only their own events from them, escalations and
counties named change the case and emit their facts, and each action has its audit record."""

from typing import Any

from services.core.events import (
    AlertDismissed,
    AlertEscalated,
    CustodyStarted,
    InboundEvent,
    ResponsibleCountyNamed,
)
from services.core.facts import FactKind
from services.core.organisations import OPERATORS, default_registry
from services.core.records import ActionKind
from services.core.vocabulary import DismissalReason
from services.referral.audit import audit_record
from services.referral.decide import Admitted, Rejection, gate
from services.referral.reasons import Reason
from tests.unit.referral import builders as b

REGISTRY = default_registry()
OPERATOR = "op-1a2b3c4d5e6f"


def escalated(days: int = 40, **o: Any) -> AlertEscalated:
    fields: dict[str, Any] = {
        "event_id": f"op-escalate-{days}",
        "occurred_at": b.T0 + days * b.DAY,
        "source_org": OPERATORS,
        "person_ref": b.PERSON,
        "alert_id": "alert-1",
        "rule": "referral_not_acknowledged",
        "missed_deadline": b.T0 + (days - 3) * b.DAY,
        "escalated_by": OPERATOR,
    }
    return AlertEscalated.model_validate(fields | o)


def county_named(days: int = 40, **o: Any) -> ResponsibleCountyNamed:
    fields: dict[str, Any] = {
        "event_id": f"op-county-{days}",
        "occurred_at": b.T0 + days * b.DAY,
        "source_org": OPERATORS,
        "person_ref": b.PERSON,
        "county": "county-02",
        "named_by": OPERATOR,
    }
    return ResponsibleCountyNamed.model_validate(fields | o)


def dismissed_by_operator(days: int = 40) -> AlertDismissed:
    return AlertDismissed(
        event_id=f"op-dismiss-{days}",
        occurred_at=b.T0 + days * b.DAY,
        source_org=OPERATORS,
        person_ref=b.PERSON,
        rule="no_named_worker_at_release",
        reason=DismissalReason.NAMED_WORKER_NOT_NEEDED,
        dismissed_by=OPERATOR,
    )


def admit(event: InboundEvent, topic_org: str) -> Admitted | Rejection:
    return gate(event, topic_org, REGISTRY, b.SECRET)


def reason(result: Admitted | Rejection) -> str:
    assert isinstance(result, Rejection), result
    return result.reason_code


def test_gate_admits_an_escalation_from_the_operators() -> None:
    """`AlertEscalated` on `inbound.operators` is admitted under the person_ref it names."""
    assert admit(escalated(), OPERATORS) == Admitted(person_ref=b.PERSON)


def test_gate_admits_a_dismissal_from_the_operators() -> None:
    """Operators may close an alert with a reason like the responsible organisation."""
    assert admit(dismissed_by_operator(), OPERATORS) == Admitted(person_ref=b.PERSON)


def test_gate_refuses_an_escalation_from_a_county() -> None:
    """Only operators send `AlertEscalated`."""
    event = escalated().model_copy(update={"source_org": b.COUNTY})
    assert reason(admit(event, b.COUNTY)) == Reason.UNAUTHORISED_EVENT_TYPE


def test_gate_refuses_a_county_named_by_a_prison() -> None:
    """Only operators send `ResponsibleCountyNamed`."""
    event = county_named().model_copy(update={"source_org": b.PRISON})
    assert reason(admit(event, b.PRISON)) == Reason.UNAUTHORISED_EVENT_TYPE


def test_gate_refuses_a_path_event_from_the_operators() -> None:
    """Operators may not send the path's own events, such as `CustodyStarted`."""
    event: CustodyStarted = b.custody().model_copy(update={"source_org": OPERATORS})
    assert reason(admit(event, OPERATORS)) == Reason.UNAUTHORISED_EVENT_TYPE


def test_gate_refuses_an_operator_event_named_by_identity_code() -> None:
    """An operator names the person by person_ref only."""
    event = escalated().model_copy(update={"person_ref": None, "identity_code": b.CODE})
    assert reason(admit(event, OPERATORS)) == Reason.IDENTITY_CODE_NOT_ALLOWED


def test_gate_refuses_a_county_that_is_not_a_county() -> None:
    """`county` must name a wellbeing services county of the registry."""
    assert reason(admit(county_named(county=b.PRISON), OPERATORS)) == Reason.INVALID_EVENT


def test_gate_refuses_escalating_a_routing_problem() -> None:
    """A routing problem is resolved by naming the county, not by escalation."""
    assert reason(admit(escalated(rule="routing_problem"), OPERATORS)) == Reason.INVALID_EVENT


def test_gate_refuses_an_escalation_of_a_deadline_not_yet_missed() -> None:
    """`missed_deadline` after the escalation itself makes no sense."""
    event = escalated(missed_deadline=b.T0 + 50 * b.DAY)
    assert reason(admit(event, OPERATORS)) == Reason.INVALID_EVENT


def test_escalation_emits_a_fact_with_the_rule_and_the_deadline() -> None:
    """The fact carries the rule, the alert and the deadline missed for handover."""
    outcome = b.run([b.custody(), escalated()]).last
    assert [f.kind for f in outcome.facts] == [FactKind.ALERT_ESCALATED]
    detail = outcome.facts[0].detail
    assert (detail.rule, detail.alert_id, detail.missed_deadline) == (
        "referral_not_acknowledged",
        "alert-1",
        b.T0 + 37 * b.DAY,
    )


def test_escalation_without_a_responsible_county_is_refused() -> None:
    """An Åland case has nobody to escalate to until a county is named."""
    run = b.run([b.custody(home_municipality=b.MARIEHAMN), escalated()])
    assert [r.reason_code for r in run.rejections] == [Reason.NO_RESPONSIBLE_ORGANISATION]


def test_naming_a_county_routes_an_unroutable_case() -> None:
    """The named county becomes responsible and the routing problem is gone."""
    outcome = b.run([b.custody(home_municipality=b.MARIEHAMN), county_named()]).last
    case = outcome.facts[-1].case
    assert (case.responsible_area, case.routing_problem) == ("county-02", None)


def test_naming_a_county_emits_the_area_change_that_hands_the_case_over() -> None:
    """The naming and the change of responsible area are both facts, in that order."""
    outcome = b.run([b.custody(home_municipality=b.MARIEHAMN), county_named()]).last
    assert [f.kind for f in outcome.facts] == [
        FactKind.RESPONSIBLE_COUNTY_NAMED,
        FactKind.RESPONSIBLE_AREA_CHANGED,
    ]


def test_naming_a_county_for_a_routed_case_is_refused() -> None:
    """A case its municipality routes takes no named county."""
    run = b.run([b.custody(), county_named()])
    assert [r.reason_code for r in run.rejections] == [Reason.NO_ROUTING_PROBLEM]


def test_a_destination_that_routes_wins_over_the_named_county() -> None:
    """Released to Oulu after a county was named for Åland: Oulu's county is responsible."""
    run = b.run([b.custody(home_municipality=b.MARIEHAMN), county_named()])
    outcome = run.deliver(b.released(destination_municipality=b.OULU))
    assert outcome.facts[-1].case.responsible_area == "county-19"  # Oulu: area 19


def test_a_dismissal_fact_has_an_audit_record_with_its_reason() -> None:
    """Who dismissed which rule for which reason is on the audit record."""
    fact = b.run([b.custody(), dismissed_by_operator()]).last.facts[0]
    record = audit_record(fact)
    assert record is not None
    assert (record.action, record.by_org, record.by_ref, record.rule, record.reason) == (
        ActionKind.DISMISSED,
        OPERATORS,
        OPERATOR,
        "no_named_worker_at_release",
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
    )


def test_an_escalation_fact_has_an_audit_record_with_the_county() -> None:
    """The escalation's audit record names the responsible county and the deadline."""
    fact = b.run([b.custody(), escalated()]).last.facts[0]
    record = audit_record(fact)
    assert record is not None
    assert (record.action, record.county, record.missed_deadline) == (
        ActionKind.ESCALATED,
        "county-13",
        b.T0 + 37 * b.DAY,
    )


def test_a_county_named_fact_has_an_audit_record() -> None:
    """Naming the county is audited with the county named and the operator."""
    facts = b.run([b.custody(home_municipality=b.MARIEHAMN), county_named()]).last.facts
    records = [r for r in map(audit_record, facts) if r is not None]
    assert [(r.action, r.county, r.by_ref) for r in records] == [
        (ActionKind.COUNTY_NAMED, "county-02", OPERATOR)
    ]


def test_other_facts_have_no_audit_record() -> None:
    """A path event (custody started) is not an action on an alert."""
    assert audit_record(b.run([b.custody()]).last.facts[0]) is None


def test_a_dismissal_from_the_operators_keeps_the_cause() -> None:
    """An operator's dismissal is recorded with the cause as it stands, like any other."""
    run = b.run([b.custody(), b.release_date(), dismissed_by_operator()])
    dismissal = run.last.facts[0].case.dismissals[-1]
    assert (dismissal.by_org, dismissal.cause) == (OPERATORS, "2025-08-01:in_custody")
