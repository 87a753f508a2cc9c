"""What the operator view shows: pseudonymous references, codes, counts and instants only.

Every model names its fields explicitly; nothing here is built by dumping a case, so identity
codes, names, phone numbers, free text, sealed fields and worker references cannot appear.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.core.case import CaseStatus
from services.core.facts import FactKind
from services.core.records import ActionKind, AlertRule, AlertState, Severity
from services.core.tasks import TaskKind
from services.core.timeutil import Instant
from services.core.vocabulary import DismissalReason

TASK_ISSUED = "task_issued"
NO_TASK_YET = "no_task_yet"
ISSUED = "issued"
"""The status of a task whose recipient has not reported any status yet."""


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OpenAlert(View):
    alert_id: str
    rule: AlertRule
    severity: Severity
    area: str | None
    """The responsible county organisation (`county-NN`); None while routing is unresolved
    and for an organisation's alert."""
    area_name: str
    """The county's name; for an organisation's alert, the organisation's."""
    person_ref: str
    """Empty for an organisation's alert."""
    opened_at: Instant
    age_seconds: int
    identity_temporary: bool = False
    """The person is known by a temporary identity code, unique only within its issuer."""
    org: str | None = None
    """The organisation an organisation's alert (e.g. `webhook_failing`) is about."""


class AlertList(View):
    now: Instant
    total: int
    alerts: list[OpenAlert]


class RuleCount(View):
    rule: AlertRule
    count: int


class SeverityCount(View):
    severity: Severity
    count: int


class AreaCount(View):
    area: str | None
    area_name: str
    count: int


class RuleAreaCount(View):
    rule: AlertRule
    area: str | None
    area_name: str
    count: int


class TrendDay(View):
    day: date
    open: int
    """Alerts open at the end of the day (at `now` for the current day)."""
    opened: int
    resolved: int


class CountyFigures(View):
    area: str | None
    area_name: str
    cases: int
    """Cases not closed with this county responsible."""
    open_alerts: int
    ack_working_days: int
    """The county's service level: a referral is acknowledged within N working days."""
    referrals_in_time: int
    referrals_late: int
    """Acknowledged after the deadline, or still unacknowledged after it."""
    referrals_pending: int
    """Unacknowledged and still within the deadline."""
    ack_in_time_share: float | None
    """`in_time / (in_time + late)`; None when no referral has been decided either way."""
    released: int
    first_contacts: int
    awaiting_first_contact: int
    median_days_to_first_contact: float | None
    """Days from release to the county's first event after it (median over released cases)."""
    open_vacancies: int
    long_sentences: int = 0
    """Long sentences among the county's open cases."""
    release_plans: int = 0
    """Of those, how many have an agreed release plan."""
    release_plan_share: float | None = None
    """`release_plans / long_sentences`: the release-plan coverage; None without any."""
    dismissed_alerts: int = 0
    """Alerts closed by a person with a reason (`AlertDismissed`)."""


class TaskCount(View):
    kind: TaskKind
    status: str
    """A reported task status, or `issued` when none was reported yet."""
    count: int


class RecipientCount(View):
    kind: TaskKind
    recipient_org: str
    recipient_kind: str
    count: int


class DeadLetterCount(View):
    stage: str
    reason: str
    count: int


class Summary(View):
    now: Instant
    open_alerts: int
    by_severity: list[SeverityCount]
    by_rule: list[RuleCount]
    by_area: list[AreaCount]
    by_rule_and_area: list[RuleAreaCount]
    trend: list[TrendDay]
    counties: list[CountyFigures]
    tasks_total: int
    tasks: list[TaskCount]
    tasks_by_recipient: list[RecipientCount]
    dead_letters_total: int
    dead_letters: list[DeadLetterCount]
    dismissed_alerts: int = 0
    dismissed_by_rule: list[RuleCount] = []
    """Alerts a person closed with a reason, by rule: the history an operator reviews."""


class TimelineFact(View):
    at: Instant
    kind: FactKind
    source_org_kind: str


class TimelineAlert(View):
    alert_id: str
    rule: AlertRule
    severity: Severity
    state: AlertState
    opened_at: Instant
    resolved_at: Instant | None
    age_seconds: int
    """How long the alert was (or has been, while open) open."""


class TimelineTask(View):
    at: Instant
    kind: TaskKind
    recipient_org_kind: str
    status: str


class CaseTimeline(View):
    person_ref: str
    now: Instant
    status: CaseStatus | None
    area: str | None
    area_name: str
    facts: list[TimelineFact] = Field(default_factory=list)
    alerts: list[TimelineAlert] = Field(default_factory=list)
    tasks: list[TimelineTask] = Field(default_factory=list)


class WorkAlert(View):
    """One open alert on the worklist, with what an operator may do about it."""

    alert_id: str
    rule: AlertRule
    severity: Severity
    area: str | None
    area_name: str
    person_ref: str
    opened_at: Instant
    age_seconds: int
    age_days: int
    escalations: int
    """How many times operators escalated this alert."""
    may_dismiss: bool
    may_escalate: bool
    """A county is responsible and the rule is not a routing problem."""
    may_route: bool
    """A routing problem: the operator may name the county."""
    org: str | None = None
    """The organisation an organisation's alert is about; nothing may be done to it here (it
    resolves when the organisation's deliveries succeed again)."""


class ActionEntry(View):
    """One accepted dismissal, escalation or county named, from `audit.actions`."""

    at: Instant
    action: ActionKind
    rule: str | None
    reason: DismissalReason | None
    until: date | None
    by_org_kind: str
    by_ref: str
    person_ref: str
    county: str | None
    task: str | None
    """For an escalation: `task_issued` once its disclosure record is read, else `no_task_yet`."""


class Worklist(View):
    now: Instant
    total: int
    alerts: list[WorkAlert]
    escalated: int
    dismissed: int
    counties_named: int
    actions: list[ActionEntry]
