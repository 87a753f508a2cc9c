"""An organisation given its own sink and task source (the demo's --gateway-org) publishes
and reads its tasks only through them."""

from datetime import UTC, datetime
from typing import Any

from services.core.events import InboundEvent, ReferralAcknowledged
from services.core.tasks import Priority, Task, TaskKind, TaskPayload
from services.platform.settings import Settings
from services.simulator.config import SimulationConfig
from services.simulator.responder import responses
from services.simulator.run import Simulation


class Collected:
    """A sink that keeps what it is given (stands where the gateway client would)."""

    def __init__(self) -> None:
        self.events: list[InboundEvent] = []

    def publish(self, event: InboundEvent, *, wait: bool = False) -> Any:
        self.events.append(event)

    def flush(self, timeout: float = 30.0) -> None:
        return None

    def close(self) -> None:
        return None


def test_an_organisation_with_a_sink_of_its_own_publishes_through_it() -> None:
    """The county's event goes to its sink, counted like any other event."""
    sink = Collected()
    simulation = Simulation(
        Settings(), SimulationConfig(seed=1, days=1, people=1), publishers={"county-13": sink}
    )
    event = ReferralAcknowledged(
        event_id="e-1",
        occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
        source_org="county-13",
        person_ref="p-" + "c" * 40,
        referral_id="r-1",
    )
    simulation._publish("county-13", event)
    assert sink.events == [event]
    assert simulation.report.events_by_type["ReferralAcknowledged"] == 1


class Fetched:
    """A task source that hands out its tasks once (stands where the gateway client would)."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks = tasks

    def fetch_tasks(self, wait: float = 0.0, limit: int = 500) -> list[Task]:
        found, self.tasks = self.tasks, []
        return found


class NoTopics:
    """A Kafka task reader with nothing on the other counties' topics."""

    def read(self) -> list[bytes]:
        return []


def _task(task_id: str) -> Task:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    return Task(
        task_id=task_id,
        kind=TaskKind.RELEASED,
        case_id="c",
        person_ref="p-" + "a" * 40,
        recipient_org="county-13",
        created_at=at,
        due_at=at,
        priority=Priority.NORMAL,
        reason_code="first_meeting",
        payload=TaskPayload.model_validate({}),
        rules_version="1",
    )


def test_tasks_from_an_organisation_source_are_answered_like_those_on_its_topic() -> None:
    """Each task the county reads from its source is seen once and answered as the responder
    plans, as a task read from Kafka would be."""
    tasks = [_task(f"t-{n}") for n in range(20)]
    config = SimulationConfig(seed=1, days=1, people=1)
    simulation = Simulation(Settings(), config, task_sources={"county-13": Fetched(tasks)})
    simulation._read_tasks(NoTopics())  # type: ignore[arg-type]
    simulation._read_tasks(NoTopics())  # type: ignore[arg-type]
    counties, registry = simulation.counties, simulation.registry
    planned = sorted(a.event_id for t in tasks for a in responses(t, counties, registry, 1))
    assert simulation.report.tasks_seen == len(tasks)
    assert sorted(answer.event_id for _, _, answer in simulation._pending) == planned
    assert planned, "some of the twenty tasks are answered"
