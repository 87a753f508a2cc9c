"""The followup service's decisions: state + case fact or tick + now -> alerts and task drafts.

`on_fact` and `on_tick` both end in `evaluate`, so every rule and timer is written once and
answers the same at the same `now` whichever way time reached it. Everything here is pure.

Each person is judged at their own time, never at another person's: before a fact or a tick at
`now` is taken in, `advance` lets the person's time pass to `now` one due instant at a time,
evaluating the rules and timers at each instant where their answer may change (`next_due`).
An alert so opens, and a timer's task is created, at the instant it fell due, whether a tick
brought the person there or the person's next fact did, and however late either arrived. The
outcome for a person is therefore a function of that person's own facts in order and of the
instants their ticks carry, not of when other people's messages were read.

Alert identity: the first alert of a (case, rule, subject) has
`alert_id = stable_id(case_id, rule, subject)`. An alert opens once and resolves once; when
its condition comes back after it resolved (contact lost again, the next plan review overdue),
a new episode opens with `stable_id(case_id, rule, subject, episode)` for episode 2, 3, ...
"""

from datetime import datetime, timedelta

from services.core.calendar import local_date, start_of_local_day
from services.core.case import CaseStatus, Dismissal
from services.core.dismissal import dismissed
from services.core.drafts import TaskDraft
from services.core.facts import CaseFact
from services.core.ids import stable_id
from services.core.records import Alert, AlertRule, AlertState
from services.followup.levels import LevelsConfig
from services.followup.rules import Breach, find_breaches
from services.followup.state import FollowupOutcome, FollowupState, fresh_state, is_stale, observe
from services.followup.timers import due_drafts


def alert_id(case_id: str, rule: AlertRule, subject: str | None, episode: int = 1) -> str:
    """The deterministic id of the `episode`-th alert of a rule about a subject in a case."""
    if episode == 1:
        return stable_id(case_id, rule, subject)
    return stable_id(case_id, rule, subject, episode)


def _resolve(alert: Alert, now: datetime) -> Alert:
    return alert.model_copy(update={"state": AlertState.RESOLVED, "resolved_at": now})


def _dismiss(alert: Alert, dismissal: Dismissal, now: datetime) -> Alert:
    return alert.model_copy(
        update={
            "state": AlertState.DISMISSED,
            "resolved_at": now,
            "dismissal_reason": dismissal.reason,
            "dismissed_by_org": dismissal.by_org,
        }
    )


def _reconcile(
    state: FollowupState, breaches: list[Breach], now: datetime
) -> tuple[dict[str, Alert], list[Alert]]:
    """Open an alert for each new breach, resolve each open alert whose breach cleared, and
    close as dismissed each open alert a person dismissed (no new one opens while the
    dismissal holds; once its cause changes, a new episode opens).

    When nothing changes, the state's own alert dictionary comes back (no copy is made)."""
    case = state.case
    current = state.alerts
    changed: list[Alert] = []
    wanted: dict[tuple[AlertRule, str | None], Breach] = {}
    holding: dict[AlertRule, Dismissal] = {}
    today = local_date(now) if case.dismissals and breaches else None
    for breach in breaches:
        dismissal = dismissed(breach.rule.value, case, today) if today is not None else None
        if dismissal is not None:
            holding[breach.rule] = dismissal
            continue
        wanted.setdefault((breach.rule, breach.subject), breach)
    if not wanted and not current:
        return current, changed

    alerts = current
    episodes: dict[tuple[AlertRule, str | None], int] = {}
    open_keys: set[tuple[AlertRule, str | None]] = set()
    for alert in current.values():
        key = (alert.rule, alert.subject)
        episodes[key] = episodes.get(key, 0) + 1
        if alert.state != AlertState.OPEN:
            continue
        open_keys.add(key)
        if key in wanted:
            continue
        if alerts is current:
            alerts = dict(current)
        if alert.rule in holding:
            alerts[alert.alert_id] = _dismiss(alert, holding[alert.rule], now)
        else:
            alerts[alert.alert_id] = _resolve(alert, now)
        changed.append(alerts[alert.alert_id])

    for (rule, subject), breach in wanted.items():
        count = episodes.get((rule, subject), 0)
        if (rule, subject) in open_keys:
            # The latest episode can only be open if some alert of this rule and subject is.
            latest = alerts.get(alert_id(case.case_id, rule, subject, count))
            if latest is not None and latest.state == AlertState.OPEN:
                continue
        opened = Alert.build(
            alert_id=alert_id(case.case_id, rule, subject, count + 1),
            rule=rule,
            state=AlertState.OPEN,
            person_ref=case.person_ref,
            case_id=case.case_id,
            area=case.responsible_area,
            severity=breach.severity,
            opened_at=now,
            subject=subject,
            identity_temporary=case.identity_temporary,
        )
        if alerts is current:
            alerts = dict(current)
        alerts[opened.alert_id] = opened
        changed.append(opened)
    return alerts, changed


def evaluate(
    state: FollowupState, levels: LevelsConfig, now: datetime
) -> tuple[FollowupState, list[Alert], list[TaskDraft]]:
    """Apply every rule and timer at `now`: the new state, the changed alerts, the new drafts.

    A closed case has no breaches (so every open alert resolves), no drafts and nothing due.
    """
    if state.case.status == CaseStatus.CLOSED:
        alerts, changed = _reconcile(state, [], now)
        if not changed and state.next_due is None:
            return state, changed, []
        return state.model_copy(update={"alerts": alerts, "next_due": None}), changed, []

    area_levels = levels.for_area(state.case.responsible_area)
    findings = find_breaches(state, area_levels, now)
    drafts, timer_wakeups = due_drafts(state, area_levels, now)
    alerts, changed = _reconcile(state, findings.breaches, now)
    wakeups = [w for w in (*findings.wakeups, *timer_wakeups, *_dismissals_end(state)) if w > now]
    next_due = min(wakeups) if wakeups else None
    if not changed and not drafts and _same_instant(next_due, state.next_due):
        return state, changed, drafts
    new_state = state.model_copy(
        update={
            "alerts": alerts,
            "issued": (*state.issued, *(d.trigger for d in drafts)),
            "next_due": next_due,
        }
    )
    return new_state, changed, drafts


def _dismissals_end(state: FollowupState) -> list[datetime]:
    """A dismissal with an end date stops holding at the start of the day after it."""
    return [
        start_of_local_day(d.until + timedelta(days=1))
        for d in state.case.dismissals
        if d.until is not None
    ]


def _same_instant(a: datetime | None, b: datetime | None) -> bool:
    """Equal and written the same way (an equal instant in another zone serialises apart)."""
    if a is None or b is None:
        return a is b
    return a == b and a.tzinfo is b.tzinfo


def advance(
    state: FollowupState, levels: LevelsConfig, until: datetime
) -> tuple[FollowupState, list[Alert], list[TaskDraft]]:
    """Let the person's time pass to `until`: evaluate at every due instant up to and including
    `until`, each at that instant and in order. Each evaluation moves `next_due` strictly
    later (or clears it), so this ends."""
    alerts: list[Alert] = []
    drafts: list[TaskDraft] = []
    while state.next_due is not None and state.next_due <= until:
        state, changed, due = evaluate(state, levels, state.next_due)
        alerts.extend(changed)
        drafts.extend(due)
    return state, alerts, drafts


def pass_time(state: FollowupState, levels: LevelsConfig, now: datetime) -> FollowupOutcome:
    """`advance` as an outcome: what fell due up to `now`, decided on the case as it stands.

    The shell runs it before `on_fact` so that a task which fell due before the fact is
    disclosed, or withheld, on the case as it was then, not on what the fact changed."""
    new_state, alerts, drafts = advance(state, levels, now)
    return FollowupOutcome.build(state=new_state, alerts=alerts, drafts=drafts)


def _judged(state: FollowupState, now: datetime) -> FollowupState:
    """The state with the person's own time moved to `now` (never back)."""
    if state.judged_at is not None and state.judged_at >= now:
        return state
    return state.model_copy(update={"judged_at": now})


def on_fact(
    state: FollowupState | None, fact: CaseFact, levels: LevelsConfig, now: datetime
) -> FollowupOutcome:
    """Let the person's time pass to `now`, then take in one case fact and evaluate at `now`.

    `now` is the person's own time (`Clock.judge`): the later of the fact's instant and the
    latest instant the person was judged at. A redelivered fact, or one about an older custody
    period, changes nothing but is still evaluated at `now` like a tick. A fact about a newer
    custody period resolves the previous case's open alerts and starts afresh.
    """
    passed: list[Alert] = []
    drafts: list[TaskDraft] = []
    if state is not None:
        state, passed, drafts = advance(state, levels, now)
        if is_stale(state, fact):
            new_state, alerts, due = evaluate(state, levels, now)
            return FollowupOutcome.build(
                state=_judged(new_state, now), alerts=[*passed, *alerts], drafts=[*drafts, *due]
            )
    superseded: list[Alert] = []
    if state is None:
        state = fresh_state(fact)
    elif fact.case.case_id != state.case.case_id:
        superseded = [_resolve(a, now) for a in state.alerts.values() if a.state == AlertState.OPEN]
        state = fresh_state(fact)
    new_state, alerts, due = evaluate(observe(state, fact), levels, now)
    return FollowupOutcome.build(
        state=_judged(new_state, now),
        alerts=[*passed, *superseded, *alerts],
        drafts=[*drafts, *due],
    )


def on_tick(state: FollowupState, levels: LevelsConfig, now: datetime) -> FollowupOutcome:
    """Let time pass to `now`: open, resolve and issue whatever fell due, each at the instant
    it fell due. Idempotent."""
    state, passed, drafts = advance(state, levels, now)
    new_state, alerts, due = evaluate(state, levels, now)
    return FollowupOutcome.build(
        state=_judged(new_state, now), alerts=[*passed, *alerts], drafts=[*drafts, *due]
    )
