"""The broken-service-path rules: which conditions are in breach at `now`, and when next to look.

Each rule reads the followup state and the area's service levels and reports into `Findings`:
a breach (rule, subject, severity) when its condition holds at `now`, or the future instant at
which it would start to hold. Rules never decide whether an alert opens or resolves; `decide`
compares the breaches with the alerts already open. A closed case is not evaluated at all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.core.calendar import local_date
from services.core.policy import county_may_be_told
from services.core.records import AlertRule, Severity
from services.core.task_ids import cooperation_task_id
from services.core.vocabulary import (
    ContactRole,
    HousingStatus,
    Need,
    SentenceType,
    TaskStatus,
    Urgency,
)
from services.followup.deadlines import (
    assessment_due_at,
    client_plan_overdue_at,
    consent_lapsed_at,
    contact_lost_at,
    invitation_overdue_at,
    plan_review_overdue_at,
    plan_reviewed,
    referral_ack_overdue_at,
    release_day,
    release_near_at,
    release_plan_due_at,
    task_accept_overdue_at,
    unplanned_release,
    vacancy_overdue_at,
)
from services.followup.levels import ServiceLevels
from services.followup.state import FollowupState


@dataclass(frozen=True)
class Breach:
    rule: AlertRule
    subject: str | None
    severity: Severity


@dataclass
class Findings:
    """What the rules found at `now`: breaches, and future instants worth a tick."""

    now: datetime
    breaches: list[Breach] = field(default_factory=list)
    wakeups: list[datetime] = field(default_factory=list)

    def breach(self, rule: AlertRule, severity: Severity, subject: str | None = None) -> None:
        self.breaches.append(Breach(rule, subject, severity))

    def breach_from(
        self,
        instant: datetime | None,
        rule: AlertRule,
        severity: Severity,
        subject: str | None = None,
    ) -> None:
        """A breach if `instant` has come; otherwise remember it as a wakeup."""
        if instant is None:
            return
        if self.now >= instant:
            self.breach(rule, severity, subject)
        else:
            self.wakeups.append(instant)


Rule = Callable[[FollowupState, ServiceLevels, Findings], None]


def no_contact_before_release(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Release is within `release_near_days` and no referral of any kind was ever made."""
    if not state.case.referrals and not unplanned_release(state.case):
        at = release_near_at(state.case, levels)
        out.breach_from(at, AlertRule.NO_CONTACT_BEFORE_RELEASE, Severity.CRITICAL)


def no_basis_to_contact(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Release is near (or has happened), the assessment has not started, and the county may be
    told nothing: no consent names it and no notification without consent is in force. The
    prison's coordinator can ask the client for consent or make a 35 § 2 mom. notification."""
    case = state.case
    if case.responsible_area is None or unplanned_release(case):
        return  # nobody to tell yet (the routing problem says so), or no lead time existed
    started = case.assessment_started_at or case.assessment_completed_at
    if started is not None or county_may_be_told(case, out.now):
        _wake_at_consent_ends(state, out)
        return
    at = release_near_at(case, levels)
    if at is None and case.released_at is not None:
        at = case.released_at
    out.breach_from(at, AlertRule.NO_BASIS_TO_CONTACT, Severity.CRITICAL)


def _wake_at_consent_ends(state: FollowupState, out: Findings) -> None:
    """A basis that rests on a consent ends when the consent expires: look again then."""
    for consent in state.case.consents:
        lapsed_at = consent_lapsed_at(consent)
        if out.now < lapsed_at:
            out.wakeups.append(lapsed_at)


def referral_not_acknowledged(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A referral is unacknowledged after N working days of submission (or at release)."""
    for referral in state.case.referrals:
        if referral.acknowledged_at is None:
            urgent = referral.urgency != Urgency.NORMAL
            out.breach_from(
                referral_ack_overdue_at(referral, state.case, levels),
                AlertRule.REFERRAL_NOT_ACKNOWLEDGED,
                Severity.CRITICAL if urgent else Severity.WARNING,
                referral.referral_id,
            )


def assessment_not_started(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """The assessment has not started `assessment_lead_days` before release."""
    case = state.case
    if unplanned_release(case):
        return
    if case.assessment_started_at is None and case.assessment_completed_at is None:
        at = assessment_due_at(case, levels)
        out.breach_from(at, AlertRule.ASSESSMENT_NOT_STARTED, Severity.WARNING)


def no_named_worker_at_release(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Released, and the county has named no worker (when the area requires one by release)."""
    case = state.case
    if case.released_at is None or not levels.named_worker_by_release:
        return
    if case.named_worker() is None:
        out.breach_from(case.released_at, AlertRule.NO_NAMED_WORKER_AT_RELEASE, Severity.CRITICAL)


def no_client_plan(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Released `client_plan_days` ago and no client plan agreed."""
    if state.case.plan is None:
        at = client_plan_overdue_at(state.case, levels)
        out.breach_from(at, AlertRule.NO_CLIENT_PLAN, Severity.WARNING)


def contact_vacancy(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A contact person left and nobody took over within N working days."""
    for vacancy in state.case.vacancies:
        named = vacancy.role == ContactRole.NAMED_WORKER
        out.breach_from(
            vacancy_overdue_at(vacancy, levels),
            AlertRule.CONTACT_VACANCY,
            Severity.CRITICAL if named else Severity.WARNING,
            f"{vacancy.role.value}:{vacancy.org}",
        )


def task_not_accepted(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A received task did not reach accepted, in_progress or completed in N working days.

    A rejected task never counts as accepted: nobody took the handover over.
    """
    for task_id, track in sorted(state.tasks.items()):
        if track.received_at is not None and not track.accepted:
            at = task_accept_overdue_at(track.received_at, levels)
            out.breach_from(at, AlertRule.TASK_NOT_ACCEPTED, Severity.WARNING, task_id)


def plan_review_overdue(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A plan's review date has passed and it was not reviewed for that date; each client plan
    (SHL 39 §) is reviewed on its own (the subject names a plan other than the main one)."""
    plans = state.case.plans or ([state.case.plan] if state.case.plan is not None else [])
    for plan in plans:
        if not plan_reviewed(plan, levels):
            out.breach_from(
                plan_review_overdue_at(plan),
                AlertRule.PLAN_REVIEW_OVERDUE,
                Severity.WARNING,
                plan.plan_id,
            )


def release_moved_earlier(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """The release date moved earlier, leaving less lead than the work needs, and the
    assessment is not completed. Lead = new release day - day of the change."""
    case = state.case
    day = release_day(case)
    moved_on = state.release_moved_on
    if not state.release_date_moved_earlier or moved_on is None or day is None:
        return
    if case.assessment_completed_at is None and (day - moved_on).days < (
        levels.release_moved_min_lead_days
    ):
        out.breach(AlertRule.RELEASE_MOVED_EARLIER, Severity.CRITICAL)


def contact_lost(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Released, and no event at all about the case for `contact_lost_days`; not when the
    client refused to be contacted."""
    case = state.case
    if case.released_at is None or case.voice.contact_refused:
        return
    moments = [case.released_at, case.last_event_at, state.last_event_at]
    last = max(m for m in moments if m is not None)
    out.breach_from(contact_lost_at(last, levels), AlertRule.CONTACT_LOST, Severity.CRITICAL)


def consent_lapsed(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A consent covering a plan network member expired or was withdrawn while tasks are
    open, and no other active consent covers that member."""
    case = state.case
    if case.plan is None or not any(track.is_open for track in state.tasks.values()):
        return
    network = set(case.plan.network)
    covered = {r for c in case.active_consents(local_date(out.now)) for r in c.recipients}
    for consent in case.consents:
        members = network & set(consent.recipients)
        if not members:
            continue
        lapsed_at = consent_lapsed_at(consent)
        if out.now < lapsed_at:
            out.wakeups.append(lapsed_at)
        elif members - covered:
            out.breach(AlertRule.CONSENT_LAPSED, Severity.WARNING, consent.consent_id)


def routing_problem(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Routing failed (`case.routing_problem`) and no responsible county is set yet."""
    if state.case.routing_problem is not None and state.case.responsible_area is None:
        out.breach(AlertRule.ROUTING_PROBLEM, Severity.CRITICAL)


def no_release_plan(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """A long sentence has no release plan `release_plan_lead_working_days` before release
    (Imprisonment Act ch. 4 § 6); not after an unplanned release."""
    case = state.case
    if case.sentence_type != SentenceType.LONG_TERM or case.release_plan is not None:
        return
    if unplanned_release(case):
        return
    out.breach_from(release_plan_due_at(case, levels), AlertRule.NO_RELEASE_PLAN, Severity.WARNING)


def invitation_not_answered(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """An SHL 41 § request whose task the invited organisation has neither accepted nor
    rejected by the answer date."""
    case = state.case
    for request in case.cooperation_requests:
        if _answered(state, cooperation_task_id(case.case_id, request)):
            continue
        out.breach_from(
            invitation_overdue_at(request, levels),
            AlertRule.INVITATION_NOT_ANSWERED,
            Severity.WARNING,
            request.request_id,
        )


def _answered(state: FollowupState, task_id: str) -> bool:
    status = state.case.task_statuses.get(task_id)
    track = state.tasks.get(task_id)
    if track is not None:
        status = track.status
    return status is not None and status != TaskStatus.RECEIVED


def housing_missing_at_release(state: FollowupState, levels: ServiceLevels, out: Findings) -> None:
    """Released with no housing while housing was a stated need, unless the client declined
    housing services (a declined service is not chased)."""
    case = state.case
    if case.released_at is None or case.housing_status != HousingStatus.NONE:
        return
    stated = any(Need.HOUSING in r.needs for r in case.referrals) or Need.HOUSING in (
        case.voice.wants
    )
    if stated and Need.HOUSING not in case.voice.refuses:
        out.breach_from(case.released_at, AlertRule.NO_HOUSING_AT_RELEASE, Severity.CRITICAL)


RULES: tuple[Rule, ...] = (
    no_contact_before_release,
    no_basis_to_contact,
    referral_not_acknowledged,
    assessment_not_started,
    no_named_worker_at_release,
    no_client_plan,
    contact_vacancy,
    task_not_accepted,
    plan_review_overdue,
    release_moved_earlier,
    contact_lost,
    consent_lapsed,
    routing_problem,
    no_release_plan,
    invitation_not_answered,
    housing_missing_at_release,
)


def find_breaches(state: FollowupState, levels: ServiceLevels, now: datetime) -> Findings:
    """Run every rule at `now`."""
    findings = Findings(now=now)
    for rule in RULES:
        rule(state, levels, findings)
    return findings
