"""no_basis_to_contact: release is near and the county may be told nothing, so the operators
must act (ask the client for consent, or make a notification without consent)."""

from datetime import date

from services.core.calendar import start_of_local_day
from services.core.case import CaseState, Referral
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.core.vocabulary import ConsentNotObtained, ReferralKind, Shl35Ground
from tests.unit.followup.builders import (
    COUNTY,
    PRISON,
    apply,
    at,
    case,
    consent,
    opened,
    resolved,
    start,
    tick,
)

RELEASE = date(2025, 6, 2)
OPENED = at(date(2025, 1, 2))
NEAR = start_of_local_day(date(2025, 5, 19))
"""Fourteen days before release: the default `release_near_days`."""


def planned(**changes: object) -> CaseState:
    return case(**{"release_date": RELEASE, **changes})


def notification(submitted: date) -> Referral:
    return Referral(
        referral_id="ref-1", kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT, submitted_by=PRISON,
        submitted_at=at(submitted), ground=Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
        consent_not_obtained=ConsentNotObtained.CLIENT_REFUSED,
    )


def test_opens_when_release_is_near_and_nobody_may_be_told() -> None:
    """No consent, no notification, release fourteen days away: critical, for the operators."""
    state = start(planned(), OPENED).state
    assert opened(tick(state, at(date(2025, 5, 18), 23)), AlertRule.NO_BASIS_TO_CONTACT) == []
    [alert] = opened(tick(state, NEAR), AlertRule.NO_BASIS_TO_CONTACT)
    assert (alert.severity, alert.area) == (Severity.CRITICAL, COUNTY)


def test_a_consent_naming_the_county_is_a_basis() -> None:
    """With the client's consent for release planning the county can be told: no alert."""
    given = consent(date(2025, 1, 1), date(2026, 1, 1))
    state = start(planned(consents=[given]), OPENED).state
    assert opened(tick(state, NEAR), AlertRule.NO_BASIS_TO_CONTACT) == []


def test_a_consent_for_an_ngo_only_is_no_basis_for_the_county() -> None:
    """A consent that does not name the county does not let the county be told."""
    given = consent(date(2025, 1, 1), date(2026, 1, 1), recipients=("ngo-polku",))
    state = start(planned(consents=[given]), OPENED).state
    assert opened(tick(state, NEAR), AlertRule.NO_BASIS_TO_CONTACT)


def test_a_notification_without_consent_is_a_basis() -> None:
    """A 35 § 2 mom. notification with its ground lets the county be told: no alert."""
    state = start(planned(referrals=[notification(date(2025, 2, 1))]), OPENED).state
    assert opened(tick(state, NEAR), AlertRule.NO_BASIS_TO_CONTACT) == []


def test_resolves_when_the_client_consents() -> None:
    """The coordinator asked; the consent arrives and the alert resolves."""
    state = tick(start(planned(), OPENED).state, NEAR).state
    given = consent(date(2025, 5, 20), date(2026, 1, 1))
    outcome = apply(state, FactKind.CONSENT_GIVEN, planned(consents=[given]), at(date(2025, 5, 20)))
    assert [a.rule for a in resolved(outcome)] == [AlertRule.NO_BASIS_TO_CONTACT]


def test_opens_again_when_the_consent_expires_with_release_near() -> None:
    """A basis resting on a consent ends with it: the rule looks again at the expiry."""
    given = consent(date(2025, 1, 1), date(2025, 5, 25))
    state = tick(start(planned(consents=[given]), OPENED).state, NEAR).state
    assert state.next_due is not None
    outcome = tick(state, start_of_local_day(date(2025, 5, 26)))
    assert opened(outcome, AlertRule.NO_BASIS_TO_CONTACT)


def test_not_for_a_case_nobody_is_responsible_for() -> None:
    """With routing unresolved the routing alert says what is wrong, not this one."""
    state = start(planned(responsible_area=None), OPENED).state
    assert opened(tick(state, NEAR), AlertRule.NO_BASIS_TO_CONTACT) == []
