"""RFC 9457 problem documents: every refusal names its kind by a stable `type` URI."""

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://jatkumo.fi/problems/"


class Problem(BaseModel):
    """A problem document. `detail` names fields and rules, never the values sent."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[str] | None = None
    """Field locations and error kinds of an invalid body (no values)."""


class ProblemError(Exception):
    """Raised anywhere in a request: the handler answers with the problem document."""

    def __init__(
        self,
        kind: str,
        title: str,
        status: int,
        detail: str | None = None,
        errors: list[str] | None = None,
    ) -> None:
        super().__init__(f"{kind}: {detail or title}")
        self.problem = Problem(
            type=TYPE_BASE + kind, title=title, status=status, detail=detail, errors=errors
        )


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problem statuses an operation may answer."""
    return {
        status: {
            "model": Problem,
            "description": "A problem document (RFC 9457)",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
