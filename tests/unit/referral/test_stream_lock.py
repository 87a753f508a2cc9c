"""The referral shell's registry: intake and hold-expiry ticks of one person never interleave."""

import asyncio
from pathlib import Path

import pytest
from pydantic import BaseModel

from services.core.envelopes import Intake, Tick
from services.platform.runtime import make_runtime
from services.platform.settings import ClockMode, Settings
from services.platform.state_codec import pack, unpacker
from services.referral.decide import PersonState, ReferralSettings, apply
from services.referral.stream import ReferralShell
from tests.support.streams import FakeEvent, FakeStream
from tests.unit.referral import builders as b


def test_expiry_tick_waits_for_the_intake_that_opens_the_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A held event's expiry tick that arrives while its case is opening finds the case open:
    the opened case is never overwritten by a decision made from the old entry."""
    settings = Settings(clock=ClockMode.EVENT, data_dir=tmp_path, namespace="unit")
    shell = ReferralShell(make_runtime("referral", settings), ReferralSettings())
    waiting = apply(None, b.release_date(), None, b.ORIGIN, b.SETTINGS, b.T0 - 6 * b.DAY).state
    key = b.PERSON.encode()
    persons = {key: pack(waiting)}
    monkeypatch.setattr(shell, "persons", persons)
    monkeypatch.setattr(shell, "held_due", {})
    shell.rt.clock.observe(b.T0)
    intake = Intake(
        person_ref=b.PERSON,
        event_type="CustodyStarted",
        event=shell.rt.catalogue.encode(b.custody()),
        origin=b.ORIGIN,
        received_at=b.T0,
    )

    async def race() -> None:
        broker_has_it = asyncio.Event()

        async def send(topic: str, key: str | bytes | None, record: BaseModel) -> object:
            return broker_has_it.wait()

        monkeypatch.setattr(shell.rt, "send", send)
        catalogue = shell.rt.catalogue
        opening = asyncio.create_task(
            shell._registry_agent(FakeStream(FakeEvent(key, catalogue.encode(intake))))
        )
        await asyncio.sleep(0)
        tick = Tick(person_ref=b.PERSON, now=b.T0 + 2 * b.DAY)
        expiring = asyncio.create_task(
            shell._tick_agent(FakeStream(FakeEvent(key, catalogue.encode(tick))))
        )
        await asyncio.sleep(0)
        broker_has_it.set()
        await asyncio.gather(opening, expiring)

    asyncio.run(race())
    final = unpacker(PersonState)(persons[key])
    assert final.case is not None
    assert final.held == []
