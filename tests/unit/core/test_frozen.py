"""The fast construction and copy of frozen domain models behave like pydantic's own."""

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from services.core.case import CaseState, CaseStatus, Referral
from services.core.vocabulary import ReferralKind

OPENED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _validated() -> CaseState:
    return CaseState(
        case_id="c-1", person_ref="p-1", status=CaseStatus.IN_CUSTODY, opened_at=OPENED
    )


def _built() -> CaseState:
    return CaseState.build(
        case_id="c-1", person_ref="p-1", status=CaseStatus.IN_CUSTODY, opened_at=OPENED
    )


def test_build_equals_validated_construction() -> None:
    """A built model equals the validated one, field for field, defaults included."""
    assert _built() == _validated()


def test_build_serialises_like_validation() -> None:
    """A built model's JSON is byte for byte the validated model's (field order included)."""
    assert _built().model_dump_json() == _validated().model_dump_json()


def test_build_remembers_the_fields_given() -> None:
    """`model_fields_set` names the fields passed in, as after validation."""
    assert _built().model_fields_set == _validated().model_fields_set


def test_build_gives_each_instance_its_own_default_list() -> None:
    """Fields with a default factory get a fresh value per instance."""
    assert _built().referrals is not _built().referrals


def test_build_refuses_an_unknown_field() -> None:
    """A misspelt field name fails loudly instead of being stored."""
    with pytest.raises(TypeError, match="no field"):
        CaseState.build(
            case_id="c-1", person_ref="p-1", status=CaseStatus.IN_CUSTODY, opened_at=OPENED, x=1
        )


def test_build_refuses_a_missing_required_field() -> None:
    """Leaving out a required field fails loudly."""
    with pytest.raises(TypeError, match="needs opened_at"):
        CaseState.build(case_id="c-1", person_ref="p-1", status=CaseStatus.IN_CUSTODY)


def test_model_copy_matches_pydantic() -> None:
    """The fast copy gives the same values, JSON and fields set as pydantic's copy."""
    referral = Referral(
        referral_id="r-1",
        kind=ReferralKind.SELF_REFERRAL,
        submitted_by="county-06",
        submitted_at=OPENED,
    )
    case = _validated()
    ours = case.model_copy(update={"referrals": [referral], "prison": "prison-x"})
    theirs = BaseModel.model_copy(case, update={"referrals": [referral], "prison": "prison-x"})
    assert ours == theirs
    assert ours.model_dump_json() == theirs.model_dump_json()
    assert ours.model_fields_set == theirs.model_fields_set


def test_model_copy_leaves_the_original_alone() -> None:
    """Copying with an update does not change the model it copied."""
    case = _validated()
    case.model_copy(update={"prison": "prison-x"})
    assert case.prison is None
