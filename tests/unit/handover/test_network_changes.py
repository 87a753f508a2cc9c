"""Transfers, contact persons, the responsible county, referral feedback, withdrawn consent."""

from datetime import timedelta

import pytest

from services.core.case import CaseState, ClientPlan, ContactPerson
from services.core.facts import FactKind
from services.core.policy import RulesError
from services.core.tasks import Basis, BasisKind, TaskKind
from services.core.vocabulary import Category, ContactRole, ReferralKind
from services.handover import HandoverState
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, network_consent, recipients, run, to
from tests.unit.policy.builders import COUNTY, NGO, NOW, PRISON, TODAY, consent, referral, rules

TURKU = "prison-turun"
OULU_COUNTY = "county-19"
VANTAA_COUNTY = "county-04"
LEAVING = ContactPerson(
    role=ContactRole.PRISON_CASE_WORKER, org=PRISON, worker_ref="w-1", since=NOW
)
NGO_CONTACT = ContactPerson(role=ContactRole.NGO_SUPPORT, org=NGO, worker_ref="w-2", since=NOW)


def test_transfer_notifies_the_receiving_prison_and_the_county() -> None:
    """S6: Turku prison and the responsible county get a transfer_notice."""
    moved = case(prison=TURKU)
    outcome = run(fact(FactKind.TRANSFERRED, moved, previous_prison="prison-helsingin"))
    assert recipients(outcome) == [TURKU, COUNTY]
    assert {i.task.kind for i in outcome.issued} == {TaskKind.TRANSFER_NOTICE}


def test_transfer_without_a_county_reaches_only_the_prison() -> None:
    """The receiving prison still hears; no county is guessed."""
    moved = case(prison=TURKU, responsible_area=None)
    assert recipients(run(fact(FactKind.TRANSFERRED, moved))) == [TURKU]


def test_successor_receives_a_briefing_addressed_to_them() -> None:
    """S3: the leaving worker's organisation gets a briefing for the named successor."""
    after = case(contacts=[NGO_CONTACT])
    ended = fact(FactKind.CONTACT_PERSON_ENDED, after, contact=LEAVING, successor_worker_ref="w-9")
    task = to(run(ended), PRISON).task
    assert task.kind == TaskKind.CONTACT_PERSON_CHANGED
    assert task.recipient_worker_ref == "w-9"
    assert task.reason_code == "successor_briefing"


def test_prison_successor_briefing_is_internal_use_with_identity() -> None:
    """Reproduction (#13, one controller): the prison's own successor learns which prisoner the
    briefing is about; it is the Agency's internal use, not a disclosure to a third party."""
    after = case(contacts=[NGO_CONTACT], consents=[], referrals=[referral()])
    ended = fact(FactKind.CONTACT_PERSON_ENDED, after, contact=LEAVING, successor_worker_ref="w-9")
    issued = to(run(ended), PRISON)
    assert issued.task.payload.identity_code is not None
    assert issued.task.payload.needs is not None
    assert issued.disclosure.internal_use
    assert [b.kind for b in issued.task.bases] == [BasisKind.INTERNAL_USE]


def test_briefing_carries_county_data_only_within_the_consent() -> None:
    """The Agency's own data is internal use; the contact persons (county and NGO data) reach
    the successor only under a consent that lists them."""
    after = case(contacts=[NGO_CONTACT], consents=[], referrals=[referral()])
    ended = fact(FactKind.CONTACT_PERSON_ENDED, after, contact=LEAVING, successor_worker_ref="w-9")
    assert to(run(ended), PRISON).task.payload.contact_persons is None
    given = consent(recipients=[PRISON], categories=[Category.CONTACT_PERSONS])
    consented = case(contacts=[NGO_CONTACT], consents=[given], referrals=[referral()])
    ended = fact(
        FactKind.CONTACT_PERSON_ENDED, consented, contact=LEAVING, successor_worker_ref="w-9"
    )
    assert to(run(ended), PRISON).task.payload.contact_persons is not None


def test_rest_of_the_network_receives_a_notice() -> None:
    """The county and the NGO get a contact_person_changed notice, not a briefing."""
    after = case(contacts=[NGO_CONTACT], consents=[consent(recipients=[COUNTY, NGO])])
    ended = fact(FactKind.CONTACT_PERSON_ENDED, after, contact=LEAVING, successor_worker_ref="w-9")
    outcome = run(ended)
    assert recipients(outcome) == [PRISON, COUNTY, NGO]
    assert to(outcome, NGO).task.reason_code == "contact_person_changed"
    assert to(outcome, NGO).task.recipient_worker_ref is None


def test_no_successor_asks_the_organisation_to_assign_one() -> None:
    """S3: a named worker leaving with no successor gives the county an assign_successor task."""
    named = ContactPerson(role=ContactRole.NAMED_WORKER, org=COUNTY, worker_ref="w-5", since=NOW)
    outcome = run(fact(FactKind.CONTACT_PERSON_ENDED, case(), contact=named))
    task = to(outcome, COUNTY).task
    assert task.kind == TaskKind.ASSIGN_SUCCESSOR
    assert recipients(outcome) == [COUNTY]


def test_area_change_hands_over_to_the_new_county_and_closes_the_old() -> None:
    """S7: full handover to county 19, closing notice to county 04."""
    moved = case(responsible_area=OULU_COUNTY, destination_municipality="564")
    outcome = run(fact(FactKind.RESPONSIBLE_AREA_CHANGED, moved, previous_area=VANTAA_COUNTY))
    assert recipients(outcome) == [OULU_COUNTY, VANTAA_COUNTY]
    assert to(outcome, OULU_COUNTY).task.reason_code == "area_handover"
    assert to(outcome, VANTAA_COUNTY).task.reason_code == "area_closing"


def test_area_handover_needs_a_consent_naming_the_new_county() -> None:
    """Reproduction (#13.1): the basis does not follow the case to a new county. A notification
    without consent names no county and its tasks are only the referral, release-date and
    release ones; with no consent for county 19 neither county gets anything."""
    moved = case(responsible_area=OULU_COUNTY, referrals=[referral()], consents=[])
    outcome = run(fact(FactKind.RESPONSIBLE_AREA_CHANGED, moved, previous_area=VANTAA_COUNTY))
    assert outcome.issued == []


def test_routing_resolved_hands_over_without_a_closing_notice() -> None:
    """S8 resolved: the first known county gets the handover and nobody gets a closing notice."""
    routed = case(responsible_area=COUNTY)
    outcome = run(fact(FactKind.RESPONSIBLE_AREA_CHANGED, routed))
    assert recipients(outcome) == [COUNTY]


def contact_referral(**overrides: object) -> object:
    """A contact with consent that rests on the case's network consent."""
    values: dict[str, object] = {
        "kind": ReferralKind.CONTACT_WITH_CONSENT,
        "ground": None,
        "consent_not_obtained": None,
        "consent_id": "consent-network",
    }
    return referral(**(values | overrides))


def test_acknowledged_consent_referral_gives_the_referrer_feedback() -> None:
    """SHL 40 § 2 mom.: the prison that referred with consent hears that the county
    acknowledged, under the consent the contact rested on."""
    consented = contact_referral(acknowledged_at=NOW)
    acked = case(referrals=[consented])
    outcome = run(
        fact(FactKind.REFERRAL_ACKNOWLEDGED, acked, source_org=COUNTY, referral_id="ref-1")
    )
    task = to(outcome, PRISON).task
    assert task.kind == TaskKind.REFERRAL_FEEDBACK
    assert task.reason_code == "referral_acknowledged"
    assert task.referral_id == "ref-1"
    assert task.payload.referral_status == "acknowledged"
    assert task.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-network")]


def test_feedback_stops_when_the_contact_consent_is_withdrawn() -> None:
    """Without the consent the contact rested on the referrer hears nothing more."""
    withdrawn = network_consent(withdrawn_at=NOW)
    acked = case(referrals=[contact_referral(acknowledged_at=NOW)], consents=[withdrawn])
    outcome = run(fact(FactKind.REFERRAL_ACKNOWLEDGED, acked, referral_id="ref-1"))
    assert outcome.issued == []


def test_an_agreement_cannot_open_county_client_data() -> None:
    """An agreement is not a law (703/2023 6 §): a rules file granting service status is
    refused."""
    text = """
version: "v1"
regional_agreements:
  - name: feedback
    areas: [county-13]
    recipient_kinds: [prison]
    categories: [service_status]
    purposes: [referral_feedback]
"""
    with pytest.raises(RulesError, match="703/2023"):
        rules(text)


def test_notification_without_consent_gets_no_feedback() -> None:
    """§40 feedback is owed only for a referral made with consent."""
    notified = case(referrals=[referral(acknowledged_at=NOW)])
    outcome = run(fact(FactKind.REFERRAL_ACKNOWLEDGED, notified, referral_id="ref-1"))
    assert outcome.issued == []


def test_assessment_started_gives_each_consent_referrer_feedback_once() -> None:
    """Two consent referrals from the same prison give that prison one feedback task."""
    referrals = [
        contact_referral(),
        contact_referral(referral_id="ref-2"),
        referral(referral_id="ref-3", submitted_by=NGO),
    ]
    started = case(referrals=referrals, assessment_started_at=NOW)
    outcome = run(fact(FactKind.ASSESSMENT_STARTED, started, source_org=COUNTY))
    assert recipients(outcome) == [PRISON]
    assert outcome.issued[0].task.reason_code == "assessment_started"


def given_under_consent() -> HandoverState:
    """County 13 and the NGO both received a task under consent-1 (S4)."""
    shared = consent(recipients=[COUNTY, NGO])
    release = TODAY + timedelta(days=150)
    prepared = run(fact(FactKind.RELEASE_DATE_SET, case(consents=[shared], release_date=release)))
    noticed = run(
        fact(
            FactKind.CONTACT_PERSON_ENDED,
            case(consents=[shared], contacts=[NGO_CONTACT]),
            contact=LEAVING,
            successor_worker_ref="w-9",
        ),
        prepared.state,
    )
    return noticed.state


def withdrawn_case() -> CaseState:
    return case(consents=[consent(recipients=[COUNTY, NGO], withdrawn_at=NOW)])


def test_withdrawal_notifies_every_recipient_under_the_consent_once() -> None:
    """S4: county 13 and the NGO each get one consent_revoked task."""
    state = given_under_consent()
    outcome = run(fact(FactKind.CONSENT_WITHDRAWN, withdrawn_case(), consent_id="consent-1"), state)
    assert sorted(recipients(outcome)) == sorted([COUNTY, NGO])
    assert {i.task.kind for i in outcome.issued} == {TaskKind.CONSENT_REVOKED}


def test_repeated_withdrawal_notifies_nobody_again() -> None:
    """A second withdrawal fact for the same consent issues nothing."""
    state = given_under_consent()
    first = run(fact(FactKind.CONSENT_WITHDRAWN, withdrawn_case(), consent_id="consent-1"), state)
    again = run(
        fact(FactKind.CONSENT_WITHDRAWN, withdrawn_case(), consent_id="consent-1", fact_id="f-2"),
        first.state,
    )
    assert again.issued == []


def test_revocation_notice_cites_no_consent() -> None:
    """The notice itself discloses nothing, under no consent."""
    state = given_under_consent()
    outcome = run(fact(FactKind.CONSENT_WITHDRAWN, withdrawn_case(), consent_id="consent-1"), state)
    assert all(i.disclosure.consent_ids == [] for i in outcome.issued)
    assert all(i.disclosure.categories == [] for i in outcome.issued)


def test_withdrawal_of_an_unused_consent_notifies_nobody() -> None:
    """Nobody received data under consent-2, so nobody is told."""
    state = given_under_consent()
    outcome = run(fact(FactKind.CONSENT_WITHDRAWN, withdrawn_case(), consent_id="consent-2"), state)
    assert outcome.issued == []


def test_plan_network_is_part_of_the_network() -> None:
    """Organisations in the client plan's network hear of a contact change."""
    planned = case(
        plan=ClientPlan(agreed_at=NOW, review_date=TODAY, network=["ngo-silta"]),
        consents=[consent(recipients=[COUNTY, "ngo-silta"])],
    )
    ended = fact(
        FactKind.CONTACT_PERSON_ENDED, planned, contact=LEAVING, successor_worker_ref="w-9"
    )
    assert recipients(run(ended)) == [PRISON, COUNTY, "ngo-silta"]
