"""Dead letters: where a message came from and why it was refused, its bytes only sealed.

The reason, the detail (fields and rules, never values), the stage and the position (topic,
partition, offset; the topic names the sender) stay in clear, so operators can count and
route. The original value and key are sealed together with the dead-letter key ring
(`JATKUMO_DEAD_LETTER_SECRET`): `original` holds `<key id>:<Fernet token>` and `original_key`
is empty. Only `jatkumo dlq replay`, run by someone who holds that key, opens them.
"""

import base64
import json
from datetime import datetime

from services.core.ids import stable_id
from services.core.records import DeadLetter
from services.platform.keyring import KeyRing, KeyRingError


class SealedLetterError(ValueError):
    """A dead letter's original cannot be opened with this key ring."""


def seal_original(value: bytes, key: bytes | None, ring: KeyRing) -> bytes:
    """The original value and key, sealed together under the ring's newest key."""
    packed = {
        "value": base64.b64encode(value).decode("ascii"),
        "key": None if key is None else base64.b64encode(key).decode("ascii"),
    }
    return ring.encrypt(json.dumps(packed).encode())


def open_original(letter: DeadLetter, ring: KeyRing) -> tuple[bytes, bytes | None]:
    """The original value and key of a sealed dead letter."""
    try:
        packed = json.loads(ring.decrypt(letter.original))
        key = packed["key"]
        return base64.b64decode(packed["value"]), None if key is None else base64.b64decode(key)
    except (KeyRingError, ValueError, KeyError, TypeError) as error:
        raise SealedLetterError("the dead letter does not open with this key ring") from error


def dead_letter(
    stage: str,
    reason_code: str,
    detail: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    original: bytes,
    original_key: bytes | None,
    at: datetime,
    ring: KeyRing,
) -> DeadLetter:
    """One dead letter; the id is stable so a redelivered message dead-letters idempotently."""
    return DeadLetter(
        dead_letter_id=stable_id("dlq", stage, topic, partition, offset, reason_code),
        stage=stage,
        reason_code=reason_code,
        detail=detail[:500],
        topic=topic,
        partition=partition,
        offset=offset,
        original=seal_original(original, original_key, ring),
        original_key=None,
        at=at,
    )
