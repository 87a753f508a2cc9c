"""What the view sends for a confirmed form, and what it refuses to send and why."""

from datetime import date, timedelta

from services.core.case import CaseState
from services.core.events import AlertDismissed, ResponsibleCountyNamed
from services.core.organisations import OPERATORS, default_registry
from services.core.records import Alert, AlertRule
from services.core.tasks import TaskKind
from services.core.vocabulary import Category, DismissalReason
from services.operator import actions
from services.operator.actions import Refusal
from tests.unit.handover.builders import consented_case
from tests.unit.operator.builders import alert
from tests.unit.policy.builders import COUNTY, NOW, case, referral, rules

SESSION = "session-digest"
OPENED = NOW - timedelta(days=5)
REGISTRY = default_registry()


def open_alert(rule: AlertRule = AlertRule.REFERRAL_NOT_ACKNOWLEDGED) -> Alert:
    return alert("a-1", rule=rule, opened=OPENED, person_ref="person-1")


def test_csrf_token_of_the_session_is_valid() -> None:
    """The token a form of this session carries is accepted."""
    token = actions.csrf_token("operator-token", SESSION)
    assert actions.csrf_valid("operator-token", SESSION, token)


def test_csrf_token_of_another_session_is_refused() -> None:
    """A token made for another session does not pass."""
    token = actions.csrf_token("operator-token", "other-session")
    assert not actions.csrf_valid("operator-token", SESSION, token)


def test_missing_csrf_token_is_refused() -> None:
    """A form without a token does not pass."""
    assert not actions.csrf_valid("operator-token", SESSION, "")


def test_operator_reference_does_not_contain_the_session() -> None:
    """The operator is named by a digest, never by the session value itself."""
    ref = actions.operator_ref(SESSION)
    assert ref.startswith("op-")
    assert SESSION not in ref


def test_until_in_the_past_is_refused() -> None:
    """A dismissal cannot end before today."""
    assert actions.parse_until("2026-03-01", date(2026, 3, 2)) == Refusal.BAD_FORM


def test_empty_until_means_no_end_date() -> None:
    """Without an until-date the dismissal holds until its cause changes."""
    assert actions.parse_until("", date(2026, 3, 2)) is None


def test_unknown_dismissal_reason_is_not_parsed() -> None:
    """Only the four dismissal reasons are accepted."""
    assert actions.parse_reason("because") is None


def test_dismissal_names_the_operators_as_sender_and_the_alert_rule() -> None:
    """The event comes from `operators`, names the rule, the reason and the operator."""
    event = actions.dismissal(
        open_alert(AlertRule.NO_NAMED_WORKER_AT_RELEASE),
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
        None,
        "op-1",
        NOW,
        "nonce-1",
    )
    assert isinstance(event, AlertDismissed)
    assert (event.source_org, event.rule, event.reason, event.dismissed_by) == (
        OPERATORS,
        "no_named_worker_at_release",
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
        "op-1",
    )


def test_the_same_confirmation_gives_the_same_event_id() -> None:
    """Confirming one form twice sends the same event, which the service deduplicates."""
    first = actions.dismissal(open_alert(), DismissalReason.NO_EVIDENT_NEED, None, "op", NOW, "n")
    again = actions.dismissal(open_alert(), DismissalReason.NO_EVIDENT_NEED, None, "op", NOW, "n")
    assert isinstance(first, AlertDismissed)
    assert isinstance(again, AlertDismissed)
    assert first.event_id == again.event_id


def test_a_routing_problem_is_not_dismissed() -> None:
    """A case without a county needs a county, not a dismissal."""
    refused = actions.dismissal(
        open_alert(AlertRule.ROUTING_PROBLEM), DismissalReason.NO_EVIDENT_NEED, None, "op", NOW, "n"
    )
    assert refused == Refusal.NAME_THE_COUNTY


def test_a_routing_problem_is_not_escalated() -> None:
    """A case without a county needs a county, not an escalation."""
    refused = actions.escalation(
        open_alert(AlertRule.ROUTING_PROBLEM), consented_case(), rules(), "op", NOW, "n"
    )
    assert refused == Refusal.NAME_THE_COUNTY


def test_escalation_with_consent_is_decided_with_its_task() -> None:
    """With a consent for the county, the escalation and its path_escalation task come out."""
    decided = actions.escalation(open_alert(), consented_case(), rules(), "op", NOW, "n")
    assert not isinstance(decided, Refusal)
    event, issued = decided
    assert (event.rule, event.missed_deadline) == ("referral_not_acknowledged", OPENED)
    assert (issued.task.kind, issued.task.recipient_org) == (TaskKind.PATH_ESCALATION, COUNTY)
    assert Category.SERVICE_STATUS in issued.disclosure.categories


def test_escalation_without_a_basis_is_refused_with_no_basis() -> None:
    """On a notification alone the county may not be told: the view says so, sends nothing."""
    refused = actions.escalation(
        open_alert(), case(referrals=[referral()]), rules(), "op", NOW, "n"
    )
    assert refused == Refusal.NO_BASIS


def test_escalation_without_a_county_is_refused() -> None:
    """Nobody responsible: name the county first."""
    refused = actions.escalation(
        open_alert(), consented_case(responsible_area=None), rules(), "op", NOW, "n"
    )
    assert refused == Refusal.NO_RESPONSIBLE_COUNTY


def test_county_named_for_an_unroutable_case() -> None:
    """An Åland case gets the county the operator chose, from the operators."""
    unroutable: CaseState = case(responsible_area=None, routing_problem="aland")
    event = actions.county_named(unroutable, "county-02", REGISTRY, "op", NOW, "n")
    assert isinstance(event, ResponsibleCountyNamed)
    assert (event.source_org, event.county, event.person_ref) == (
        OPERATORS,
        "county-02",
        "person-1",
    )


def test_county_named_for_a_routed_case_is_refused() -> None:
    """A routed case takes no named county."""
    assert actions.county_named(case(), "county-02", REGISTRY, "op", NOW, "n") == (
        Refusal.NOT_A_ROUTING_PROBLEM
    )


def test_county_named_must_be_a_county() -> None:
    """A prison is not a county."""
    unroutable = case(responsible_area=None, routing_problem="aland")
    assert actions.county_named(unroutable, "prison-kuopion", REGISTRY, "op", NOW, "n") == (
        Refusal.BAD_FORM
    )
