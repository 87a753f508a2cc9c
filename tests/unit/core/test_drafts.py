"""Filling a draft with the person's identity before the sharing policy filters it."""

from services.core.drafts import addressed_to_person
from tests.unit.policy import builders as b


def test_identity_is_filled_and_everything_else_kept() -> None:
    """The identity code and name come from the personal details; other fields stay as drafted."""
    draft = b.draft(payload=b.full_payload(identity_code=None, full_name=None))
    filled = addressed_to_person(draft, b.PERSONAL)
    assert filled.payload.identity_code == b.PERSONAL.identity_code
    assert filled.payload.full_name == b.PERSONAL.full_name
    same = {"identity_code", "full_name"}
    assert filled.payload.model_dump(exclude=same) == draft.payload.model_dump(exclude=same)
    assert filled.model_dump(exclude={"payload"}) == draft.model_dump(exclude={"payload"})
