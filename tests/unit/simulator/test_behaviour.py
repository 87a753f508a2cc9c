"""County behaviours and their answers to tasks: deterministic, varied, counties only."""

from datetime import UTC, datetime

from services.core.organisations import OrgKind, default_registry
from services.core.tasks import Priority, Task, TaskKind, TaskPayload
from services.core.vocabulary import TaskStatus
from services.simulator.behaviour import BEHAVIOURS, PILOT_COUNTIES, PROMPT, county_behaviours
from services.simulator.responder import responses

REGISTRY = default_registry()


def _task(task_id: str, recipient: str) -> Task:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    return Task(
        task_id=task_id,
        kind=TaskKind.RELEASED,
        case_id="c",
        person_ref="p-" + "a" * 40,
        recipient_org=recipient,
        created_at=at,
        due_at=at,
        priority=Priority.NORMAL,
        reason_code="first_meeting",
        payload=TaskPayload.model_validate({}),
        rules_version="1",
    )


def test_every_county_gets_a_behaviour_and_every_behaviour_is_used() -> None:
    """All 22 county organisers behave somehow; prompt, steady, stretched and silent all occur."""
    counties = county_behaviours(REGISTRY, 7)
    assert set(counties) == {o.code for o in REGISTRY.of_kind(OrgKind.COUNTY)}
    assert set(counties.values()) == set(BEHAVIOURS)


def test_pilot_counties_are_prompt_whatever_the_seed() -> None:
    """Pohjois-Savo and Vantaa-Kerava run the operating model: they are always prompt."""
    for seed in range(5):
        counties = county_behaviours(REGISTRY, seed)
        assert all(counties[code] == PROMPT for code in PILOT_COUNTIES)


def test_behaviours_depend_only_on_the_seed() -> None:
    """Same seed, same behaviours."""
    assert county_behaviours(REGISTRY, 3) == county_behaviours(REGISTRY, 3)


def test_only_counties_answer_tasks() -> None:
    """Prisons, sanctions offices and NGOs are not simulated as answering."""
    counties = county_behaviours(REGISTRY, 7)
    assert responses(_task("t1", "prison-kuopion"), counties, REGISTRY, 7) == []


def test_answers_are_deterministic_and_after_the_task() -> None:
    """The same task gets the same answers, as the recipient, never before the task existed."""
    counties = county_behaviours(REGISTRY, 7)
    tasks = [_task(f"t{n}", "county-13") for n in range(50)]
    answered = [(t, responses(t, counties, REGISTRY, 7)) for t in tasks]
    assert answered == [(t, responses(t, counties, REGISTRY, 7)) for t in tasks]
    assert any(answers for _, answers in answered), "a prompt county answers some tasks"
    for task, answers in answered:
        assert all(a.source_org == "county-13" for a in answers)
        assert all(a.person_ref == task.person_ref for a in answers)
        assert all(a.occurred_at > task.created_at for a in answers)


def test_a_received_task_is_accepted_later_if_at_all() -> None:
    """Whenever both statuses are reported, `received` comes before `accepted`."""
    counties = county_behaviours(REGISTRY, 7)
    silent = [code for code, b in counties.items() if b.name == "silent"]
    for n in range(200):
        answers = responses(_task(f"t{n}", silent[0]), counties, REGISTRY, 7)
        statuses = [a.status for a in answers]
        if len(statuses) == 2:
            assert statuses == [TaskStatus.RECEIVED, TaskStatus.ACCEPTED]
            assert answers[0].occurred_at < answers[1].occurred_at
