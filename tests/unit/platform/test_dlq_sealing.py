"""Dead letters keep their original only sealed, and replay picks each event once."""

from datetime import UTC, datetime, timedelta

import pytest

from services.core.records import DeadLetter
from services.platform.dlq import SealedLetterError, dead_letter, open_original
from services.platform.dlq_replay import Opened, plan, selected
from services.platform.keyring import KeyRing
from services.platform.topics import TopicNames

RING = KeyRing.from_secrets("dlq", ("d1", "dead-letter secret"))
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAMES = TopicNames("ns")
CLEAR = b'{"identity_code": "010594Y9021", "full_name": "Aino"}'


def _letter(
    offset: int,
    reason: str = "unknown_fingerprint",
    stage: str = "referral.gate",
    topic: str = "ns.inbound.prison-kuopion",
    at: datetime = AT,
) -> DeadLetter:
    return dead_letter(
        stage,
        reason,
        "detail",
        topic=topic,
        partition=0,
        offset=offset,
        original=CLEAR,
        original_key=b"010594Y9021",
        at=at,
        ring=RING,
    )


def test_the_original_and_its_key_travel_only_sealed() -> None:
    """Neither the value nor the key of the original is readable in the letter."""
    letter = _letter(1)
    assert b"010594Y9021" not in letter.original
    assert letter.original_key is None
    assert RING.key_id_of(letter.original) == "d1"


def test_the_dead_letter_key_opens_the_original() -> None:
    """With the key ring the exact value and key come back."""
    assert open_original(_letter(1), RING) == (CLEAR, b"010594Y9021")


def test_another_key_does_not_open_it() -> None:
    """A ring without the dead-letter key cannot open the original."""
    other = KeyRing.from_secrets("dlq", ("d9", "someone else's"))
    with pytest.raises(SealedLetterError):
        open_original(_letter(1), other)


def test_selection_is_by_reason_and_time_and_each_letter_once() -> None:
    """Only the reason asked for, at or after `since`, a redelivered letter once."""
    letters = [
        _letter(1),
        _letter(1),
        _letter(2, reason="bad_marker"),
        _letter(3, at=AT - timedelta(days=1)),
    ]
    chosen = selected(letters, "unknown_fingerprint", AT)
    assert [x.offset for x in chosen] == [1]


def test_replay_takes_one_letter_per_event_id() -> None:
    """Two letters of one event id replay once; a letter without an event id by its own id."""
    opened = [
        Opened(_letter(n), CLEAR, None, event_id)
        for n, event_id in ((1, "e-1"), (2, "e-1"), (3, None), (4, None))
    ]
    chosen = plan(opened, NAMES)
    assert ([o.letter.offset for o in chosen.replay], chosen.repeats) == ([1, 3, 4], 1)


def test_registry_refusals_are_not_replayed_but_registry_faults_are() -> None:
    """`case_closed` from the registry stays; an internal error on intake goes back."""
    refused = _letter(1, reason="case_closed", stage="referral.registry")
    fault = _letter(2, reason="internal_error", stage="referral.registry", topic=NAMES.intake)
    chosen = plan([Opened(refused, CLEAR, None, "e-1"), Opened(fault, CLEAR, None, "e-2")], NAMES)
    assert ([o.letter.offset for o in chosen.replay], chosen.not_replayable) == ([2], 1)
