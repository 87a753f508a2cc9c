"""Which dead letters `jatkumo dlq replay` feeds back, and where (pure).

A dead letter is replayable when it was refused on its way in: at the gate (its topic is an
`inbound.<org>` topic, replayed there to pass the gate again) or by a fault of the registry
(its topic is `referral.intake`). The registry's own refusals (`case_closed`, `held_too_long`
…) are decided by the person's case and are not replayed under the same event id: the registry
remembers its decision, so the sender resends such an event with a new `event_id`.

Replay is idempotent by event id: one letter per event id (per dead letter id when the original
names none) is replayed in a run, and the registry deduplicates by event id, so replaying again
never makes a second fact.
"""

from dataclasses import dataclass
from datetime import datetime

from services.core.records import DeadLetter
from services.platform.topics import TopicNames

REGISTRY_FAULT = ("referral.registry", "internal_error")


@dataclass(frozen=True)
class Opened:
    """A dead letter with its original opened (value, key) and the event id it names."""

    letter: DeadLetter
    value: bytes
    key: bytes | None
    event_id: str | None


@dataclass(frozen=True)
class ReplayPlan:
    replay: list[Opened]
    repeats: int
    """Letters of an event id (or dead letter id) already in `replay`."""
    not_replayable: int
    """Registry refusals, and letters of other stages."""


def selected(letters: list[DeadLetter], reason: str, since: datetime | None) -> list[DeadLetter]:
    """The letters of one reason (at or after `since`), oldest first, each dead letter once."""
    unique = {
        letter.dead_letter_id: letter
        for letter in letters
        if letter.reason_code == reason and (since is None or letter.at >= since)
    }
    return sorted(unique.values(), key=lambda x: (x.at, x.topic, x.partition, x.offset))


def replayable(letter: DeadLetter, names: TopicNames) -> bool:
    if letter.stage == "referral.gate":
        return names.org_of(letter.topic) is not None
    return letter.topic == names.intake and (letter.stage, letter.reason_code) == REGISTRY_FAULT


def plan(opened: list[Opened], names: TopicNames) -> ReplayPlan:
    """What to replay: each replayable letter once per event id."""
    seen: set[str] = set()
    replay: list[Opened] = []
    repeats = not_replayable = 0
    for item in opened:
        if not replayable(item.letter, names):
            not_replayable += 1
            continue
        identity = item.event_id or item.letter.dead_letter_id
        if identity in seen:
            repeats += 1
            continue
        seen.add(identity)
        replay.append(item)
    return ReplayPlan(replay=replay, repeats=repeats, not_replayable=not_replayable)
