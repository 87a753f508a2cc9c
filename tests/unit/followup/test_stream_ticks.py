"""The followup shell's tick handling, without a broker: broadcasts, and ticks racing facts."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel

from services.core.calendar import local_date
from services.core.case import CaseStatus
from services.core.envelopes import Tick
from services.core.facts import FactKind
from services.core.tasks import Task
from services.core.vocabulary import Category
from services.followup import stream as followup_stream
from services.followup.decide import on_fact
from services.followup.state import FollowupOutcome, FollowupState
from services.followup.stream import BROADCAST, FollowupShell
from services.platform.runtime import make_runtime
from services.platform.settings import ClockMode, Settings
from services.platform.state_codec import pack, unpacker
from tests.support.streams import FakeEvent, FakeStream
from tests.unit.followup.builders import COUNTY, LEVELS, case, consent, fact, released

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FollowupShell, list[object]]:
    settings = Settings(clock=ClockMode.EVENT, data_dir=tmp_path, namespace="unit")
    shell = FollowupShell(make_runtime("followup", settings))
    sent: list[object] = []

    async def record(topic: str, key: str | bytes | None, record: BaseModel) -> None:
        sent.append((topic, key, record))

    monkeypatch.setattr(shell.rt, "send", record)
    due = {
        b"p-due": (NOW - timedelta(hours=1)).isoformat().encode(),
        b"p-later": (NOW + timedelta(days=1)).isoformat().encode(),
    }
    monkeypatch.setattr(shell, "due", due)
    return shell, sent


def _broadcast(shell: FollowupShell) -> FakeStream:
    """A batch holding one broadcast tick at NOW."""
    tick = Tick(person_ref=BROADCAST, now=NOW)
    return FakeStream(FakeEvent(BROADCAST.encode(), shell.rt.catalogue.encode(tick)))


def test_broadcast_tick_sends_the_ticks_that_fell_due_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broadcast tick moves the event clock and ticks exactly the persons now due."""
    shell, sent = _shell(tmp_path, monkeypatch)
    asyncio.run(shell._tick_agent(_broadcast(shell)))
    assert shell.rt.clock.now() == NOW
    assert sent == [(shell.rt.names.followup_ticks, b"p-due", Tick(person_ref="p-due", now=NOW))]


def test_repeated_broadcast_does_not_tick_a_person_twice_for_one_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Firing twice is harmless, and a second broadcast at the same instant sends nothing new."""
    shell, sent = _shell(tmp_path, monkeypatch)
    for _ in range(2):
        asyncio.run(shell._tick_agent(_broadcast(shell)))
    assert len(sent) == 1


def test_tick_waits_for_a_fact_whose_outputs_are_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's tick that arrives while their release is being published decides from the
    released case: the release is never overwritten by a decision made from the old state."""
    settings = Settings(clock=ClockMode.EVENT, data_dir=tmp_path, namespace="unit")
    shell = FollowupShell(make_runtime("followup", settings))
    in_custody = case(release_date=local_date(NOW) + timedelta(days=3))
    key = in_custody.person_ref.encode()
    states: dict[bytes, bytes] = {
        key: pack(FollowupState(person_ref=in_custody.person_ref, case=in_custody))
    }
    monkeypatch.setattr(shell, "states", states)
    monkeypatch.setattr(shell, "due", {})

    async def race() -> None:
        broker_has_it = asyncio.Event()

        async def send(topic: str, key: str | bytes | None, record: BaseModel) -> object:
            return broker_has_it.wait()

        monkeypatch.setattr(shell.rt, "send", send)
        out = released(in_custody, NOW)
        encode = shell.rt.catalogue.encode
        releasing = asyncio.create_task(
            shell._facts_agent(
                FakeStream(FakeEvent(key, encode(fact(FactKind.RELEASED, out, NOW))))
            )
        )
        await asyncio.sleep(0)
        tick = Tick(person_ref=in_custody.person_ref, now=NOW)
        ticking = asyncio.create_task(shell._tick_agent(FakeStream(FakeEvent(key, encode(tick)))))
        await asyncio.sleep(0)
        broker_has_it.set()
        await asyncio.gather(releasing, ticking)

    asyncio.run(race())
    final = unpacker(FollowupState)(states[key])
    assert final.case.status == CaseStatus.RELEASED


def test_a_tick_whose_deadline_moved_on_is_forgotten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a person's tick has moved their deadline, the shell no longer remembers that tick
    (the memory of sent ticks holds pending ones only, not every person ever ticked)."""
    shell, _ = _shell(tmp_path, monkeypatch)
    asyncio.run(shell._tick_agent(_broadcast(shell)))
    assert b"p-due" in shell._ticked
    someone = case()
    moved = FollowupState(person_ref="p-due", case=someone, next_due=NOW + timedelta(days=2))
    monkeypatch.setattr(followup_stream, "on_tick", lambda *a: FollowupOutcome(state=moved))
    monkeypatch.setattr(
        shell, "states", {b"p-due": pack(FollowupState(person_ref="p-due", case=someone))}
    )
    tick = Tick(person_ref="p-due", now=NOW)
    asyncio.run(shell._tick_agent(FakeStream(FakeEvent(b"p-due", shell.rt.catalogue.encode(tick)))))
    assert b"p-due" not in shell._ticked


def test_a_case_fact_does_not_move_the_watermark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's fact a month ahead ticks nobody: only broadcasts move the worker's clock."""
    shell, sent = _shell(tmp_path, monkeypatch)
    monkeypatch.setattr(shell, "states", {})
    ahead = case(release_date=local_date(NOW) + timedelta(days=60))
    value = shell.rt.catalogue.encode(fact(FactKind.CASE_OPENED, ahead, NOW + timedelta(30)))
    asyncio.run(shell._facts_agent(FakeStream(FakeEvent(ahead.person_ref.encode(), value))))
    assert not shell.rt.clock.started()
    assert not any(isinstance(item, tuple) and isinstance(item[2], Tick) for item in sent)


def test_a_task_due_before_a_fact_is_disclosed_on_the_case_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Release nears nine days before a consent naming the county (dated back) arrives with the
    next fact: the release-imminent task that fell due then had no basis and is not sent."""
    shell, _ = _shell(tmp_path, monkeypatch)
    sent: list[BaseModel] = []

    async def send(topic: str, key: str | bytes | None, record: BaseModel) -> object:
        sent.append(record)
        return asyncio.sleep(0)

    monkeypatch.setattr(shell.rt, "send", send)
    earlier = NOW - timedelta(days=10)
    without = case(release_date=local_date(NOW) + timedelta(days=5), responsible_area=COUNTY)
    state = on_fact(None, fact(FactKind.CASE_OPENED, without, earlier), LEVELS, earlier).state
    key = without.person_ref.encode()
    monkeypatch.setattr(shell, "states", {key: pack(state)})
    valid = consent(
        local_date(earlier), local_date(NOW) + timedelta(days=365), recipients=(COUNTY,)
    )
    valid = valid.model_copy(update={"categories": list(Category)})
    given = without.model_copy(update={"consents": [valid]})  # dated back, given only now
    value = shell.rt.catalogue.encode(fact(FactKind.CONSENT_GIVEN, given, NOW))
    asyncio.run(shell._facts_agent(FakeStream(FakeEvent(key, value))))
    assert [r for r in sent if isinstance(r, Task)] == []
    assert unpacker(FollowupState)(shell.states[key]).withheld
