"""The webhook alert decision: opens once past the threshold, resolves on the next delivery."""

from datetime import UTC, datetime, timedelta

from services.core.records import Alert, AlertRule, AlertState, Severity, is_about_org
from services.gateway.watch import WebhookWatch, observe, webhook_alert_id

ORG = "county-13"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AFTER = timedelta(seconds=300)


def _fail(watch: WebhookWatch, seconds: float) -> tuple[WebhookWatch, Alert | None]:
    return observe(watch, False, T0 + timedelta(seconds=seconds), org=ORG, alert_after=AFTER)


def test_failures_shorter_than_the_threshold_open_nothing() -> None:
    """Failing for less than `alert_after` remembers when the failure began, no alert."""
    watch, alert = _fail(WebhookWatch(), 0)
    watch, alert = _fail(watch, 299)
    assert alert is None
    assert watch == WebhookWatch(failing_since=T0)


def test_failing_for_the_threshold_opens_an_organisation_alert() -> None:
    """The first failure at `alert_after` after the first one opens `webhook_failing` about the
    organisation: no person, no case, no county."""
    watch, _ = _fail(WebhookWatch(), 0)
    watch, alert = observe(watch, False, T0 + AFTER, org=ORG, alert_after=AFTER)
    assert alert is not None
    assert alert.rule == AlertRule.WEBHOOK_FAILING
    assert alert.state == AlertState.OPEN
    assert alert.alert_id == webhook_alert_id(ORG, T0)
    assert (alert.subject, alert.person_ref, alert.case_id, alert.area) == (ORG, "", "", None)
    assert alert.severity == Severity.WARNING
    assert alert.opened_at == T0 + AFTER
    assert is_about_org(alert)
    assert watch.alert == alert


def test_further_failures_do_not_open_the_alert_again() -> None:
    """Once open, more failures publish nothing."""
    watch, _ = _fail(WebhookWatch(), 0)
    watch, _ = _fail(watch, 300)
    later, alert = _fail(watch, 900)
    assert alert is None
    assert later == watch


def test_a_delivery_resolves_the_open_alert_with_its_id() -> None:
    """A successful delivery resolves the open alert (same id, `resolved_at` now) and forgets
    the failure."""
    watch, _ = _fail(WebhookWatch(), 0)
    watch, opened = _fail(watch, 300)
    recovered = T0 + timedelta(seconds=400)
    watch, resolved = observe(watch, True, recovered, org=ORG, alert_after=AFTER)
    assert opened is not None
    assert resolved is not None
    assert resolved.alert_id == opened.alert_id
    assert resolved.state == AlertState.RESOLVED
    assert resolved.resolved_at == recovered
    assert watch == WebhookWatch()


def test_a_delivery_after_a_short_failure_publishes_nothing() -> None:
    """Recovering before the threshold forgets the failure without any alert."""
    watch, _ = _fail(WebhookWatch(), 0)
    watch, alert = observe(watch, True, T0 + timedelta(seconds=10), org=ORG, alert_after=AFTER)
    assert alert is None
    assert watch == WebhookWatch()


def test_a_new_failure_after_recovery_opens_a_new_alert() -> None:
    """Each failure long enough to alert has its own alert id."""
    watch, _ = _fail(WebhookWatch(), 0)
    watch, first = _fail(watch, 300)
    watch, _ = observe(watch, True, T0 + timedelta(seconds=301), org=ORG, alert_after=AFTER)
    watch, _ = _fail(watch, 1000)
    watch, second = _fail(watch, 1300)
    assert first is not None
    assert second is not None
    assert second.alert_id == webhook_alert_id(ORG, T0 + timedelta(seconds=1000))
    assert second.alert_id != first.alert_id
