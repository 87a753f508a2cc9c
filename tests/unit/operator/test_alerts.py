"""Open alerts: latest state per alert id, age at `now`, filters, order and counts."""

from datetime import date

import pytest

from services.core.records import AlertRule, Severity
from services.operator.figures import NO_AREA_NAME
from services.operator.projection import UNROUTED, OperatorProjection, area_filter
from tests.unit.operator.builders import COUNTY, OTHER_COUNTY, alert, at, days

MONDAY = date(2025, 3, 3)
OPENED = at(MONDAY, 12)


def projection(*alerts: object) -> OperatorProjection:
    view = OperatorProjection()
    for record in alerts:
        assert view.apply(record)  # type: ignore[arg-type]
    return view


def test_open_alert_is_listed_with_its_age_at_now() -> None:
    """An open alert appears with its age counted from opening to the `now` passed in."""
    view = projection(alert(opened=OPENED))
    listed = view.open_alerts(OPENED + days(2) + days(3.5 / 24))
    assert [a.alert_id for a in listed.alerts] == ["alert-1"]
    assert listed.alerts[0].age_seconds == 2 * 86_400 + 3 * 3_600 + 1_800


def test_age_is_never_negative() -> None:
    """An alert opened after `now` (a lagging clock) has age zero, not a negative age."""
    view = projection(alert(opened=OPENED))
    assert view.open_alerts(OPENED - days(1)).alerts[0].age_seconds == 0


def test_alert_leaves_the_open_list_when_it_resolves() -> None:
    """The resolved record of an alert replaces its open record."""
    view = projection(alert(opened=OPENED), alert(opened=OPENED, resolved=OPENED + days(1)))
    assert view.open_alerts(OPENED + days(2)).total == 0
    assert view.summary(OPENED + days(2)).open_alerts == 0


def test_redelivered_open_record_does_not_reopen_a_resolved_alert() -> None:
    """An alert resolves once: a repeat of its open record after the resolution changes nothing."""
    view = projection(
        alert(opened=OPENED), alert(opened=OPENED, resolved=OPENED + days(1)), alert(opened=OPENED)
    )
    assert view.open_alerts(OPENED + days(2)).total == 0


def test_filters_select_by_county_rule_and_unrouted() -> None:
    """`area` and `rule` narrow the list; `unrouted` selects alerts without a county."""
    view = projection(
        alert("a-13", opened=OPENED),
        alert("a-04", opened=OPENED, area=OTHER_COUNTY, rule=AlertRule.CONTACT_LOST),
        alert("a-none", opened=OPENED, area=None, rule=AlertRule.ROUTING_PROBLEM),
    )
    now = OPENED + days(1)
    assert [a.alert_id for a in view.open_alerts(now, area=COUNTY).alerts] == ["a-13"]
    assert [a.alert_id for a in view.open_alerts(now, rule=AlertRule.CONTACT_LOST).alerts] == [
        "a-04"
    ]
    assert [a.alert_id for a in view.open_alerts(now, area=UNROUTED).alerts] == ["a-none"]
    assert view.open_alerts(now, area=COUNTY, rule=AlertRule.CONTACT_LOST).total == 0


def test_most_severe_first_then_oldest_first() -> None:
    """The list starts with critical alerts, and within a severity with the oldest."""
    view = projection(
        alert("warning-old", opened=OPENED),
        alert("critical-new", opened=OPENED + days(2), severity=Severity.CRITICAL),
        alert("critical-old", opened=OPENED + days(1), severity=Severity.CRITICAL),
    )
    order = [a.alert_id for a in view.open_alerts(OPENED + days(3)).alerts]
    assert order == ["critical-old", "critical-new", "warning-old"]


def test_county_names_come_from_the_registry() -> None:
    """Each alert names its county as the registry does; an unrouted alert says so."""
    view = projection(alert("a", opened=OPENED), alert("b", opened=OPENED, area=None))
    names = {a.alert_id: a.area_name for a in view.open_alerts(OPENED).alerts}
    assert names == {"a": "Pohjois-Savon hyvinvointialue", "b": NO_AREA_NAME}


def test_summary_counts_open_alerts_by_rule_county_and_severity() -> None:
    """The summary counts only open alerts, by rule, by county, by both and by severity."""
    view = projection(
        alert("a", opened=OPENED),
        alert("b", opened=OPENED, area=OTHER_COUNTY),
        alert("c", opened=OPENED, rule=AlertRule.CONTACT_LOST, severity=Severity.CRITICAL),
        alert("d", opened=OPENED, resolved=OPENED + days(1)),
    )
    summary = view.summary(OPENED + days(2))
    assert summary.open_alerts == 3
    assert {(r.rule, r.count) for r in summary.by_rule} == {
        (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, 2),
        (AlertRule.CONTACT_LOST, 1),
    }
    assert [(a.area, a.count) for a in summary.by_area] == [(OTHER_COUNTY, 1), (COUNTY, 2)]
    assert {(r.rule, r.area, r.count) for r in summary.by_rule_and_area} == {
        (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, OTHER_COUNTY, 1),
        (AlertRule.REFERRAL_NOT_ACKNOWLEDGED, COUNTY, 1),
        (AlertRule.CONTACT_LOST, COUNTY, 1),
    }
    assert {(s.severity, s.count) for s in summary.by_severity} == {
        (Severity.CRITICAL, 1),
        (Severity.WARNING, 2),
        (Severity.INFO, 0),
    }


def test_area_filter_accepts_county_codes_and_refuses_unknown_areas() -> None:
    """`13`, `county-13` and `unrouted` are filters; a code that is no county is refused."""
    assert area_filter("13") == area_filter("county-13") == COUNTY
    assert area_filter("") is None
    assert area_filter("unrouted") == UNROUTED
    for wrong in ("99", "prison-kuopion", "county-xx"):
        with pytest.raises(ValueError, match="unknown county"):
            area_filter(wrong)


def test_temporary_identity_is_shown_on_the_alert() -> None:
    """An alert about a person known by a temporary identity code says so to the operator."""
    temporary = alert(opened=OPENED).model_copy(update={"identity_temporary": True})
    view = projection(temporary, alert("alert-2", opened=OPENED, person_ref="person-2"))
    flags = {a.alert_id: a.identity_temporary for a in view.open_alerts(OPENED).alerts}
    assert flags == {"alert-1": True, "alert-2": False}
