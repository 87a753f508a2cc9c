"""Synthetic cases, consents, referrals and drafts for policy and handover tests.

Only temporary identity codes (individual number 900-999) and obviously synthetic names.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.core.case import CaseState, CaseStatus, Consent, Referral
from services.core.drafts import PersonalDetails, TaskDraft
from services.core.policy import SharingRules, load_rules
from services.core.tasks import PayloadContact, Priority, TaskKind, TaskPayload
from services.core.vocabulary import (
    Category,
    ConsentNotObtained,
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Shl35Ground,
    Urgency,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
"""A Monday, 12:00 in Finland."""
TODAY = date(2026, 3, 2)
COUNTY = "county-13"
PRISON = "prison-kuopion"
NGO = "ngo-polku"
IDENTITY_CODE = "010594Y9021"

PERSONAL = PersonalDetails(
    identity_code=IDENTITY_CODE,
    full_name="Testi Henkilö",
    phone="+358 40 000 0000",
    referral_summaries={"ref-1": "Synteettinen yhteenveto: ei asuntoa."},
)

RULES_TEXT = """
version: "test-1"
shl35_notification:
  categories: [identity, placement, release_schedule, needs]
regional_agreements:
  - name: test-vkv
    areas: [county-13]
    recipient_kinds: [community_sanctions_office]
    categories: [release_schedule, placement]
    purposes: [supervision]
"""


def rules(text: str = RULES_TEXT) -> SharingRules:
    return load_rules(text)


def no_agreements(version: str = "test-deny") -> SharingRules:
    return SharingRules(version=version)


def consent(**overrides: Any) -> Consent:
    values: dict[str, Any] = {
        "consent_id": "consent-1",
        "given_by_org": PRISON,
        "categories": [Category.IDENTITY, Category.RELEASE_SCHEDULE],
        "recipients": [COUNTY],
        "purpose": "release_planning",
        "valid_from": TODAY - timedelta(days=10),
        "valid_until": TODAY + timedelta(days=355),
    }
    return Consent(**(values | overrides))


def referral(**overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "referral_id": "ref-1",
        "kind": ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
        "submitted_by": PRISON,
        "submitted_at": NOW - timedelta(days=1),
        "needs": [Need.HOUSING, Need.INCOME],
        "urgency": Urgency.URGENT,
        "sealed_summary": "sealed",
        "ground": Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
        "consent_not_obtained": ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT,
    }
    return Referral(**(values | overrides))


def case(**overrides: Any) -> CaseState:
    values: dict[str, Any] = {
        "case_id": "case-1",
        "person_ref": "person-1",
        "status": CaseStatus.IN_CUSTODY,
        "opened_at": NOW - timedelta(days=200),
        "prison": PRISON,
        "sentence_type": SentenceType.LONG_TERM,
        "sentence_start": TODAY - timedelta(days=200),
        "expected_release": TODAY + timedelta(days=150),
        "home_municipality": "297",
        "responsible_area": COUNTY,
    }
    return CaseState(**(values | overrides))


def full_payload(**overrides: Any) -> TaskPayload:
    """A value in every category the payload has."""
    values: dict[str, Any] = {
        "identity_code": IDENTITY_CODE,
        "full_name": "Testi Henkilö",
        "phone": "+358 40 000 0000",
        "release_date": TODAY + timedelta(days=150),
        "release_type": ReleaseType.CONDITIONAL_RELEASE,
        "prison": PRISON,
        "housing_status": HousingStatus.NONE,
        "sentence_type": SentenceType.LONG_TERM,
        "needs": [Need.HOUSING],
        "urgency": Urgency.URGENT,
        "referral_summary": "Synteettinen yhteenveto.",
        "contact_persons": [
            PayloadContact(role=ContactRole.PRISON_CASE_WORKER, org=PRISON, worker_ref="w-1")
        ],
        "plan_review_date": TODAY + timedelta(days=200),
        "plan_network": [COUNTY, NGO],
        "assessment_status": "started",
    }
    return TaskPayload.model_validate(values | overrides)


def draft(**overrides: Any) -> TaskDraft:
    values: dict[str, Any] = {
        "kind": TaskKind.RELEASE_PREPARATION,
        "case_id": "case-1",
        "person_ref": "person-1",
        "recipient_org": COUNTY,
        "trigger": "release:2026-07-30",
        "created_at": NOW,
        "due_at": NOW + timedelta(days=60),
        "priority": Priority.NORMAL,
        "reason_code": "release_date_known",
        "purpose": "release_planning",
        "payload": full_payload(),
    }
    return TaskDraft(**(values | overrides))
