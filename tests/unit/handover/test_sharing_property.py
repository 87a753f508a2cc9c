"""Property: whatever consents, rules and facts arrive, nothing leaves without a basis."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.case import CaseState, Consent, ContactPerson
from services.core.facts import CaseFact, FactDetail, FactKind
from services.core.organisations import OrgKind, default_registry
from services.core.policy import IssuedTask, SharingRules
from services.core.policy_rules import (
    Purpose,
    RegionalAgreement,
    Shl35Rule,
    normalise_purpose,
)
from services.core.tasks import BasisKind, Task, TaskKind, field_categories
from services.core.vocabulary import (
    Category,
    ConsentNotObtained,
    ContactRole,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Shl35Ground,
)
from services.handover import HandoverSettings, HandoverState, decide
from tests.unit.policy.builders import NOW, PERSONAL, TODAY, case, referral

T = TypeVar("T")
HELSINKI = ZoneInfo("Europe/Helsinki")
COUNTIES = ["county-13", "county-04", "county-19"]
ORGS = [*COUNTIES, "ngo-polku", "ngo-silta", "prison-kuopion", "prison-turun", "cso-vali-suomen"]
SHAREABLE = [c for c in Category if c != Category.OFFENCE]
SHL35_MINIMUM = [Category.IDENTITY, Category.PLACEMENT, Category.RELEASE_SCHEDULE, Category.NEEDS]
"""SHL 35 § 2 mom.: who, where, when released, the stated non-health need and its urgency."""
SHL35_TASKS = {
    TaskKind.REFERRAL_RECEIVED,
    TaskKind.SHORT_SENTENCE_CONTACT,
    TaskKind.RELEASE_PREPARATION,
    TaskKind.RELEASE_DATE_CHANGED,
    TaskKind.RELEASED,
}
"""The referral itself, the release date set or changed, and the release."""
AGREEMENT_MAY_OPEN = [Category.RELEASE_SCHEDULE, Category.PLACEMENT]
AGENCY_OWN = {
    Category.IDENTITY,
    Category.CONTACT_DETAILS,
    Category.RELEASE_SCHEDULE,
    Category.PLACEMENT,
    Category.SENTENCE,
    Category.NEEDS,
}
RECORDERS = ["prison-kuopion", "county-13", "ngo-polku"]
PURPOSE_TEXTS = [*(p.value for p in Purpose), "Release planning", "research"]
EVENT_KINDS = [
    FactKind.CASE_OPENED,
    FactKind.ASSESSMENT_STARTED,
    FactKind.RELEASE_DATE_SET,
    FactKind.RELEASE_DATE_CHANGED,
    FactKind.REFERRAL_SUBMITTED,
    FactKind.REFERRAL_ACKNOWLEDGED,
    FactKind.ASSESSMENT_STARTED,
    FactKind.TRANSFERRED,
    FactKind.CONTACT_PERSON_ENDED,
    FactKind.RESPONSIBLE_AREA_CHANGED,
    FactKind.RELEASED,
]


def subsets(items: Sequence[T], min_size: int = 0) -> st.SearchStrategy[list[T]]:
    return st.lists(st.sampled_from(items), min_size=min_size, unique=True)


@st.composite
def consents(draw: st.DrawFn) -> list[Consent]:
    count = draw(st.integers(min_value=0, max_value=3))
    found = []
    for index in range(count):
        start = TODAY + timedelta(days=draw(st.integers(min_value=-30, max_value=10)))
        found.append(
            Consent(
                consent_id=f"consent-{index}",
                given_by_org=draw(st.sampled_from(RECORDERS)),
                given_at=NOW - timedelta(days=draw(st.integers(min_value=-3, max_value=40))),
                categories=draw(subsets(list(Category), 1)),
                recipients=draw(subsets(ORGS, 1)),
                purpose=draw(st.sampled_from(PURPOSE_TEXTS)),
                valid_from=start,
                valid_until=start + timedelta(days=draw(st.integers(min_value=0, max_value=60))),
                withdrawn_at=NOW if draw(st.booleans()) and index == 2 else None,
            )
        )
    return found


@st.composite
def sharing_rules(draw: st.DrawFn) -> SharingRules:
    allowed = SHL35_MINIMUM
    agreements = [
        RegionalAgreement(
            name=f"agreement-{index}",
            areas=draw(subsets(COUNTIES, 1)),
            recipient_kinds=draw(st.lists(st.sampled_from(list(OrgKind)), min_size=1, unique=True)),
            recipient_orgs=draw(subsets(ORGS)),
            categories=draw(subsets(AGREEMENT_MAY_OPEN, 1)),
            purposes=draw(st.lists(st.sampled_from(list(Purpose)), min_size=1, unique=True)),
        )
        for index in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    return SharingRules(
        version="prop-1",
        shl35_notification=Shl35Rule(categories=draw(subsets(allowed))),
        regional_agreements=agreements,
    )


@st.composite
def starting_cases(draw: st.DrawFn) -> CaseState:
    start = TODAY - timedelta(days=draw(st.integers(min_value=0, max_value=100)))
    contacts = [
        ContactPerson(
            role=draw(st.sampled_from(list(ContactRole))), org=org, worker_ref=f"w-{i}", since=NOW
        )
        for i, org in enumerate(draw(subsets(ORGS)))
    ]
    referrals = [
        referral(
            referral_id=f"ref-{i}",
            kind=kind,
            submitted_by=draw(st.sampled_from(ORGS)),
            submitted_at=NOW - timedelta(days=draw(st.integers(min_value=-2, max_value=30))),
            ground=draw(st.sampled_from([None, *Shl35Ground])),
            consent_not_obtained=draw(st.sampled_from(list(ConsentNotObtained))),
            consent_id=draw(st.sampled_from([None, "consent-0", "consent-1"])),
            needs=draw(subsets(list(Need))),
        )
        for i, kind in enumerate(draw(st.lists(st.sampled_from(list(ReferralKind)), max_size=2)))
    ]
    return case(
        responsible_area=draw(st.sampled_from([*COUNTIES, None])),
        sentence_type=draw(st.sampled_from(list(SentenceType))),
        sentence_start=start,
        expected_release=TODAY + timedelta(days=draw(st.integers(min_value=1, max_value=200))),
        release_type=draw(st.sampled_from(list(ReleaseType))),
        contacts=contacts,
        referrals=referrals,
        consents=draw(consents()),
    )


@dataclass
class Step:
    fact: CaseFact
    now: datetime
    issued: list[IssuedTask]
    withdrawn_before: frozenset[str]


History = tuple[SharingRules, list[Step]]


def purpose_of(task: Task) -> str:
    if task.kind == TaskKind.REFERRAL_FEEDBACK:
        return Purpose.REFERRAL_FEEDBACK
    if task.kind == TaskKind.CONSENT_REVOKED:
        return Purpose.CONSENT_REVOCATION
    if task.kind == TaskKind.SUPERVISION_ORDERED:
        return Purpose.SUPERVISION
    return Purpose.RELEASE_PLANNING


def _in_force(consent: Consent, now: datetime) -> bool:
    today = now.astimezone(HELSINKI).date()
    return consent.withdrawn_at is None and consent.valid_from <= today <= consent.valid_until


def _may_name(consent: Consent, recipient: str) -> bool:
    """A prison or county records consent for anyone it names; an NGO only for itself."""
    return not consent.given_by_org.startswith("ngo-") or recipient == consent.given_by_org


def by_consent(category: Category, task: Task, state: CaseState, now: datetime) -> set[str]:
    """The consents that open `category` to the task's recipient for its purpose."""
    found = {
        c.consent_id
        for c in state.consents
        if _in_force(c, now)
        and category in c.categories
        and task.recipient_org in c.recipients
        and normalise_purpose(c.purpose) == purpose_of(task)
        and _may_name(c, task.recipient_org)
    }
    if task.kind == TaskKind.REFERRAL_FEEDBACK and category == Category.SERVICE_STATUS:
        for r in state.referrals:
            if r.referral_id == task.referral_id and r.submitted_by == task.recipient_org:
                found |= {
                    c.consent_id
                    for c in state.consents
                    if c.consent_id == r.consent_id and _in_force(c, now)
                }
    return found


def notification_in_force(state: CaseState, now: datetime) -> bool:
    """35 § 2 mom.: a grounded notification, until the assessment starts or the client
    consents to the county after it."""
    if state.assessment_started_at is not None and state.assessment_started_at <= now:
        return False
    return any(
        r.kind == ReferralKind.NOTIFICATION_WITHOUT_CONSENT
        and r.ground is not None
        and r.submitted_at <= now
        and not any(
            state.responsible_area in c.recipients
            and c.given_at is not None
            and r.submitted_at <= c.given_at <= now
            for c in state.consents
        )
        for r in state.referrals
    )


def by_statute(
    category: Category, task: Task, state: CaseState, rules: SharingRules, now: datetime
) -> bool:
    return (
        task.recipient_org == state.responsible_area
        and task.kind in SHL35_TASKS
        and category in rules.shl35_notification.categories
        and category in SHL35_MINIMUM
        and notification_in_force(state, now)
    )


def has_basis(
    category: Category, task: Task, state: CaseState, rules: SharingRules, now: datetime
) -> bool:
    """An independent reading of the sharing rules and the law."""
    if category == Category.OFFENCE:
        return False
    recipient, purpose = task.recipient_org, purpose_of(task)
    org = default_registry().get(recipient)
    by_agreement = any(
        state.responsible_area in a.areas
        and category in a.categories
        and category in AGREEMENT_MAY_OPEN
        and purpose in a.purposes
        and (recipient in a.recipient_orgs or (org is not None and org.kind in a.recipient_kinds))
        for a in rules.regional_agreements
    )
    internal = (
        org is not None
        and org.kind in (OrgKind.PRISON, OrgKind.COMMUNITY_SANCTIONS_OFFICE)
        and category in AGENCY_OWN
    )
    return (
        bool(by_consent(category, task, state, now))
        or by_statute(category, task, state, rules, now)
        or by_agreement
        or internal
    )


def present(task: Task) -> set[Category]:
    categories = field_categories()
    return {
        categories[name] for name in categories if getattr(task.payload, name) not in (None, [], "")
    }


def _next_case(kind: FactKind, current: CaseState, draw: st.DrawFn) -> tuple[CaseState, FactDetail]:
    """The case after a fact of `kind`, and what the fact says changed."""
    if kind == FactKind.RELEASE_DATE_CHANGED:
        previous = current.release_date or current.expected_release
        moved = TODAY + timedelta(days=draw(st.integers(min_value=1, max_value=200)))
        detail = FactDetail(previous_release_date=previous)
        return current.model_copy(update={"release_date": moved}), detail
    if kind == FactKind.RESPONSIBLE_AREA_CHANGED:
        new_area = draw(st.sampled_from([*COUNTIES, None]))
        detail = FactDetail(previous_area=current.responsible_area)
        return current.model_copy(update={"responsible_area": new_area}), detail
    if kind == FactKind.CONTACT_PERSON_ENDED and current.contacts:
        successor = draw(st.sampled_from([None, "w-successor"]))
        detail = FactDetail(contact=current.contacts[0], successor_worker_ref=successor)
        return current.model_copy(update={"contacts": current.contacts[1:]}), detail
    if kind == FactKind.RELEASED:
        released = current.model_copy(update={"released_at": NOW, "release_date": TODAY})
        return released, FactDetail()
    if kind == FactKind.ASSESSMENT_STARTED and current.assessment_started_at is None:
        return current.model_copy(update={"assessment_started_at": NOW}), FactDetail()
    if kind in (FactKind.REFERRAL_ACKNOWLEDGED, FactKind.REFERRAL_SUBMITTED) and current.referrals:
        return current, FactDetail(referral_id=current.referrals[0].referral_id)
    return current, FactDetail()


@st.composite
def histories(draw: st.DrawFn) -> History:
    rules = draw(sharing_rules())
    current = draw(starting_cases())
    kinds = draw(st.lists(st.sampled_from(EVENT_KINDS), min_size=1, max_size=8))
    consent_ids = [c.consent_id for c in current.consents]
    if consent_ids:
        withdraw_at = draw(st.integers(min_value=0, max_value=len(kinds)))
        kinds.insert(withdraw_at, FactKind.CONSENT_WITHDRAWN)
    state: HandoverState | None = None
    steps: list[Step] = []
    withdrawn: frozenset[str] = frozenset()
    for index, kind in enumerate(kinds):
        now = NOW + timedelta(days=index, hours=draw(st.integers(min_value=0, max_value=23)))
        detail = FactDetail()
        if kind == FactKind.CONSENT_WITHDRAWN:
            target = draw(st.sampled_from(consent_ids))
            current = current.model_copy(
                update={
                    "consents": [
                        c.model_copy(update={"withdrawn_at": now}) if c.consent_id == target else c
                        for c in current.consents
                    ]
                }
            )
            detail = FactDetail(consent_id=target)
        else:
            current, detail = _next_case(kind, current, draw)
        fact = CaseFact(
            fact_id=f"fact-{index}",
            kind=kind,
            person_ref=current.person_ref,
            case_id=current.case_id,
            event_id=f"event-{index}",
            source_org="prison-kuopion",
            occurred_at=now,
            case=current,
            detail=detail,
        )
        outcome = decide(state, fact, PERSONAL, rules, HandoverSettings(), now)
        state = outcome.state
        steps.append(Step(fact, now, outcome.issued, withdrawn))
        withdrawn = withdrawn | {c.consent_id for c in current.consents if c.withdrawn_at}
    return rules, steps


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(histories())
def test_no_task_carries_a_category_without_a_basis(history: History) -> None:
    """Every category in every task has a basis for its recipient: consent, a notification in
    force, an agreement, or the Agency's internal use."""
    rules, steps = history
    for step in steps:
        for issued in step.issued:
            for category in present(issued.task):
                assert has_basis(category, issued.task, step.fact.case, rules, step.now), (
                    category,
                    issued.task.kind,
                    issued.task.recipient_org,
                )


@PROPERTY
@given(histories())
def test_disclosures_match_tasks_and_never_offence(history: History) -> None:
    """Each disclosure lists exactly the categories its task carries, and never offence."""
    _, steps = history
    for step in steps:
        for issued in step.issued:
            assert set(issued.disclosure.categories) == present(issued.task)
            assert Category.OFFENCE not in issued.disclosure.categories


@PROPERTY
@given(histories())
def test_no_disclosure_cites_a_withdrawn_consent(history: History) -> None:
    """After a withdrawal no disclosure cites that consent, as id or as basis."""
    _, steps = history
    for step in steps:
        for issued in step.issued:
            cited = set(issued.disclosure.consent_ids) | {
                b.ref for b in issued.disclosure.bases if b.kind == BasisKind.CONSENT
            }
            assert not cited & step.withdrawn_before


@PROPERTY
@given(histories())
def test_no_task_goes_to_a_guessed_county(history: History) -> None:
    """A county receives a task only when it is responsible, was, or is in the network."""
    _, steps = history
    for step in steps:
        case_now = step.fact.case
        known = {case_now.responsible_area, step.fact.detail.previous_area}
        known |= {c.org for c in case_now.contacts} | {r.submitted_by for r in case_now.referrals}
        if step.fact.detail.contact:
            known.add(step.fact.detail.contact.org)
        for issued in step.issued:
            recipient = issued.task.recipient_org
            if recipient.startswith("county-") and issued.task.kind != TaskKind.CONSENT_REVOKED:
                assert recipient in known


@PROPERTY
@given(histories())
def test_no_task_without_a_basis_for_its_recipient(history: History) -> None:
    """Every issued task carries something its recipient may see; only a revocation notice is
    empty, and it goes only to a recipient of earlier disclosures under that consent."""
    _, steps = history
    for step in steps:
        for issued in step.issued:
            if issued.task.kind == TaskKind.CONSENT_REVOKED:
                assert present(issued.task) == set()
                assert [b.kind for b in issued.task.bases] == [BasisKind.REVOCATION_NOTICE]
            else:
                assert present(issued.task), (issued.task.kind, issued.task.recipient_org)


@PROPERTY
@given(histories())
def test_no_disclosure_cites_a_consent_out_of_force(history: History) -> None:
    """No disclosure cites a consent withdrawn or expired at the time it was made."""
    _, steps = history
    for step in steps:
        consents = {c.consent_id: c for c in step.fact.case.consents}
        for issued in step.issued:
            for consent_id in issued.disclosure.consent_ids:
                assert _in_force(consents[consent_id], step.now), consent_id


@PROPERTY
@given(histories())
def test_notification_basis_stays_within_its_bounds(history: History) -> None:
    """A 35 § 2 mom. basis reaches only the responsible county, only the minimum, only on the
    notification's tasks, and never after it ended."""
    rules, steps = history
    for step in steps:
        state = step.fact.case
        for issued in step.issued:
            if any(b.kind == BasisKind.SHL35_NOTIFICATION for b in issued.task.bases):
                assert issued.task.recipient_org == state.responsible_area
                assert issued.task.kind in SHL35_TASKS
                assert notification_in_force(state, step.now)
            for category in present(issued.task) - set(SHL35_MINIMUM):
                assert not by_statute(category, issued.task, state, rules, step.now)


@PROPERTY
@given(histories())
def test_health_only_with_a_consent_that_lists_it(history: History) -> None:
    """Health data reaches a recipient only under a consent listing health for it."""
    _, steps = history
    for step in steps:
        for issued in step.issued:
            if Category.HEALTH in issued.disclosure.categories:
                assert by_consent(Category.HEALTH, issued.task, step.fact.case, step.now)
