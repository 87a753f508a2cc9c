"""Pure request handling: cursors, body problems, and first answers for repeats."""

import asyncio

import pytest
from pydantic import TypeAdapter, ValidationError

from services.core.events import CustodyStarted
from services.core.organisations import default_registry
from services.gateway import cursor
from services.gateway.admission import admit, body_problem
from services.gateway.answers import AnswerBook
from services.gateway.bodies import Accepted, EventBody, record_schema, to_core
from services.gateway.problems import ProblemError

ADAPTER: TypeAdapter[object] = TypeAdapter(EventBody)
RELEASE = {
    "event_type": "ReleaseDateSet",
    "event_id": "e-1",
    "occurred_at": "2026-03-02T09:00:00Z",
    "source_org": "prison-kuopion",
    "person_ref": "p-" + "a" * 40,
    "release_date": "2026-12-01",
    "release_type": "conditional_release",
}


def _problem_of(body: object) -> str:
    with pytest.raises(ValidationError) as invalid:
        ADAPTER.validate_python(body)
    errors = [{**e, "loc": ("body", *e["loc"])} for e in invalid.value.errors()]
    return body_problem(errors).problem.type.rsplit("/", 1)[1]


def test_cursor_round_trips_and_advances() -> None:
    """A rendered cursor parses back; advancing moves past the offset read."""
    position = cursor.advance(cursor.parse("0:3,1:7"), 1, 9)
    assert cursor.parse(cursor.render(position)) == {0: 3, 1: 10}


@pytest.mark.parametrize("text", ["x", "0:", "0:1;1:2", "-1:3", ":"])
def test_a_cursor_that_was_not_returned_is_a_400(text: str) -> None:
    """Anything but partition:offset pairs gets the invalid-cursor problem."""
    with pytest.raises(ProblemError) as refused:
        cursor.parse(text)
    assert refused.value.problem.status == 400


def test_a_body_becomes_the_core_event_of_its_type() -> None:
    """The event_type picks the core model; the core event has no event_type field."""
    event = to_core(ADAPTER.validate_python(RELEASE))  # type: ignore[arg-type]
    assert type(event).__name__ == "ReleaseDateSet"
    assert "event_type" not in type(event).model_fields


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (RELEASE | {"colour": "blue"}, "unknown-field"),
        (RELEASE | {"event_type": "Nonsense"}, "unknown-event-type"),
        ({k: v for k, v in RELEASE.items() if k != "event_type"}, "malformed-body"),
        ([1, 2], "malformed-body"),
        (RELEASE | {"release_date": "soon"}, "invalid-body"),
    ],
    ids=["unknown-field", "unknown-type", "no-type", "not-an-object", "invalid-field"],
)
def test_each_kind_of_bad_body_has_its_own_problem(body: object, kind: str) -> None:
    """The validation errors of a body map to one stable problem type each."""
    assert _problem_of(body) == kind


def test_body_problems_name_fields_never_values() -> None:
    """The problem lists locations and error kinds, not the rejected value."""
    with pytest.raises(ValidationError) as invalid:
        ADAPTER.validate_python(RELEASE | {"release_date": "secret-value"})
    problem = body_problem([{**e, "loc": ("body", *e["loc"])} for e in invalid.value.errors()])
    assert "secret-value" not in problem.problem.model_dump_json()


def test_posting_as_another_organisation_is_a_403() -> None:
    """source_org must be the caller (the gate's rule, answered at once)."""
    event = to_core(ADAPTER.validate_python(RELEASE))  # type: ignore[arg-type]
    with pytest.raises(ProblemError) as refused:
        admit(event, "prison-turun", default_registry(), b"secret")
    assert refused.value.problem.type.endswith("/wrong-organisation")


def test_an_event_type_the_registry_does_not_allow_is_a_403() -> None:
    """A county may not send CustodyStarted."""
    event = CustodyStarted.model_validate(
        {
            **{
                k: v
                for k, v in RELEASE.items()
                if k not in ("event_type", "release_date", "release_type")
            },
            "source_org": "county-13",
            "prison": "prison-kuopion",
            "sentence_type": "long_term",
            "sentence_start": "2026-03-01",
            "home_municipality": "297",
        }
    )
    with pytest.raises(ProblemError) as refused:
        admit(event, "county-13", default_registry(), b"secret")
    assert refused.value.problem.type.endswith("/event-type-not-allowed")


def test_json_schema_is_served_for_every_record_and_only_those() -> None:
    """Known records have a schema with event_type; unknown names have none."""
    schema = record_schema("ReleaseDateSet")
    assert schema is not None
    assert "event_type" in schema["properties"]
    assert record_schema("Nonsense") is None


def test_a_repeat_gets_the_first_answer_and_produces_once() -> None:
    """The second call with the same key does not run `produce` and answers the first result."""
    book = AnswerBook(capacity=10)
    runs: list[int] = []

    async def produce() -> Accepted:
        runs.append(1)
        return Accepted(event_id=f"e-{len(runs)}", event_type="X", receipt="/r")

    async def twice() -> tuple[Accepted, Accepted]:
        return await book.once(("o", "e"), produce), await book.once(("o", "e"), produce)

    first, second = asyncio.run(twice())
    assert first == second
    assert runs == [1]


def test_a_failed_first_attempt_is_not_remembered() -> None:
    """When publishing fails, a retry publishes again."""
    book = AnswerBook(capacity=10)

    async def fail() -> Accepted:
        raise ProblemError("broker-unavailable", "Broker unavailable", 503)

    async def ok() -> Accepted:
        return Accepted(event_id="e", event_type="X", receipt="/r")

    async def attempts() -> Accepted:
        with pytest.raises(ProblemError):
            await book.once(("o", "e"), fail)
        return await book.once(("o", "e"), ok)

    assert asyncio.run(attempts()).event_id == "e"
