"""An organisation given its own sink (the demo's --gateway-org) publishes only through it."""

from datetime import UTC, datetime
from typing import Any

from services.core.events import InboundEvent, ReferralAcknowledged
from services.platform.settings import Settings
from services.simulator.config import SimulationConfig
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
