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

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from services.core.calendar import local_date
from services.core.case import CaseState, Consent
from services.core.drafts import TaskDraft
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
from services.core.tasks import Basis, BasisKind, Task, TaskPayload, field_categories
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


class Evaluation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    payload: TaskPayload
    """Only the permitted fields; every other field is None."""
    withheld: list[Category]
    """Categories that had a value but no basis for this recipient."""
    bases: list[Basis]
    consent_ids: list[str]


class IssuedTask(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    task: Task
    disclosure: DisclosureRecord


def _has_value(value: object) -> bool:
    return value is not None and value not in ([], "")


def _present_categories(payload: TaskPayload) -> list[Category]:
    categories = field_categories()
    present = {categories[name] for name in categories if _has_value(getattr(payload, name))}
    return [c for c in Category if c in present]


def _consent_covers(
    consent: Consent, category: Category, recipient: str, purpose: str, today: date
) -> bool:
    return (
        consent.withdrawn_at is None
        and consent.valid_from <= today <= consent.valid_until
        and category in consent.categories
        and recipient in consent.recipients
        and normalise_purpose(consent.purpose) == normalise_purpose(purpose)
    )


def _shl35_covers(category: Category, recipient: str, case: CaseState, rules: SharingRules) -> bool:
    return (
        case.responsible_area is not None
        and recipient == case.responsible_area
        and any(referral.kind in SHL35_REFERRAL_KINDS for referral in case.referrals)
        and category in rules.shl35_notification.categories
    )


def _agreement_covers(
    agreement: RegionalAgreement, category: Category, recipient: str, purpose: str, area: str | None
) -> bool:
    return (
        area is not None
        and area in agreement.areas
        and category in agreement.categories
        and normalise_purpose(purpose) in agreement.purposes
        and agreement.covers_recipient(recipient)
    )


def bases_for(
    category: Category, draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime
) -> list[Basis]:
    """Every basis that lets `category` reach the draft's recipient for the draft's purpose."""
    if category in NEVER_SHARED:
        return []
    recipient, purpose, today = draft.recipient_org, draft.purpose, local_date(now)
    found = [
        Basis(kind=BasisKind.CONSENT, ref=consent.consent_id)
        for consent in case.consents
        if _consent_covers(consent, category, recipient, purpose, today)
    ]
    if _shl35_covers(category, recipient, case, rules):
        found.append(Basis(kind=BasisKind.SHL35_NOTIFICATION, ref=SHL35_REF))
    found.extend(
        Basis(kind=BasisKind.REGIONAL_AGREEMENT, ref=agreement.name)
        for agreement in rules.regional_agreements
        if _agreement_covers(agreement, category, recipient, purpose, case.responsible_area)
    )
    return found


def evaluate(draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime) -> Evaluation:
    """Keep the fields whose category has a basis; list what was withheld and why it was not."""
    categories = field_categories()
    permitted: dict[Category, list[Basis]] = {}
    withheld: list[Category] = []
    for category in _present_categories(draft.payload):
        found = bases_for(category, draft, case, rules, now)
        if found:
            permitted[category] = found
        else:
            withheld.append(category)
    kept = {
        name: getattr(draft.payload, name)
        for name, category in categories.items()
        if category in permitted
    }
    bases: list[Basis] = []
    for found in permitted.values():
        bases.extend(basis for basis in found if basis not in bases)
    consent_ids = [basis.ref for basis in bases if basis.kind == BasisKind.CONSENT]
    return Evaluation(
        payload=TaskPayload.model_validate(kept),
        withheld=withheld,
        bases=bases,
        consent_ids=consent_ids,
    )


def task_id_for(draft: TaskDraft) -> str:
    """The deterministic id: the same case, kind, trigger and recipient give the same task."""
    return stable_id(draft.case_id, draft.kind.value, draft.trigger, draft.recipient_org)


def issue(draft: TaskDraft, case: CaseState, rules: SharingRules, now: datetime) -> IssuedTask:
    """Filter the draft through the policy and record the disclosure it makes."""
    evaluation = evaluate(draft, case, rules, now)
    task_id = task_id_for(draft)
    task = Task(
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
    disclosure = DisclosureRecord(
        disclosure_id=stable_id("disclosure", task_id),
        task_id=task_id,
        task_kind=draft.kind,
        person_ref=draft.person_ref,
        case_id=draft.case_id,
        recipient_org=draft.recipient_org,
        categories=_present_categories(evaluation.payload),
        bases=evaluation.bases,
        consent_ids=evaluation.consent_ids,
        rules_version=rules.version,
        disclosed_at=now,
    )
    return IssuedTask(task=task, disclosure=disclosure)
