"""The information-sharing decision: a draft goes in; a task carrying only permitted fields, or
nothing at all, comes out.

`disclose` is the one place that decides what each recipient may receive, for every task of
every service. Default deny. Each payload field belongs to one data category (declared once, in
`services.core.tasks`); a field with a value reaches the recipient only when its category has a
basis for that recipient. The bases, and only these:

- **consent**: a consent on the case in force on the Helsinki calendar date of `now` that lists
  the category and the recipient and names the draft's purpose (purposes are compared as
  tokens; there is no wildcard). A consent recorded by an NGO opens nothing but that NGO.
  Referral feedback (SHL 40 § 2 mom., "asiakkaan suostumuksella") rests on the consent that the
  contact with consent rested on: while it is in force the referrer hears the referral's status,
  and what the county did with a task the referral caused (`task_outcome`). No other basis
  carries a `task_outcome`: its content is county data (service status), never the Criminal
  Sanctions Agency's own, so internal use does not open it either.
- **SHL 35 § 2 mom. notification without consent**: a notification made on a recorded ground
  opens the rules' minimum (never health, offence or free text) to the responsible county only,
  only on the tasks that let it act on the notification (`SHL35_TASK_KINDS`), and only until
  the county starts the assessment or the client consents to the county after all.
- **regional agreement** signed by the responsible county: operational release facts only.
- **internal use**: a prison or community sanctions office receiving the Criminal Sanctions
  Agency's own data about the person (`AGENCY_CATEGORIES`) is the same controller; it is
  recorded (`internal_use`), but it is not a disclosure to a third party.
- **revocation notice** (GDPR art. 19): an organisation that received data under a consent
  hears that the consent ended; the notice carries nothing but the reference.

No basis, no task: a task whose recipient may see none of its content is not issued at all,
because its metadata (due date, reason code, a stable `person_ref`) is personal data too.
Offence information is never shared.
"""

from collections.abc import Collection
from datetime import date, datetime
from functools import cache, lru_cache

from services.core.calendar import local_date
from services.core.case import CaseState, Consent, Referral
from services.core.drafts import TaskDraft
from services.core.frozen import Frozen
from services.core.ids import stable_id
from services.core.organisations import OrgKind, default_registry, is_agency_unit
from services.core.policy_rules import (
    NEVER_SHARED,
    SHL35_REF,
    Purpose,
    RegionalAgreement,
    RulesError,
    SharingRules,
    default_rules,
    load_rules,
    normalise_purpose,
)
from services.core.records import DisclosureRecord
from services.core.tasks import Basis, BasisKind, Task, TaskKind, TaskPayload, declared_categories
from services.core.vocabulary import Category, ReferralKind

__all__ = [
    "AGENCY_CATEGORIES",
    "SHL35_TASK_KINDS",
    "Evaluation",
    "IssuedTask",
    "Purpose",
    "RulesError",
    "SharingRules",
    "bases_for",
    "consent_for_contact",
    "county_may_be_told",
    "default_rules",
    "disclose",
    "evaluate",
    "load_rules",
    "shl35_notification_in_force",
    "task_id_for",
]

SHL35_TASK_KINDS = frozenset(
    {
        TaskKind.REFERRAL_RECEIVED,
        TaskKind.SHORT_SENTENCE_CONTACT,
        TaskKind.RELEASE_PREPARATION,
        TaskKind.RELEASE_DATE_CHANGED,
        TaskKind.RELEASED,
    }
)
"""The tasks that let the county act on a notification: the referral itself, the release date
set or changed, and the release."""

AGENCY_CATEGORIES = frozenset(
    {
        Category.IDENTITY,
        Category.CONTACT_DETAILS,
        Category.RELEASE_SCHEDULE,
        Category.PLACEMENT,
        Category.SENTENCE,
        Category.NEEDS,
    }
)
"""What the Criminal Sanctions Agency itself records about a prisoner; its units use it
internally. County data (service status, plans, named workers) and health are not among it."""

FEEDBACK_CATEGORIES = frozenset({Category.SERVICE_STATUS})
REVOCATION_REF = "GDPR 2016/679 art. 19"
INTERNAL_USE_REF = "Rikosseuraamuslaitos 1301/2021"


class Evaluation(Frozen):
    payload: TaskPayload
    """Only the permitted fields; every other field is None."""
    withheld: list[Category]
    """Categories that had a value but no basis for this recipient."""
    bases: list[Basis]
    consent_ids: list[str]


class IssuedTask(Frozen):
    task: Task
    disclosure: DisclosureRecord


_EMPTY: tuple[object, ...] = ([], "")
"""Values that carry nothing, besides None."""
_CATEGORY_ORDER = tuple(Category)


def _present_categories(payload: TaskPayload) -> list[Category]:
    categories = declared_categories()
    present = {
        categories[name]
        for name, value in payload.__dict__.items()
        if value is not None and value not in _EMPTY
    }
    return [c for c in _CATEGORY_ORDER if c in present]


@lru_cache(maxsize=1024)
def _normalised(purpose: str) -> str:
    return normalise_purpose(purpose)


@lru_cache(maxsize=4096)
def _recorder_may_name(recorder_code: str, recipient: str) -> bool:
    """A prison, sanctions office or county records consents for the recipients it names; an
    NGO records consent only for itself."""
    recorder = default_registry().get(recorder_code)
    return recorder is not None and (recorder.kind != OrgKind.NGO or recipient == recorder.code)


def _consent_reaches(consent: Consent, recipient: str, purpose: str, today: date) -> bool:
    """The consent is in force and names the recipient and the purpose (any category)."""
    return _reaches(consent, recipient, _normalised(purpose), today)


def _reaches(consent: Consent, recipient: str, normalised_purpose: str, today: date) -> bool:
    """`_consent_reaches` for a purpose already normalised; the cheapest tests first."""
    return (
        recipient in consent.recipients
        and consent.in_force(today)
        and _normalised(consent.purpose) == normalised_purpose
        and _recorder_may_name(consent.given_by_org, recipient)
    )


_RELEASE_PLANNING = normalise_purpose(Purpose.RELEASE_PLANNING)


@lru_cache(maxsize=4096)
def _basis(*, kind: BasisKind, ref: str) -> Basis:
    """A basis is a frozen pair of values: one instance per pair serves every task."""
    return Basis.build(kind=kind, ref=ref)


def _shl35_ended(referral: Referral, case: CaseState, now: datetime) -> bool:
    """The county started the assessment, or the client consented to the county after all:
    consent could be obtained, so the notification's ground no longer carries anything."""
    if case.assessment_started_at is not None and case.assessment_started_at <= now:
        return True
    county = case.responsible_area
    return any(
        county in consent.recipients
        and consent.given_at is not None
        and referral.submitted_at <= consent.given_at <= now
        for consent in case.consents
    )


def shl35_notification_in_force(case: CaseState, now: datetime) -> Referral | None:
    """The notification without consent (with its ground) that still carries a basis, if any."""
    for referral in case.referrals:
        if (
            referral.kind == ReferralKind.NOTIFICATION_WITHOUT_CONSENT
            and referral.ground is not None
            and referral.submitted_at <= now
            and not _shl35_ended(referral, case, now)
        ):
            return referral
    return None


def _agreement_reaches(
    agreement: RegionalAgreement, recipient: str, purpose: str, area: str | None
) -> bool:
    """The agreement binds the area and names the recipient and the purpose (any category)."""
    return (
        area is not None
        and area in agreement.areas
        and _normalised(purpose) in agreement.purposes
        and agreement.covers_recipient(recipient)
    )


FEEDBACK_KINDS = frozenset({TaskKind.REFERRAL_FEEDBACK, TaskKind.TASK_OUTCOME})
"""What the referrer of a contact with consent hears under SHL 40 § 2 mom.: the referral's
status, and the outcome of a task the referral caused."""


def _feedback_consent(draft: TaskDraft, case: CaseState, today: date) -> Consent | None:
    """For feedback to the referrer: the consent its contact rested on, if in force."""
    if draft.kind not in FEEDBACK_KINDS:
        return None
    for referral in case.referrals:
        if (
            referral.referral_id == draft.referral_id
            and referral.submitted_by == draft.recipient_org
            and referral.consent_id is not None
        ):
            consent = next((c for c in case.consents if c.consent_id == referral.consent_id), None)
            if consent is not None and consent.in_force(today):
                return consent
    return None


class _Grants:
    """What may reach one draft's recipient for its purpose, worked out once per draft.

    Whether a source applies depends on the recipient, the purpose, the task kind, the case and
    the day, not on the category; only the category lists do. So each source is checked once
    and each category only looks itself up in the lists.
    """

    __slots__ = ("sources",)

    def __init__(self, draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime):
        recipient, purpose, today = draft.recipient_org, draft.purpose, local_date(now)
        wanted = _normalised(purpose)
        self.sources: list[tuple[Basis, Collection[Category]]] = [
            (_basis(kind=BasisKind.CONSENT, ref=consent.consent_id), consent.categories)
            for consent in case.consents
            if _reaches(consent, recipient, wanted, today)
        ]
        feedback = _feedback_consent(draft, case, today)
        if feedback is not None:
            basis = _basis(kind=BasisKind.CONSENT, ref=feedback.consent_id)
            self.sources.append((basis, FEEDBACK_CATEGORIES))
        if (
            draft.kind in SHL35_TASK_KINDS
            and recipient == case.responsible_area
            and shl35_notification_in_force(case, now) is not None
        ):
            shl35 = _basis(kind=BasisKind.SHL35_NOTIFICATION, ref=SHL35_REF)
            self.sources.append((shl35, rules.shl35_notification.categories))
        self.sources.extend(
            (
                _basis(kind=BasisKind.REGIONAL_AGREEMENT, ref=agreement.name),
                agreement.categories,
            )
            for agreement in rules.regional_agreements
            if _agreement_reaches(agreement, recipient, purpose, case.responsible_area)
        )
        if is_agency_unit(recipient):
            internal = _basis(kind=BasisKind.INTERNAL_USE, ref=INTERNAL_USE_REF)
            self.sources.append((internal, AGENCY_CATEGORIES))

    def bases(self, category: Category) -> list[Basis]:
        if category in NEVER_SHARED:
            return []
        return [basis for basis, categories in self.sources if category in categories]


def bases_for(
    category: Category, draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> list[Basis]:
    """Every basis that lets `category` reach the draft's recipient for the draft's purpose."""
    return _Grants(draft, case, rules, now).bases(category)


def consent_for_contact(case: CaseState, on: date) -> Consent | None:
    """The consent a contact with consent (SHL 35 § 1 mom.) rests on: in force on `on`, naming
    the responsible county (any county while routing is unresolved) for release planning."""
    county = case.responsible_area
    for consent in case.consents:
        # Only a county the consent names can be reached, so look at those alone.
        named = (
            (county,) if county is not None else [r for r in consent.recipients if r in _counties()]
        )
        if any(_reaches(consent, c, _RELEASE_PLANNING, on) for c in named):
            return consent
    return None


@cache
def _counties() -> frozenset[str]:
    return frozenset(org.code for org in default_registry().of_kind(OrgKind.COUNTY))


def county_may_be_told(case: CaseState, now: datetime) -> bool:
    """Whether the responsible county can be told anything that lets it act before release:
    a consent in force that names it for release planning, or a notification in force."""
    county = case.responsible_area
    if county is None:
        return False
    today = local_date(now)
    for consent in case.consents:
        if _reaches(consent, county, _RELEASE_PLANNING, today):
            return True
    return shl35_notification_in_force(case, now) is not None


def evaluate(draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime) -> Evaluation:
    """Keep the fields whose category has a basis; list what was withheld and why it was not."""
    return _evaluate(draft, case, rules, now)[0]


def _evaluate(
    draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> tuple[Evaluation, dict[Category, list[Basis]]]:
    """`evaluate`, and each permitted category with its bases (in category order: every field
    of a permitted category is kept, every other is emptied)."""
    permitted, withheld = _permitted(draft, case, rules, now)
    return _evaluation(draft, permitted, withheld), permitted


def _permitted(
    draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> tuple[dict[Category, list[Basis]], list[Category]]:
    """Each present category with a basis, with its bases; and the present ones without."""
    grants = _Grants(draft, case, rules, now)
    permitted: dict[Category, list[Basis]] = {}
    withheld: list[Category] = []
    for category in _present_categories(draft.payload):
        found = grants.bases(category)
        if found:
            permitted[category] = found
        else:
            withheld.append(category)
    return permitted, withheld


def _evaluation(
    draft: TaskDraft, permitted: dict[Category, list[Basis]], withheld: list[Category]
) -> Evaluation:
    values = draft.payload.__dict__
    kept = {
        name: values[name]
        for name, category in declared_categories().items()
        if category in permitted
    }
    # Each basis once, in the order first found (two bases are equal when kind and ref are).
    unique: dict[tuple[BasisKind, str], Basis] = {}
    for found in permitted.values():
        for basis in found:
            unique.setdefault((basis.kind, basis.ref), basis)
    bases = list(unique.values())
    consent_ids = [basis.ref for basis in bases if basis.kind == BasisKind.CONSENT]
    return Evaluation.build(
        payload=TaskPayload.build(**kept),
        withheld=withheld,
        bases=bases,
        consent_ids=consent_ids,
    )


def task_id_for(draft: TaskDraft) -> str:
    """The deterministic id: the same case, kind, trigger and recipient give the same task."""
    return stable_id(draft.case_id, draft.kind.value, draft.trigger, draft.recipient_org)


def _revocation(draft: TaskDraft) -> Evaluation:
    """A revocation notice carries no content, only the basis that lets it be sent."""
    return Evaluation.build(
        payload=TaskPayload.build(),
        withheld=_present_categories(draft.payload),
        bases=[_basis(kind=BasisKind.REVOCATION_NOTICE, ref=REVOCATION_REF)],
        consent_ids=[],
    )


def disclose(
    draft: TaskDraft,
    case: CaseState,
    rules: SharingRules,
    now: datetime,
    *,
    task_id: str | None = None,
) -> IssuedTask | None:
    """The task the recipient may receive and the record of the disclosure, or None when the
    recipient has no basis for any of the draft's content (then nothing is sent at all).

    `task_id` is `task_id_for(draft)`, for a caller that has it already.
    """
    permitted: dict[Category, list[Basis]] = {}
    if draft.kind == TaskKind.CONSENT_REVOKED:
        evaluation = _revocation(draft)
    else:
        permitted, withheld = _permitted(draft, case, rules, now)
        if not permitted:
            return None
        evaluation = _evaluation(draft, permitted, withheld)
    internal = bool(permitted) and all(
        any(b.kind == BasisKind.INTERNAL_USE for b in found) for found in permitted.values()
    )
    task_id = task_id or task_id_for(draft)
    task = Task.build(
        task_id=task_id,
        kind=draft.kind,
        case_id=draft.case_id,
        person_ref=draft.person_ref,
        recipient_org=draft.recipient_org,
        created_at=draft.created_at,
        due_at=draft.due_at,
        priority=draft.priority,
        reason_code=draft.reason_code,
        payload=evaluation.payload,
        withheld_categories=evaluation.withheld,
        bases=evaluation.bases,
        rules_version=rules.version,
        recipient_worker_ref=draft.recipient_worker_ref,
        supersedes=draft.supersedes,
        referral_id=draft.referral_id,
    )
    disclosure = DisclosureRecord.build(
        disclosure_id=stable_id("disclosure", task_id),
        task_id=task_id,
        task_kind=draft.kind,
        person_ref=draft.person_ref,
        case_id=draft.case_id,
        recipient_org=draft.recipient_org,
        categories=list(permitted),
        bases=evaluation.bases,
        consent_ids=evaluation.consent_ids,
        rules_version=rules.version,
        disclosed_at=now,
        internal_use=internal,
    )
    return IssuedTask.build(task=task, disclosure=disclosure)
