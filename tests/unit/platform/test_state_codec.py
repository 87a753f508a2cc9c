"""A stored state reads back as the same state, in fewer bytes than its JSON."""

from services.platform.state_codec import pack, unpacker
from services.referral.decide import PersonState, apply
from tests.unit.referral import builders as b


def test_a_packed_state_unpacks_to_an_equal_state() -> None:
    """pack then unpack gives back an equal state model."""
    state = apply(None, b.custody(), None, b.ORIGIN, b.SETTINGS, b.T0).state
    assert unpacker(PersonState)(pack(state)) == state


def test_the_stored_form_is_smaller_than_the_json() -> None:
    """The stored form of an opened case's state is smaller than its JSON."""
    state = apply(None, b.custody(), None, b.ORIGIN, b.SETTINGS, b.T0).state
    assert len(pack(state)) < len(state.model_dump_json().encode())
