"""Each shell writes the table that remembers a decision only after the decision's outputs are
delivered, so a worker that dies in between redoes the decision instead of losing its outputs."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.core.case import Consent
from services.core.envelopes import Intake, Origin
from services.core.events import InboundEvent
from services.core.facts import CaseFact
from services.core.records import Alert, AlertRule, AlertState, Severity
from services.core.vocabulary import Category
from services.followup import stream as followup_stream
from services.followup.state import FollowupOutcome, FollowupState
from services.followup.stream import FollowupShell
from services.handover import stream as handover_stream
from services.platform.clock import Clock
from services.platform.codec import Catalogue
from services.platform.privacy import seal_event
from services.platform.sealing import Sealer
from services.platform.settings import ClockMode, Settings
from services.platform.topics import TopicNames
from services.referral.decide import Admitted, ReferralSettings, apply, gate
from services.referral.stream import ReferralShell
from tests.support.replay import generate
from tests.support.streams import FakeEvent, FakeStream

SETTINGS = Settings()


@dataclass
class Journal:
    """The order in which sends were delivered and tables were written."""

    entries: list[str] = field(default_factory=list)

    def first_write(self) -> int:
        return next(i for i, e in enumerate(self.entries) if e.startswith("write"))

    def deliveries(self) -> list[int]:
        return [i for i, e in enumerate(self.entries) if e.startswith("delivered")]


class RecordingTable(dict[bytes, bytes]):
    def __init__(self, name: str, journal: Journal) -> None:
        super().__init__()
        self.name, self.journal = name, journal

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.journal.entries.append(f"write {self.name}")
        super().__setitem__(key, value)


class FakeRuntime:
    """Enough of `Runtime` for a shell: sends are delivered only when awaited."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.settings = SETTINGS
        self.names = TopicNames()
        self.catalogue = Catalogue()
        self.clock = Clock(ClockMode.EVENT)
        self.keys: dict[str, str] = {}
        self.person_keys = SimpleNamespace(aliases=self.keys)
        self.sealer = Sealer(SETTINGS.fernet_key, person_keys=self.keys)
        self.registry = ReferralSettings().registry
        self.log = SimpleNamespace(exception=lambda *a, **k: None, warning=lambda *a, **k: None)
        self.agents: dict[str, Any] = {}
        self.app = SimpleNamespace(
            Table=lambda name, **_: RecordingTable(name, journal),
            agent=lambda _topic, name: lambda fn: self.agents.setdefault(name, fn),
            topic=lambda *a, **k: None,
            timer=lambda _s: lambda fn: fn,
            task=lambda fn: fn,
        )

    def topic(self, name: str) -> None:
        return None

    async def send(self, topic: str, key: Any, record: Any) -> Any:
        self.journal.entries.append(f"send {topic}")

        async def delivery() -> None:
            await asyncio.sleep(0)
            self.journal.entries.append(f"delivered {topic}")

        return delivery()

    async def dead_letter_at(self, *args: Any, **kwargs: Any) -> Any:
        return await self.send("dlq", None, None)

    def follow_person_keys(self) -> None:
        return None

    async def person_key(self, person_ref: str) -> str | None:
        return self.keys.get(person_ref)

    async def keys_to_open(self, case: Any) -> None:
        return None

    async def send_raw(self, topic: str, key: str, value: bytes | None) -> None:
        self.journal.entries.append(f"delivered {topic}")


def _custody_started() -> tuple[bytes, Intake]:
    """A county-routed person's CustodyStarted as the gate forwards it to the registry."""
    replay = generate(20, seed=3)
    timeline = next(t for t in replay.timelines if len(t) > 5)
    event = timeline[0]
    admitted = gate(event, event.source_org, ReferralSettings().registry, SETTINGS.person_ref_key)
    assert isinstance(admitted, Admitted)
    sanitised, sealed = seal_event(event, admitted.person_ref, Sealer(SETTINGS.fernet_key))
    intake = Intake(
        person_ref=admitted.person_ref,
        event_type=type(event).__name__,
        event=Catalogue().encode(sanitised),
        sealed=sealed,
        origin=Origin(topic="t", partition=0, offset=0),
        received_at=event.occurred_at,
    )
    return admitted.person_ref.encode(), intake


def _opening_fact() -> tuple[bytes, CaseFact]:
    """The registry's first fact for that person."""
    key, intake = _custody_started()
    inner = Catalogue().decode_as(intake.event, InboundEvent)
    outcome = apply(
        None, inner, intake.sealed, intake.origin, ReferralSettings(), inner.occurred_at
    )
    return key, outcome.facts[0]


def _consented(key: bytes, fact: CaseFact) -> tuple[bytes, CaseFact]:
    """The fact about a person who consented to release planning with the county."""
    case = fact.case
    assert case.responsible_area is not None
    given = Consent(
        consent_id="consent-1",
        given_by_org=case.prison or "",
        categories=[Category.IDENTITY],
        recipients=[case.responsible_area],
        purpose="release_planning",
        valid_from=date(2000, 1, 1),
        valid_until=date(2100, 1, 1),
    )
    return key, fact.model_copy(update={"case": case.model_copy(update={"consents": [given]})})


def _assert_outputs_first(journal: Journal) -> None:
    assert journal.deliveries(), journal.entries
    assert max(journal.deliveries()) < journal.first_write(), journal.entries


def test_referral_sends_facts_before_it_remembers_the_event() -> None:
    """The registry's person entry is written after the event's facts are delivered."""
    journal = Journal()
    runtime = FakeRuntime(journal)
    ReferralShell(runtime, ReferralSettings()).wire()  # type: ignore[arg-type]
    key, intake = _custody_started()
    stream = FakeStream(FakeEvent(key, runtime.catalogue.encode(intake)))
    asyncio.run(runtime.agents["referral-registry"](stream))
    assert any(e.startswith("send") and "case-facts" in e for e in journal.entries)
    _assert_outputs_first(journal)


def test_followup_sends_alerts_before_it_remembers_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Followup's state is written after the alerts it raised are delivered."""
    journal = Journal()
    runtime = FakeRuntime(journal)
    FollowupShell(runtime).wire()  # type: ignore[arg-type]
    key, fact = _opening_fact()
    case = fact.case
    alert = Alert(
        alert_id="a-1",
        rule=AlertRule.CONTACT_VACANCY,
        state=AlertState.OPEN,
        person_ref=case.person_ref,
        case_id=case.case_id,
        area=None,
        severity=Severity.WARNING,
        opened_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    outcome = FollowupOutcome(
        state=FollowupState(person_ref=case.person_ref, case=case), alerts=[alert]
    )
    monkeypatch.setattr(followup_stream, "on_fact", lambda *a: outcome)
    stream = FakeStream(FakeEvent(key, runtime.catalogue.encode(fact)))
    asyncio.run(runtime.agents["followup-facts"](stream))
    assert any(e.startswith("send") and "alerts" in e for e in journal.entries)
    _assert_outputs_first(journal)


def test_handover_sends_tasks_before_it_remembers_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handover's issued-task table is written after the tasks are delivered."""
    journal = Journal()
    runtime = FakeRuntime(journal)
    monkeypatch.setattr(handover_stream, "make_runtime", lambda *a, **k: runtime)
    handover_stream.build_app(SETTINGS)
    key, fact = _consented(*_opening_fact())
    stream = FakeStream(FakeEvent(key, runtime.catalogue.encode(fact)))
    asyncio.run(runtime.agents["handover-facts"](stream))
    assert any(e.startswith("send tasks.") for e in journal.entries), journal.entries
    _assert_outputs_first(journal)
