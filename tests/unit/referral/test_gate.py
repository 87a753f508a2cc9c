"""Stage 1: the gate admits or rejects each raw inbound event."""

from datetime import date

import pytest

from services.core import identity
from services.core.events import AlertDismissed, InboundEvent
from services.core.organisations import AGENCY_CONTROLLER, default_registry
from services.core.vocabulary import DismissalReason, ReferralKind
from services.referral.decide import Admitted, Rejection, gate
from tests.unit.referral import builders as b

REGISTRY = default_registry()
BAD_CODES = ["010594Y9022", "310294Y9021", "010594Q9021", "010594Y0011", "0105949021", ""]


def admit(event: InboundEvent, topic_org: str | None = None) -> Admitted | Rejection:
    return gate(event, topic_org or event.source_org, REGISTRY, b.SECRET)


def test_admits_a_prison_event_named_by_identity_code() -> None:
    """A prison's event with a valid code is admitted under the code's keyed HMAC."""
    assert admit(b.raw(b.custody())) == Admitted(person_ref=b.PERSON, identity_temporary=True)


def test_identity_code_is_normalised_before_hashing() -> None:
    """Case and surrounding space do not change the person_ref."""
    assert admit(b.raw(b.custody(), code=" 020504b904h ")) == Admitted(
        person_ref=b.OTHER_PERSON, identity_temporary=True
    )


def test_admits_a_county_event_named_by_person_ref() -> None:
    """A county names the person by the person_ref a task gave it."""
    assert admit(b.acknowledged()) == Admitted(person_ref=b.PERSON)


REJECTED: list[tuple[str, InboundEvent, str, str]] = [
    ("other topic", b.raw(b.custody()), "prison-sukevan", "unauthorised_source"),
    (
        "unknown org",
        b.raw(b.custody(source_org="prison-nowhere", prison="prison-nowhere")),
        "prison-nowhere",
        "unknown_organisation",
    ),
    (
        "county sends custody",
        b.raw(b.custody(source_org=b.COUNTY)),
        b.COUNTY,
        "unauthorised_event_type",
    ),
    ("ngo sends referral", b.referral(source_org=b.NGO), b.NGO, "unauthorised_event_type"),
    (
        "prison acknowledges",
        b.acknowledged(source_org=b.PRISON),
        b.PRISON,
        "unauthorised_event_type",
    ),
    (
        "bad check character",
        b.raw(b.custody(), code="010594Y9022"),
        b.PRISON,
        "identity_code_check_mismatch",
    ),
    (
        "impossible date of birth",
        b.raw(b.custody(), code="310294Y9021"),
        b.PRISON,
        "identity_code_impossible_date",
    ),
    (
        "unknown century sign",
        b.raw(b.custody(), code="010594Q9021"),
        b.PRISON,
        "identity_code_malformed",
    ),
    (
        "born in 2052",
        b.raw(b.custody(), code="131052A308T"),
        b.PRISON,
        "identity_code_birth_in_future",
    ),
    ("upper-case ref", b.acknowledged(person_ref=b.PERSON.upper()), b.COUNTY, "invalid_person_ref"),
    ("short ref", b.acknowledged(person_ref=b.PERSON[:-1]), b.COUNTY, "invalid_person_ref"),
    ("no subject", b.custody(person_ref=None), b.PRISON, "missing_subject"),
    ("both subjects", b.custody(identity_code=b.CODE), b.PRISON, "ambiguous_subject"),
]


@pytest.mark.parametrize(
    ("event", "topic_org", "reason"),
    [row[1:] for row in REJECTED],
    ids=[row[0] for row in REJECTED],
)
def test_rejects_with_reason(event: InboundEvent, topic_org: str, reason: str) -> None:
    """Each gate rule rejects with its own stable reason code."""
    result = admit(event, topic_org)
    assert isinstance(result, Rejection)
    assert result.reason_code == reason


INVALID: list[tuple[str, InboundEvent]] = [
    ("custody at another prison", b.custody(prison=b.OTHER_PRISON)),
    ("home municipality not 3 digits", b.custody(home_municipality="29")),
    ("home municipality not digits", b.custody(home_municipality="KPO")),
    ("sentence start 40 years ago", b.custody(sentence_start=date(1985, 1, 1))),
    ("release before start", b.custody(expected_release=date(2025, 1, 1))),
    ("release date in 2090", b.release_date(release_date=date(2090, 1, 1))),
    ("transfer to same prison", b.transfer(to_prison=b.PRISON)),
    ("transfer to a county", b.transfer(to_prison=b.COUNTY)),
    ("transfer between others", b.transfer(from_prison="prison-oulun", to_prison=b.OTHER_PRISON)),
    ("destination not 3 digits", b.released(destination_municipality="5640")),
    ("contact at unknown org", b.assigned(org="ngo-nowhere")),
    ("blank worker", b.assigned(worker_ref=" ")),
    ("successor is the leaver", b.ended(successor_worker_ref="w-1")),
    ("blank successor", b.ended(successor_worker_ref="")),
    ("consent ends before it starts", b.consent(valid_until=date(2025, 1, 1))),
    ("consent to unknown recipient", b.consent(recipients=[b.COUNTY, "ngo-nowhere"])),
    ("consent to nobody", b.consent(recipients=[])),
    ("consent for nothing", b.consent(categories=[])),
    ("consent without purpose", b.consent(purpose="")),
    ("consent until 2099", b.consent(valid_until=date(2099, 1, 1))),
    ("blank consent to withdraw", b.withdrawn(consent_id="")),
    ("blank referral id", b.referral(referral_id=" ")),
    ("ack of blank referral", b.acknowledged(referral_id="")),
    ("plan with unknown network", b.plan_agreed(network=["ngo-nowhere"])),
    ("plan review in 2080", b.plan_agreed(review_date=date(2080, 1, 1))),
    ("next review in 1980", b.plan_reviewed(next_review_date=date(1980, 1, 1))),
    ("blank task id", b.task_status(task_id="")),
]


@pytest.mark.parametrize("event", [row[1] for row in INVALID], ids=[row[0] for row in INVALID])
def test_rejects_nonsense_as_invalid_event(event: InboundEvent) -> None:
    """Event-specific sanity rules reject with `invalid_event`."""
    result = admit(event)
    assert isinstance(result, Rejection)
    assert result.reason_code == "invalid_event"


@pytest.mark.parametrize("code", BAD_CODES)
def test_identity_code_never_appears_in_rejection(code: str) -> None:
    """A rejected identity code is not repeated, whole or in part, in the detail."""
    result = admit(b.raw(b.custody(), code=code))
    assert isinstance(result, Rejection)
    assert result.reason_code.startswith("identity_code_")
    assert code == "" or code not in result.detail
    assert code[:6] == "" or code[:6] not in result.detail


def test_dismissal_of_an_organisation_rule_is_invalid() -> None:
    """A county cannot dismiss `webhook_failing` on a person's case: it is no case's alert."""
    dismissal = AlertDismissed.model_validate(
        {
            "event_id": "e-dis-webhook",
            "occurred_at": b.T0,
            "source_org": b.COUNTY,
            "person_ref": b.PERSON,
            "rule": "webhook_failing",
            "reason": DismissalReason.NAMED_WORKER_NOT_NEEDED,
            "dismissed_by": "worker-7",
        }
    )
    result = admit(dismissal)
    assert isinstance(result, Rejection)
    assert result.reason_code == "invalid_event"


def test_invalid_event_detail_names_the_field_not_the_value() -> None:
    """Details say which field broke which rule, never what the field held."""
    result = admit(b.custody(home_municipality="Matti Meikäläinen"))
    assert isinstance(result, Rejection)
    assert "home_municipality" in result.detail
    assert "Matti" not in result.detail


def test_subject_is_checked_before_contents() -> None:
    """An event with a bad identity code is rejected for the code, not for its contents."""
    result = admit(b.raw(b.custody(home_municipality="x"), code="010594Y9022"))
    assert isinstance(result, Rejection)
    assert result.reason_code == "identity_code_check_mismatch"


@pytest.mark.parametrize("n", range(0, 100, 7))
def test_temporary_codes_from_builders_are_admitted(n: int) -> None:
    """The builder's temporary codes are valid, so they make distinct persons."""
    code = b.temporary_code(n)
    assert identity.is_temporary(code)
    assert admit(b.raw(b.custody(), code=code)) == Admitted(
        person_ref=identity.person_ref(code, b.SECRET, AGENCY_CONTROLLER), identity_temporary=True
    )


def test_birth_date_in_the_future_is_refused() -> None:
    """131052A308T would be born in 2052: refused with its own reason code."""
    result = admit(b.raw(b.custody(), code="131052A308T"))
    assert isinstance(result, Rejection)
    assert result.reason_code == "identity_code_birth_in_future"


def test_temporary_code_is_hashed_with_its_issuing_controller() -> None:
    """The same temporary number from two controllers names two people, and is flagged."""
    from_agency = identity.person_ref(b.CODE, b.SECRET, AGENCY_CONTROLLER)
    from_county = identity.person_ref(b.CODE, b.SECRET, "county-13")
    admitted = admit(b.raw(b.custody()))
    assert isinstance(admitted, Admitted)
    assert admitted.person_ref == from_agency != from_county
    assert admitted.identity_temporary


def test_permanent_code_does_not_depend_on_the_issuer() -> None:
    """A permanent code names one person whichever organisation sends it."""
    code = "131052-308T"
    assert identity.person_ref(code, b.SECRET, AGENCY_CONTROLLER) == identity.person_ref(
        code, b.SECRET, "county-13"
    )
    admitted = admit(b.raw(b.custody(), code=code))
    assert isinstance(admitted, Admitted)
    assert not admitted.identity_temporary


def test_notification_without_consent_needs_its_ground() -> None:
    """SHL 35 § 2 mom.: a notification without a recorded ground is refused."""
    result = admit(b.raw(b.referral(ground=None)))
    assert isinstance(result, Rejection)
    assert result.reason_code == "shl35_ground_missing"


def test_notification_without_consent_needs_why_consent_was_not_obtained() -> None:
    """A ground alone is not enough: the reason consent could not be obtained is recorded."""
    result = admit(b.raw(b.referral(consent_not_obtained=None)))
    assert isinstance(result, Rejection)
    assert result.reason_code == "shl35_ground_missing"


def test_contact_with_consent_needs_no_ground() -> None:
    """A contact with consent rests on the consent, not on a 35 § 2 mom. ground."""
    event = b.raw(
        b.referral(kind=ReferralKind.CONTACT_WITH_CONSENT, ground=None, consent_not_obtained=None)
    )
    assert isinstance(admit(event), Admitted)


def test_ngo_may_not_record_a_consent_for_a_county() -> None:
    """Consents are the controller's: an NGO's consent that names a county is refused."""
    event = b.consent(source_org=b.NGO, recipients=[b.COUNTY, b.NGO])
    result = admit(event, b.NGO)
    assert isinstance(result, Rejection)
    assert result.reason_code == "consent_recorder_not_allowed"


def test_ngo_may_record_a_consent_for_itself() -> None:
    """An NGO records consents for its own work."""
    assert isinstance(admit(b.consent(source_org=b.NGO, recipients=[b.NGO]), b.NGO), Admitted)
