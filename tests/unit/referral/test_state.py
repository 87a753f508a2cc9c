"""The person state travels through a table as JSON and comes back the same."""

from services.referral.decide import PersonState
from tests.unit.referral import builders as b


def test_state_with_a_case_round_trips_through_json() -> None:
    """A state with contacts, referrals, consents and a plan survives JSON unchanged."""
    state = b.run(
        [b.custody(), b.assigned(), b.referral(), b.consent(), b.plan_agreed(), b.task_status()]
    ).state
    assert state is not None
    assert PersonState.model_validate_json(state.model_dump_json()) == state


def test_held_events_round_trip_and_restore() -> None:
    """Held events survive JSON and restore to the event that was held."""
    state = b.run([b.consent(), b.referral()]).state
    assert state is not None
    again = PersonState.model_validate_json(state.model_dump_json())
    assert again == state
    assert [h.restore() for h in again.held] == [b.consent(), b.referral()]


def test_state_holds_no_personal_data() -> None:
    """Neither the identity code nor the sealed text's source appears in the stored state."""
    state = b.run([b.custody(), b.referral()]).state
    assert state is not None
    text = state.model_dump_json()
    assert b.CODE not in text
    assert b.CODE[:6] not in text
