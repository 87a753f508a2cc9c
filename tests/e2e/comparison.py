"""Outcomes of two people that must be the same up to who the people are."""

from typing import Any

from services.core.case import CaseState
from services.core.tasks import Task

PERSONAL_FIELDS = ("identity_code", "full_name", "phone")


def task_shape(task: Task) -> dict[str, Any]:
    """A task without its ids, its creation time and the person's identity."""
    shape = task.model_dump(
        mode="json", exclude={"task_id", "case_id", "person_ref", "created_at", "supersedes"}
    )
    shape["payload"] = {k: v for k, v in shape["payload"].items() if k not in PERSONAL_FIELDS}
    shape["supersedes_another"] = task.supersedes is not None
    return shape


def case_shape(case: CaseState) -> dict[str, Any]:
    """A case without its ids and its sealed (encrypted, so always different) fields."""
    shape = case.model_dump(mode="json", exclude={"case_id", "person_ref", "sealed_identity"})
    for referral in shape["referrals"]:
        referral.pop("sealed_summary", None)
    return shape
