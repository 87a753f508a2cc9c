"""The operators' principal and the audit topic in the derived ACLs and the topic catalogue."""

from services.core.organisations import default_registry
from services.platform.acls import Operation, Resource, allowed, derive_grants, principal
from services.platform.topics import TopicNames, catalogue

GRANTS = derive_grants(default_registry())
NAMES = TopicNames()


def test_operators_may_write_their_own_inbound_topic() -> None:
    """`org-operators` writes `inbound.operators`."""
    assert allowed(
        GRANTS, principal("org-operators"), Operation.WRITE, Resource.TOPIC, "inbound.operators"
    )


def test_operators_may_not_write_an_organisations_inbound_topic() -> None:
    """`org-operators` cannot write in a county's name."""
    assert not allowed(
        GRANTS, principal("org-operators"), Operation.WRITE, Resource.TOPIC, "inbound.county-13"
    )


def test_the_referral_service_writes_the_audit_of_actions() -> None:
    """`svc-referral` writes `audit.actions`."""
    assert allowed(
        GRANTS, principal("svc-referral"), Operation.WRITE, Resource.TOPIC, NAMES.audit_actions
    )


def test_the_operator_view_reads_the_audit_of_actions() -> None:
    """`svc-operator` reads `audit.actions` for the view's history."""
    assert allowed(
        GRANTS, principal("svc-operator"), Operation.READ, Resource.TOPIC, NAMES.audit_actions
    )


def test_the_operator_view_does_not_write_the_audit() -> None:
    """The audit comes from the service that accepted the action, not from the view."""
    assert not allowed(
        GRANTS, principal("svc-operator"), Operation.WRITE, Resource.TOPIC, NAMES.audit_actions
    )


def test_the_catalogue_has_the_operators_topics_and_the_audit_topic() -> None:
    """`inbound.operators`, `receipts.operators` and `audit.actions` are created."""
    names = {spec.name for spec in catalogue(default_registry())}
    assert {"inbound.operators", "receipts.operators", "audit.actions"} <= names
