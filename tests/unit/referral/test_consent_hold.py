"""A contact with consent (SHL 35 § 1 mom.) rests on a consent: it waits for one, for a while,
and is refused with `consent_missing` when none comes; it never becomes a notification."""

from datetime import timedelta

from services.core.facts import FactKind
from services.core.vocabulary import ReferralKind
from services.referral.decide import expire_held, held_until
from tests.unit.referral import builders as b

CONTACT = {"kind": ReferralKind.CONTACT_WITH_CONSENT, "ground": None, "consent_not_obtained": None}
DAY = timedelta(days=1)


def test_contact_with_consent_in_force_is_accepted_and_cites_it() -> None:
    """With a consent naming the county for release planning, the contact records that consent."""
    outcome = b.run([b.custody(), b.consent(), b.referral(**CONTACT)]).last
    assert outcome.accepted
    assert outcome.state.case is not None
    assert outcome.state.case.referrals[0].consent_id == "k-1"


def test_contact_without_consent_is_held_not_accepted() -> None:
    """No consent yet: the contact waits; nothing is published for it."""
    outcome = b.run([b.custody(), b.referral(**CONTACT)]).last
    assert (outcome.accepted, outcome.held, outcome.facts, outcome.rejections) == (False, 1, [], [])
    assert outcome.state.case is not None
    assert outcome.state.case.referrals == []


def test_consent_arriving_later_releases_the_contact() -> None:
    """The consent recorded a little later on another topic lets the contact through."""
    outcome = b.run(
        [b.custody(), b.referral(**CONTACT), b.consent(occurred_at=b.T0 + 5 * b.DAY)]
    ).last
    kinds = [f.kind for f in outcome.facts]
    assert kinds == [FactKind.CONSENT_GIVEN, FactKind.REFERRAL_SUBMITTED]
    assert outcome.released == 1
    assert outcome.state.held == []


def test_consent_for_another_county_does_not_release_the_contact() -> None:
    """A consent that names only an NGO carries no contact to the county."""
    outcome = b.run([b.custody(), b.referral(**CONTACT), b.consent(recipients=[b.NGO])]).last
    assert [h.event_id for h in outcome.state.held] == ["e-referral"]


def test_contact_never_consented_is_refused_with_consent_missing() -> None:
    """After consent_timeout the contact is dead-lettered as consent_missing, never turned
    into a notification without consent."""
    result = b.run([b.custody(), b.referral(**CONTACT)])
    state = result.state
    assert state is not None
    due = held_until(state, b.SETTINGS)
    assert due == b.referral().occurred_at + b.SETTINGS.consent_timeout
    outcome = expire_held(state, b.SETTINGS, due)
    assert [(r.reason_code, r.was_held) for r in outcome.rejections] == [("consent_missing", True)]
    assert outcome.facts == []
    assert outcome.state.case is not None
    assert outcome.state.case.referrals == []


def test_withdrawn_consent_does_not_carry_a_new_contact() -> None:
    """A consent withdrawn before the contact leaves it waiting for a new one."""
    events = [
        b.custody(),
        b.consent(),
        b.withdrawn(occurred_at=b.T0 + 4 * b.DAY + DAY / 2),
        b.referral(**CONTACT),
    ]
    outcome = b.run(events).last
    assert outcome.held == 1
