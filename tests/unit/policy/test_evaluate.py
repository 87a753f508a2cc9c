"""The evaluator: which fields reach a recipient, on which basis."""

from datetime import UTC, date, datetime, timedelta

from services.core.policy import bases_for, evaluate
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category, Need, ReferralKind
from tests.unit.policy.builders import (
    NGO,
    NOW,
    TODAY,
    case,
    consent,
    draft,
    full_payload,
    no_agreements,
    referral,
    rules,
)

CSO = "cso-vali-suomen"
ALL_PRESENT = [
    Category.IDENTITY,
    Category.CONTACT_DETAILS,
    Category.RELEASE_SCHEDULE,
    Category.PLACEMENT,
    Category.SENTENCE,
    Category.NEEDS,
    Category.REFERRAL_SUMMARY,
    Category.CONTACT_PERSONS,
    Category.CLIENT_PLAN,
    Category.SERVICE_STATUS,
]
SHL35_BASIS = Basis(kind=BasisKind.SHL35_NOTIFICATION, ref="SHL 1301/2014 35 § 2 mom.")
NGO_AGREEMENT = """
version: "v1"
regional_agreements:
  - name: ngo-schedule
    areas: [county-13]
    recipient_kinds: [ngo]
    categories: [release_schedule, placement]
    purposes: [supervision]
"""


def test_default_deny_withholds_every_category() -> None:
    """With no consent, referral or agreement nothing but metadata reaches the recipient."""
    result = evaluate(draft(), case(), rules(), NOW)
    assert result.payload.model_dump(exclude_none=True) == {}
    assert result.withheld == ALL_PRESENT
    assert result.bases == []
    assert result.consent_ids == []


def test_consent_opens_its_categories_to_its_recipient() -> None:
    """A valid consent keeps exactly the fields of the categories it lists."""
    result = evaluate(draft(), case(consents=[consent()]), rules(), NOW)
    assert result.payload.model_dump(exclude_none=True).keys() == {
        "identity_code",
        "full_name",
        "release_date",
        "release_type",
    }
    assert result.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]
    assert result.consent_ids == ["consent-1"]
    assert Category.IDENTITY not in result.withheld


def test_consent_purpose_matches_as_tokens() -> None:
    """A consent for "Release planning" covers the purpose release_planning."""
    given = consent(purpose="Release planning")
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.consent_ids == ["consent-1"]


def test_consent_for_another_purpose_is_no_basis() -> None:
    """Consent is specific: one for supervision does not open release planning."""
    given = consent(purpose="supervision")
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.payload.identity_code is None
    assert Category.IDENTITY in result.withheld


def test_consent_for_another_recipient_is_no_basis() -> None:
    """A consent naming the NGO does not open anything to the county."""
    given = consent(recipients=[NGO])
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.payload.identity_code is None
    assert result.consent_ids == []


def test_expired_consent_is_no_basis() -> None:
    """A consent whose validity ended yesterday opens nothing."""
    given = consent(valid_until=TODAY - timedelta(days=1))
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.consent_ids == []
    assert result.payload.identity_code is None


def test_consent_not_yet_valid_is_no_basis() -> None:
    """A consent that starts tomorrow opens nothing today."""
    given = consent(valid_from=TODAY + timedelta(days=1))
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.consent_ids == []


def test_consent_valid_on_its_last_day() -> None:
    """valid_until is inclusive."""
    given = consent(valid_until=TODAY)
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.consent_ids == ["consent-1"]


def test_consent_validity_uses_the_finnish_date() -> None:
    """At 23:30 UTC on 31 December it is already 1 January in Finland."""
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    given = consent(valid_from=date(2027, 1, 1), valid_until=date(2027, 12, 31))
    result = evaluate(draft(), case(consents=[given]), rules(), late)
    assert result.consent_ids == ["consent-1"]


def test_withdrawn_consent_is_no_basis() -> None:
    """Withdrawal takes effect at once, even inside the validity period."""
    given = consent(withdrawn_at=NOW - timedelta(minutes=1))
    result = evaluate(draft(), case(consents=[given]), rules(), NOW)
    assert result.consent_ids == []
    assert result.payload.identity_code is None


def test_shl35_notification_gives_the_responsible_county_the_minimum() -> None:
    """After a §35 notification the county gets identity, placement, schedule and needs only."""
    notified = case(referrals=[referral()])
    result = evaluate(draft(), notified, rules(), NOW)
    kept = result.payload.model_dump(exclude_none=True).keys()
    assert kept == {
        "identity_code",
        "full_name",
        "release_date",
        "release_type",
        "prison",
        "housing_status",
        "needs",
        "urgency",
    }
    assert result.bases == [SHL35_BASIS]
    assert Category.REFERRAL_SUMMARY in result.withheld
    assert Category.CONTACT_DETAILS in result.withheld


def test_contact_with_consent_is_no_basis_of_its_own() -> None:
    """Reproduction (#13.1): a contact with consent (35 § 1 mom.) rests on its consent alone;
    once the consent is withdrawn nothing flows, and nothing is relabelled as a notification."""
    withdrawn = consent(withdrawn_at=NOW - timedelta(hours=1))
    contacted = case(
        referrals=[
            referral(
                kind=ReferralKind.CONTACT_WITH_CONSENT,
                ground=None,
                consent_not_obtained=None,
                consent_id="consent-1",
            )
        ],
        consents=[withdrawn],
    )
    result = evaluate(draft(), contacted, rules(), NOW)
    assert result.bases == []
    assert result.payload.model_dump(exclude_none=True) == {}


def test_notification_without_a_ground_is_no_basis() -> None:
    """35 § 2 mom. needs its ground: a notification recorded without one opens nothing."""
    ungrounded = case(referrals=[referral(ground=None)])
    assert evaluate(draft(), ungrounded, rules(), NOW).bases == []


def test_notification_ends_when_the_assessment_starts() -> None:
    """The county has started the assessment: the notification has done its work."""
    started = case(referrals=[referral()], assessment_started_at=NOW - timedelta(hours=1))
    assert evaluate(draft(), started, rules(), NOW).bases == []


def test_notification_ends_when_the_client_consents_to_the_county() -> None:
    """Consent could be obtained after all: the notification's ground no longer carries, and a
    later withdrawal of that consent does not revive it."""
    later = consent(given_at=NOW - timedelta(hours=2), withdrawn_at=NOW - timedelta(hours=1))
    consented_later = case(referrals=[referral()], consents=[later])
    assert evaluate(draft(), consented_later, rules(), NOW).bases == []


def test_notification_reaches_only_the_tasks_that_act_on_it() -> None:
    """A follow-up check after release is not among the notification's tasks."""
    notified = case(referrals=[referral()])
    result = evaluate(draft(kind=TaskKind.FOLLOWUP_CHECK), notified, rules(), NOW)
    assert result.bases == []


def test_health_needs_are_health_not_needs() -> None:
    """Reproduction (#13.4): mental health, substance use and health care needs travel in
    the health category and only a consent listing health opens them."""
    payload = full_payload(needs=[Need.HOUSING], health_needs=[Need.MENTAL_HEALTH])
    needs_only = consent(categories=[Category.NEEDS])
    result = evaluate(draft(payload=payload), case(consents=[needs_only]), rules(), NOW)
    assert result.payload.needs == [Need.HOUSING]
    assert result.payload.health_needs is None
    assert Category.HEALTH in result.withheld
    with_health = consent(categories=[Category.NEEDS, Category.HEALTH])
    result = evaluate(draft(payload=payload), case(consents=[with_health]), rules(), NOW)
    assert result.payload.health_needs == [Need.MENTAL_HEALTH]


def test_ngo_recorded_consent_opens_nothing_for_others() -> None:
    """Reproduction (#13.5): a consent recorded by an NGO never opens data to a county."""
    by_ngo = consent(given_by_org=NGO, recipients=["county-13", NGO])
    result = evaluate(draft(), case(consents=[by_ngo]), rules(), NOW)
    assert result.bases == []
    for_itself = evaluate(draft(recipient_org=NGO), case(consents=[by_ngo]), rules(), NOW)
    assert for_itself.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1")]


def test_self_referral_is_no_shl35_basis() -> None:
    """The person's own application is not a §35 contact by the Agency."""
    applied = case(referrals=[referral(kind=ReferralKind.SELF_REFERRAL)])
    result = evaluate(draft(), applied, rules(), NOW)
    assert result.bases == []


def test_shl35_is_only_for_the_responsible_county() -> None:
    """Another county gets nothing under §35, even after a notification."""
    notified = case(referrals=[referral()])
    result = evaluate(draft(recipient_org="county-04"), notified, rules(), NOW)
    assert result.bases == []


def test_shl35_needs_a_referral() -> None:
    """Without a §35 contact or notification on the case there is no statutory basis."""
    result = evaluate(draft(), case(), rules(), NOW)
    assert SHL35_BASIS not in result.bases


def test_shl35_without_a_responsible_county_opens_nothing() -> None:
    """With routing unresolved the basis cannot apply to any recipient."""
    unrouted = case(responsible_area=None, referrals=[referral()])
    result = evaluate(draft(), unrouted, rules(), NOW)
    assert result.bases == []


def test_regional_agreement_opens_its_categories_to_its_recipient_kind() -> None:
    """The signing county's agreement lets an NGO see schedule and placement only."""
    to_ngo = draft(recipient_org=NGO, purpose="supervision", kind=TaskKind.RELEASED)
    result = evaluate(to_ngo, case(), rules(NGO_AGREEMENT), NOW)
    assert result.payload.model_dump(exclude_none=True).keys() == {
        "release_date",
        "release_type",
        "prison",
        "housing_status",
    }
    assert result.bases == [Basis(kind=BasisKind.REGIONAL_AGREEMENT, ref="ngo-schedule")]


def test_agency_units_use_the_agency_data_internally() -> None:
    """A sanctions office receiving the Agency's own data is internal use, not a disclosure."""
    to_office = draft(recipient_org=CSO, purpose="supervision", kind=TaskKind.RELEASED)
    result = evaluate(to_office, case(), no_agreements(), NOW)
    assert result.payload.identity_code is not None
    assert result.payload.assessment_status is None
    assert result.bases == [
        Basis(kind=BasisKind.INTERNAL_USE, ref="Rikosseuraamuslaitos 1301/2021")
    ]


def test_regional_agreement_by_recipient_code() -> None:
    """An agreement may name a single organisation instead of a kind."""
    text = """
version: "v1"
regional_agreements:
  - name: ngo-housing
    areas: [county-13]
    recipient_orgs: [ngo-polku]
    categories: [placement]
    purposes: [release_planning]
"""
    result = evaluate(draft(recipient_org=NGO), case(), rules(text), NOW)
    assert result.payload.prison is not None
    assert result.payload.identity_code is None


def test_regional_agreement_needs_a_signing_area() -> None:
    """An agreement signed by county 13 does nothing for a person county 04 is responsible for."""
    to_ngo = draft(recipient_org=NGO, purpose="supervision")
    result = evaluate(to_ngo, case(responsible_area="county-04"), rules(NGO_AGREEMENT), NOW)
    assert result.bases == []


def test_regional_agreement_needs_its_purpose() -> None:
    """An agreement for supervision does not cover release planning."""
    result = evaluate(draft(recipient_org=NGO), case(), rules(NGO_AGREEMENT), NOW)
    assert result.bases == []


def test_regional_agreement_needs_its_recipient() -> None:
    """An agreement for sanctions offices does not cover an NGO."""
    to_ngo = draft(recipient_org=NGO, purpose="supervision")
    result = evaluate(to_ngo, case(), rules(), NOW)
    assert result.bases == []


def test_offence_has_no_basis_even_when_consented() -> None:
    """Offence information is never shared, whatever a consent lists."""
    given = consent(categories=[Category.OFFENCE, Category.IDENTITY])
    found = bases_for(Category.OFFENCE, draft(), case(consents=[given]), rules(), NOW)
    assert found == []


def test_every_basis_is_cited_once() -> None:
    """Consent and §35 covering the same fields are both cited, each once."""
    both = case(consents=[consent()], referrals=[referral()])
    result = evaluate(draft(), both, rules(), NOW)
    assert result.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-1"), SHL35_BASIS]


def test_empty_values_are_not_withheld() -> None:
    """Only categories that had a value are reported as withheld."""
    sparse = full_payload(phone=None, needs=[], urgency=None)
    result = evaluate(draft(payload=sparse), case(), no_agreements(), NOW)
    assert Category.CONTACT_DETAILS not in result.withheld
    assert Category.NEEDS not in result.withheld
