"""Alerts about an organisation (a failing webhook): listed and counted, no county's figure."""

from datetime import date, timedelta

from services.core.records import Alert, AlertRule
from services.gateway.watch import WebhookWatch, observe
from services.operator.projection import UNROUTED, OperatorProjection
from tests.unit.operator.builders import COUNTY, alert, at, days

OPENED = at(date(2025, 3, 3), 12)
NOW = OPENED + days(1)


def webhook_alert(org: str = COUNTY) -> Alert:
    """The open `webhook_failing` alert as the gateway decides it."""
    watch, _ = observe(WebhookWatch(), False, OPENED, org=org, alert_after=timedelta(0))
    assert watch.alert is not None
    return watch.alert


def projection(*alerts: Alert) -> OperatorProjection:
    view = OperatorProjection()
    for record in alerts:
        assert view.apply(record)
    return view


def test_org_alert_is_listed_under_the_organisation_name_without_a_person() -> None:
    """The open list shows the alert with the organisation's name in the area column."""
    listed = projection(webhook_alert()).open_alerts(NOW).alerts
    assert [(a.rule, a.person_ref, a.area) for a in listed] == [
        (AlertRule.WEBHOOK_FAILING, "", None)
    ]
    assert listed[0].area_name == "Pohjois-Savon hyvinvointialue"


def test_org_alert_counts_by_rule_and_severity_but_in_no_county() -> None:
    """The summary counts it in the total and by rule; no county row, area count or
    rule-and-area count includes it."""
    summary = projection(webhook_alert(), alert("a-13", opened=OPENED)).summary(NOW)
    assert summary.open_alerts == 2
    assert {(r.rule, r.count) for r in summary.by_rule} == {
        (AlertRule.WEBHOOK_FAILING, 1),
        (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, 1),
    }
    assert [(a.area, a.count) for a in summary.by_area] == [(COUNTY, 1)]
    assert [(r.rule, r.area) for r in summary.by_rule_and_area] == [
        (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, COUNTY)
    ]
    assert [(c.area, c.open_alerts) for c in summary.counties] == [(COUNTY, 1)]


def test_org_alert_is_not_selected_by_a_county_or_the_unrouted_filter() -> None:
    """Filtering by county or by `unrouted` leaves the organisation's alert out."""
    view = projection(webhook_alert())
    assert view.open_alerts(NOW, area=COUNTY).total == 0
    assert view.open_alerts(NOW, area=UNROUTED).total == 0
    assert view.open_alerts(NOW, rule=AlertRule.WEBHOOK_FAILING).total == 1


def test_org_alert_is_on_no_person_timeline() -> None:
    """No case timeline shows the organisation's alert."""
    assert projection(webhook_alert()).timeline("", NOW) is None


def test_org_alert_is_on_the_worklist_with_nothing_to_do_to_it() -> None:
    """A failing webhook belongs to no case: it cannot be dismissed, escalated or routed."""
    [row] = projection(webhook_alert()).worklist(NOW).alerts
    assert (row.org, row.may_dismiss, row.may_escalate, row.may_route) == (
        COUNTY,
        False,
        False,
        False,
    )
