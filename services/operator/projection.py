"""The operator view's read model: records from the topics folded into what operators watch.

Pure: no I/O and no clock. The shell feeds records in the order it reads them (`apply`) and
asks for views at a `now` it passes in. Repeats are harmless: alerts are kept per alert id
(a resolved alert never reopens, since a new episode has a new id), facts per fact id, tasks
per task id and dead letters per dead-letter id.

An organisation-level alert (`is_about_org`: no person, e.g. `webhook_failing`) counts in the
totals, severities, rules and the trend, is listed with the organisation's name in the area
column, and is left out of every per-county figure and filter (it is about no county's cases).
"""

from collections import Counter
from datetime import datetime

from pydantic import BaseModel

from services.core.case import CaseState
from services.core.escalation import escalation_task_id
from services.core.facts import CaseFact, FactKind
from services.core.organisations import OrgKind, Registry, default_registry
from services.core.records import (
    ActionKind,
    ActionRecord,
    Alert,
    AlertRule,
    AlertState,
    DeadLetter,
    DisclosureRecord,
    Severity,
    is_about_org,
)
from services.followup.levels import LevelsConfig, default_levels
from services.operator.figures import (
    SECONDS_PER_DAY,
    age_seconds,
    area_name,
    county_figures,
    is_open,
    trend,
)
from services.operator.tracks import IssuedTask, PersonTrack, StatusReport, follow, org_kind
from services.operator.views import (
    ISSUED,
    NO_TASK_YET,
    TASK_ISSUED,
    ActionEntry,
    AlertList,
    AreaCount,
    CaseTimeline,
    DeadLetterCount,
    OpenAlert,
    RecipientCount,
    RuleAreaCount,
    RuleCount,
    SeverityCount,
    Summary,
    TaskCount,
    TimelineAlert,
    TimelineTask,
    WorkAlert,
    Worklist,
)

UNROUTED = "unrouted"
"""The area filter value that selects alerts without a responsible county."""


def area_filter(value: str, registry: Registry | None = None) -> str | None:
    """A county filter from `13`, `county-13` or `unrouted` (empty: every area).

    Raises ValueError for anything that is not a county of the registry.
    """
    if not value:
        return None
    if value.lower() in (UNROUTED, "none"):
        return UNROUTED
    code = value if value.startswith("county-") else f"county-{value.zfill(2)}"
    org = (registry or default_registry()).get(code)
    if org is None or org.kind != OrgKind.COUNTY:
        raise ValueError(f"unknown county: {value}")
    return code


_SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


class OperatorProjection:
    """Alerts, case tracks, tasks and dead letters, as read so far."""

    def __init__(
        self, levels: LevelsConfig | None = None, registry: Registry | None = None
    ) -> None:
        self.levels = levels or default_levels()
        self.registry = registry or default_registry()
        self.alerts: dict[str, Alert] = {}
        self.people: dict[str, PersonTrack] = {}
        self.tasks: dict[str, IssuedTask] = {}
        self.statuses: dict[str, StatusReport] = {}
        self.dead_letters: dict[str, tuple[str, str]] = {}
        self.cases: dict[str, CaseState] = {}
        """The latest case state of each person (from the facts), for deciding an action."""
        self._case_at: dict[str, datetime] = {}
        self.actions: dict[str, ActionRecord] = {}
        self._fact_ids: set[str] = set()

    def apply(self, record: BaseModel) -> bool:
        """Fold one record in; False for a record type the view does not read."""
        if isinstance(record, Alert):
            self._alert(record)
        elif isinstance(record, CaseFact):
            self._fact(record)
        elif isinstance(record, DisclosureRecord):
            self.tasks.setdefault(
                record.task_id,
                IssuedTask(
                    record.person_ref, record.task_kind, record.recipient_org, record.disclosed_at
                ),
            )
        elif isinstance(record, DeadLetter):
            self.dead_letters[record.dead_letter_id] = (record.stage, record.reason_code)
        elif isinstance(record, ActionRecord):
            self.actions[record.action_id] = record
        else:
            return False
        return True

    def _alert(self, alert: Alert) -> None:
        known = self.alerts.get(alert.alert_id)
        if known is None or known.state == AlertState.OPEN:
            self.alerts[alert.alert_id] = alert

    def _fact(self, fact: CaseFact) -> None:
        if fact.fact_id in self._fact_ids:
            return
        self._fact_ids.add(fact.fact_id)
        known_at = self._case_at.get(fact.person_ref)
        if known_at is None or fact.occurred_at >= known_at:
            self.cases[fact.person_ref] = fact.case
            self._case_at[fact.person_ref] = fact.occurred_at
        self.people[fact.person_ref] = follow(self.people.get(fact.person_ref), fact, self.registry)
        status = fact.detail.task_status
        task_id = fact.detail.task_id
        if fact.kind == FactKind.TASK_STATUS_CHANGED and status is not None and task_id:
            known = self.statuses.get(task_id)
            if known is None or fact.occurred_at >= known.at:
                self.statuses[task_id] = StatusReport(status, fact.occurred_at)

    # -- views ----------------------------------------------------------------------------

    def open_alerts(
        self, now: datetime, area: str | None = None, rule: AlertRule | None = None
    ) -> AlertList:
        """Open alerts, most severe and oldest first; `area` may be `UNROUTED`."""
        selected = [
            a
            for a in self.alerts.values()
            if is_open(a)
            and (rule is None or a.rule == rule)
            and (area is None or _in_area(a, area))
        ]
        selected.sort(key=lambda a: (_SEVERITY_ORDER[a.severity], a.opened_at))
        return AlertList(
            now=now, total=len(selected), alerts=[self._open(a, now) for a in selected]
        )

    def worklist(
        self,
        now: datetime,
        *,
        area: str | None = None,
        rule: AlertRule | None = None,
        min_age_days: int | None = None,
        max_age_days: int | None = None,
        history: int = 50,
    ) -> Worklist:
        """Open alerts an operator works through: most severe first, then oldest; filtered by
        county (or `UNROUTED`), rule and age in whole days; with the latest actions."""
        selected = self.open_alerts(now, area=area, rule=rule).alerts
        escalations = Counter(
            a.alert_id for a in self.actions.values() if a.action == ActionKind.ESCALATED
        )
        rows = [
            self._work(alert, escalations[alert.alert_id])
            for alert in selected
            if (min_age_days is None or alert.age_seconds // SECONDS_PER_DAY >= min_age_days)
            and (max_age_days is None or alert.age_seconds // SECONDS_PER_DAY <= max_age_days)
        ]
        counts = Counter(a.action for a in self.actions.values())
        latest = sorted(self.actions.values(), key=lambda a: (a.at, a.action_id), reverse=True)
        return Worklist(
            now=now,
            total=len(rows),
            alerts=rows,
            escalated=counts[ActionKind.ESCALATED],
            dismissed=counts[ActionKind.DISMISSED],
            counties_named=counts[ActionKind.COUNTY_NAMED],
            actions=[self._entry(a) for a in latest[:history]],
        )

    def _work(self, alert: OpenAlert, escalations: int) -> WorkAlert:
        routing = alert.rule == AlertRule.ROUTING_PROBLEM
        of_a_case = alert.org is None
        return WorkAlert(
            **alert.model_dump(exclude={"identity_temporary"}),
            age_days=alert.age_seconds // SECONDS_PER_DAY,
            escalations=escalations,
            may_dismiss=of_a_case and not routing,
            may_escalate=of_a_case and not routing and alert.area is not None,
            may_route=of_a_case and routing,
        )

    def _entry(self, action: ActionRecord) -> ActionEntry:
        task = None
        if action.action == ActionKind.ESCALATED and action.county is not None:
            task_id = escalation_task_id(action.case_id, action.county, action.event_id)
            task = TASK_ISSUED if task_id in self.tasks else NO_TASK_YET
        return ActionEntry(
            at=action.at,
            action=action.action,
            rule=action.rule,
            reason=action.reason,
            until=action.until,
            by_org_kind=org_kind(self.registry, action.by_org),
            by_ref=action.by_ref,
            person_ref=action.person_ref,
            county=action.county,
            task=task,
        )

    def alert(self, alert_id: str) -> Alert | None:
        """An alert by id, if it is open."""
        found = self.alerts.get(alert_id)
        return found if found is not None and is_open(found) else None

    def _open(self, alert: Alert, now: datetime) -> OpenAlert:
        return OpenAlert(
            alert_id=alert.alert_id,
            rule=alert.rule,
            severity=alert.severity,
            area=alert.area,
            area_name=(
                self._org_name(alert.subject) if is_about_org(alert) else self._name(alert.area)
            ),
            person_ref=alert.person_ref,
            opened_at=alert.opened_at,
            age_seconds=age_seconds(alert.opened_at, now),
            identity_temporary=alert.identity_temporary,
            org=alert.subject if is_about_org(alert) else None,
        )

    def _name(self, area: str | None) -> str:
        return area_name(self.registry, area)

    def _org_name(self, code: str | None) -> str:
        org = self.registry.get(code) if code else None
        return org.name if org is not None else code or ""

    def task_status(self, task_id: str) -> str:
        report = self.statuses.get(task_id)
        return report.status.value if report is not None else ISSUED

    def summary(self, now: datetime, trend_days: int = 30) -> Summary:
        """Every count and figure of the dashboard at `now`."""
        open_alerts = [a for a in self.alerts.values() if is_open(a)]
        dismissed = Counter(a.rule for a in self.alerts.values() if a.state == AlertState.DISMISSED)
        by_severity = Counter(a.severity for a in open_alerts)
        by_rule = Counter(a.rule for a in open_alerts)
        of_cases = [a for a in open_alerts if not is_about_org(a)]
        by_area = Counter(a.area for a in of_cases)
        by_both = Counter((a.rule, a.area) for a in of_cases)
        tasks = Counter((t.kind, self.task_status(task_id)) for task_id, t in self.tasks.items())
        recipients = Counter((t.kind, t.recipient_org) for t in self.tasks.values())
        letters = Counter(self.dead_letters.values())
        return Summary(
            now=now,
            open_alerts=len(open_alerts),
            by_severity=[
                SeverityCount(severity=s, count=by_severity[s])
                for s in sorted(_SEVERITY_ORDER, key=_SEVERITY_ORDER.__getitem__)
            ],
            by_rule=[RuleCount(rule=r, count=n) for r, n in sorted(by_rule.items())],
            by_area=[
                AreaCount(area=a, area_name=self._name(a), count=n)
                for a, n in sorted(by_area.items(), key=lambda item: _area_key(item[0]))
            ],
            by_rule_and_area=[
                RuleAreaCount(rule=r, area=a, area_name=self._name(a), count=n)
                for (r, a), n in sorted(
                    by_both.items(), key=lambda i: (i[0][0], _area_key(i[0][1]))
                )
            ],
            trend=trend(self.alerts.values(), now, trend_days),
            counties=county_figures(
                self.people.values(), self.alerts.values(), self.levels, self.registry, now
            ),
            tasks_total=len(self.tasks),
            tasks=[TaskCount(kind=k, status=s, count=n) for (k, s), n in sorted(tasks.items())],
            tasks_by_recipient=[
                RecipientCount(
                    kind=k, recipient_org=org, recipient_kind=org_kind(self.registry, org), count=n
                )
                for (k, org), n in sorted(recipients.items())
            ],
            dead_letters_total=len(self.dead_letters),
            dead_letters=[
                DeadLetterCount(stage=stage, reason=reason, count=n)
                for (stage, reason), n in sorted(letters.items())
            ],
            dismissed_alerts=sum(dismissed.values()),
            dismissed_by_rule=[RuleCount(rule=r, count=n) for r, n in sorted(dismissed.items())],
        )

    def timeline(self, person_ref: str, now: datetime) -> CaseTimeline | None:
        """One person's facts, alerts and tasks in time order; None for an unknown person."""
        person = self.people.get(person_ref)
        alerts = sorted(
            (a for a in self.alerts.values() if a.person_ref == person_ref and not is_about_org(a)),
            key=lambda a: a.opened_at,
        )
        tasks = sorted(
            ((task_id, t) for task_id, t in self.tasks.items() if t.person_ref == person_ref),
            key=lambda item: item[1].issued_at,
        )
        if person is None and not alerts and not tasks:
            return None
        area = person.area if person is not None else (alerts[-1].area if alerts else None)
        return CaseTimeline(
            person_ref=person_ref,
            now=now,
            status=person.status if person is not None else None,
            area=area,
            area_name=self._name(area),
            facts=sorted(person.facts, key=lambda f: f.at) if person is not None else [],
            alerts=[
                TimelineAlert(
                    alert_id=a.alert_id,
                    rule=a.rule,
                    severity=a.severity,
                    state=a.state,
                    opened_at=a.opened_at,
                    resolved_at=a.resolved_at,
                    age_seconds=age_seconds(a.opened_at, a.resolved_at or now),
                )
                for a in alerts
            ],
            tasks=[
                TimelineTask(
                    at=t.issued_at,
                    kind=t.kind,
                    recipient_org_kind=org_kind(self.registry, t.recipient_org),
                    status=self.task_status(task_id),
                )
                for task_id, t in tasks
            ],
        )


def _in_area(alert: Alert, area: str) -> bool:
    """Whether the alert is about a case of this county (`UNROUTED`: of no county yet); an
    organisation-level alert is about no county's cases."""
    if is_about_org(alert):
        return False
    return alert.area == (None if area == UNROUTED else area)


def _area_key(area: str | None) -> tuple[bool, str]:
    return (area is None, area or "")
