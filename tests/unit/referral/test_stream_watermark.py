"""The referral shell's hold-expiry ticks in event time: paced by broadcasts, not by the gate."""

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from services.core.envelopes import Tick
from services.platform.runtime import make_runtime
from services.platform.settings import ClockMode, Settings
from services.referral.decide import ReferralSettings
from services.referral.stream import BROADCAST, ReferralShell
from tests.support.streams import FakeEvent, FakeStream
from tests.unit.referral import builders as b


def _shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[ReferralShell, list[BaseModel]]:
    settings = Settings(clock=ClockMode.EVENT, data_dir=tmp_path, namespace="unit")
    shell = ReferralShell(make_runtime("referral", settings), ReferralSettings())
    sent: list[BaseModel] = []

    async def send(topic: str, key: str | bytes | None, record: BaseModel) -> object:
        sent.append(record)
        delivered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivered.set_result(None)
        return delivered

    monkeypatch.setattr(shell.rt, "send", send)
    due = {b.PERSON.encode(): (b.T0 - timedelta(hours=1)).isoformat().encode()}
    monkeypatch.setattr(shell, "held_due", due)
    return shell, sent


def test_the_gate_reading_ahead_expires_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event the gate read a week past a held event's deadline sends no expiry tick."""
    shell, sent = _shell(tmp_path, monkeypatch)
    shell.rt.clock.observe(b.T0 + timedelta(days=7))
    asyncio.run(shell._send_due_ticks())
    assert sent == []


def test_a_broadcast_past_the_deadline_sends_the_expiry_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broadcast tick past a held event's deadline ticks that person at the broadcast."""
    shell, sent = _shell(tmp_path, monkeypatch)
    tick = Tick(person_ref=BROADCAST, now=b.T0)
    stream = FakeStream(FakeEvent(BROADCAST.encode(), shell.rt.catalogue.encode(tick)))
    asyncio.run(shell._tick_agent(stream))
    assert sent == [Tick(person_ref=b.PERSON, now=b.T0)]
