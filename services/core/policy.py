"""The information-sharing policy: a draft goes in, a task carrying only permitted fields comes out.

Default deny. Each payload field belongs to one data category (declared once, in
`services.core.tasks`); a field with a value reaches the recipient only when its category has a
basis for that recipient:

- a consent on the case that is not withdrawn, is valid on the Helsinki calendar date of `now`,
  lists the category and the recipient, and names the draft's purpose. There is no wildcard
  purpose: consent must be specific, so a consent for `release planning` does not open
  supervision. Purposes are compared as tokens (case, spaces and hyphens do not matter);
- the SHL §35 basis of the rules (see `services.core.policy_rules`): the recipient is the case's
  responsible county and the case has a §35 contact or notification referral;
- a regional agreement signed by the case's responsible county that lists the recipient, the
  category and the purpose.

Offence information is never shared. Task metadata (kind, due date, person_ref, reason code) is
always allowed: it tells the recipient to act without saying anything about the person.
"""

from collections.abc import Collection
from datetime import date, datetime
from functools import lru_cache

from services.core.calendar import local_date
from services.core.case import CaseState, Consent
from services.core.drafts import TaskDraft
from services.core.frozen import Frozen
from services.core.ids import stable_id
from services.core.policy_rules import (
    NEVER_SHARED,
    SHL35_REF,
    SHL35_REFERRAL_KINDS,
    Purpose,
    RegionalAgreement,
    RulesError,
    SharingRules,
    default_rules,
    load_rules,
    normalise_purpose,
)
from services.core.records import DisclosureRecord
from services.core.tasks import Basis, BasisKind, Task, TaskPayload, declared_categories
from services.core.vocabulary import Category

__all__ = [
    "Evaluation",
    "IssuedTask",
    "Purpose",
    "RulesError",
    "SharingRules",
    "bases_for",
    "default_rules",
    "evaluate",
    "issue",
    "load_rules",
    "task_id_for",
]


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


def _consent_reaches(consent: Consent, recipient: str, purpose: str, today: date) -> bool:
    """The consent is in force and names the recipient and the purpose (any category)."""
    return (
        consent.withdrawn_at is None
        and consent.valid_from <= today <= consent.valid_until
        and recipient in consent.recipients
        and _normalised(consent.purpose) == _normalised(purpose)
    )


def _shl35_reaches(recipient: str, case: CaseState) -> bool:
    """The §35 basis exists for this recipient on this case (for the categories it lists)."""
    return (
        case.responsible_area is not None
        and recipient == case.responsible_area
        and any(referral.kind in SHL35_REFERRAL_KINDS for referral in case.referrals)
    )


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


@lru_cache(maxsize=1024)
def _normalised(purpose: str) -> str:
    return normalise_purpose(purpose)


class _Grants:
    """What may reach one draft's recipient for its purpose, worked out once per draft.

    Whether a consent, the §35 basis or an agreement applies depends on the recipient, the
    purpose, the case and the day, not on the category; only the category lists do. So each
    source is checked once and each category only looks the category up in the lists.
    """

    __slots__ = ("sources",)

    def __init__(self, draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime):
        recipient, purpose, today = draft.recipient_org, draft.purpose, local_date(now)
        self.sources: list[tuple[Basis, Collection[Category]]] = [
            (Basis.build(kind=BasisKind.CONSENT, ref=consent.consent_id), consent.categories)
            for consent in case.consents
            if _consent_reaches(consent, recipient, purpose, today)
        ]
        if _shl35_reaches(recipient, case):
            shl35 = Basis.build(kind=BasisKind.SHL35_NOTIFICATION, ref=SHL35_REF)
            self.sources.append((shl35, rules.shl35_notification.categories))
        area = case.responsible_area
        self.sources.extend(
            (
                Basis.build(kind=BasisKind.REGIONAL_AGREEMENT, ref=agreement.name),
                agreement.categories,
            )
            for agreement in rules.regional_agreements
            if _agreement_reaches(agreement, recipient, purpose, area)
        )

    def bases(self, category: Category) -> list[Basis]:
        if category in NEVER_SHARED:
            return []
        return [basis for basis, categories in self.sources if category in categories]


def bases_for(
    category: Category, draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> list[Basis]:
    """Every basis that lets `category` reach the draft's recipient for the draft's purpose."""
    return _Grants(draft, case, rules, now).bases(category)


def evaluate(draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime) -> Evaluation:
    """Keep the fields whose category has a basis; list what was withheld and why it was not."""
    return _evaluate(draft, case, rules, now)[0]


def _evaluate(
    draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> tuple[Evaluation, list[Category]]:
    """`evaluate`, and the categories the filtered payload carries (the permitted ones, in
    category order: every field of a permitted category is kept, every other is emptied)."""
    categories = declared_categories()
    grants = _Grants(draft, case, rules, now)
    permitted: dict[Category, list[Basis]] = {}
    withheld: list[Category] = []
    for category in _present_categories(draft.payload):
        found = grants.bases(category)
        if found:
            permitted[category] = found
        else:
            withheld.append(category)
    values = draft.payload.__dict__
    kept = {name: values[name] for name, category in categories.items() if category in permitted}
    bases: list[Basis] = []
    for found in permitted.values():
        bases.extend(basis for basis in found if basis not in bases)
    consent_ids = [basis.ref for basis in bases if basis.kind == BasisKind.CONSENT]
    evaluation = Evaluation.build(
        payload=TaskPayload.build(**kept),
        withheld=withheld,
        bases=bases,
        consent_ids=consent_ids,
    )
    return evaluation, list(permitted)


def task_id_for(draft: TaskDraft) -> str:
    """The deterministic id: the same case, kind, trigger and recipient give the same task."""
    return stable_id(draft.case_id, draft.kind.value, draft.trigger, draft.recipient_org)


def issue(
    draft: TaskDraft,
    case: CaseState,
    rules: SharingRules,
    now: datetime,
    *,
    task_id: str | None = None,
) -> IssuedTask:
    """Filter the draft through the policy and record the disclosure it makes.

    `task_id` is `task_id_for(draft)`, for a caller that has it already.
    """
    evaluation, disclosed = _evaluate(draft, case, rules, now)
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
    )
    disclosure = DisclosureRecord.build(
        disclosure_id=stable_id("disclosure", task_id),
        task_id=task_id,
        task_kind=draft.kind,
        person_ref=draft.person_ref,
        case_id=draft.case_id,
        recipient_org=draft.recipient_org,
        categories=disclosed,
        bases=evaluation.bases,
        consent_ids=evaluation.consent_ids,
        rules_version=rules.version,
        disclosed_at=now,
    )
    return IssuedTask.build(task=task, disclosure=disclosure)
