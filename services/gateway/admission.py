"""Whether a validated event may be published by its caller, and which problem refuses it.

The same rules as the gate on `inbound.<org>` (the gate still runs on everything published):
answering here lets an HTTPS caller learn at once what the stream would dead-letter later.
"""

from collections.abc import Sequence
from typing import Any

from services.core.events import InboundEvent
from services.core.organisations import Registry
from services.gateway.problems import ProblemError
from services.referral.gate import Rejection, gate
from services.referral.reasons import Reason


def admit(event: InboundEvent, caller: str, registry: Registry, secret: bytes) -> None:
    """Raise the problem that refuses `event` from `caller`, or return when the gate admits it."""
    verdict = gate(event, caller, registry, secret)
    if not isinstance(verdict, Rejection):
        return
    if verdict.reason_code == Reason.UNAUTHORISED_SOURCE:
        raise ProblemError(
            "wrong-organisation",
            "Posting as another organisation",
            403,
            "source_org must be the organisation the credentials belong to",
        )
    if verdict.reason_code == Reason.UNAUTHORISED_EVENT_TYPE:
        raise ProblemError("event-type-not-allowed", "Event type not allowed", 403, verdict.detail)
    raise ProblemError(
        "invalid-event",
        "Event refused by the gate",
        422,
        f"{verdict.reason_code}: {verdict.detail}",
    )


def _location(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body")


def body_problem(errors: Sequence[Any]) -> ProblemError:
    """The problem for a request body or parameters that did not validate: locations and error
    kinds only, never the values (a body may hold an identity code)."""
    kinds = {str(error.get("type")) for error in errors}
    listed = sorted({f"{_location(error)}:{error.get('type')}" for error in errors})
    if any(str(error.get("loc", ("body",))[0]) != "body" for error in errors):
        return ProblemError(
            "invalid-parameter",
            "Invalid parameter",
            400,
            "a path or query parameter does not match its schema",
            listed,
        )
    if kinds & {"union_tag_invalid"}:
        return ProblemError(
            "unknown-event-type",
            "Unknown event type",
            422,
            "event_type must name one of the inbound records (see /v1/schemas)",
            listed,
        )
    if "json_invalid" in kinds or _at_root(errors) or "union_tag_not_found" in kinds:
        return ProblemError(
            "malformed-body", "Malformed body", 400, "the body is not a JSON object", listed
        )
    if "extra_forbidden" in kinds:
        return ProblemError(
            "unknown-field",
            "Unknown field",
            422,
            "the body has fields the record does not define",
            listed,
        )
    return ProblemError(
        "invalid-body", "Invalid body", 422, "the body does not match its schema", listed
    )


def _at_root(errors: Sequence[Any]) -> bool:
    return any(tuple(error.get("loc", ())) in {("body",), ()} for error in errors)
