"""Scan the raw bytes of topics for personal data: identity-code-shaped strings and names.

Everything a topic holds is scanned: each message's key, value and headers. Values that are a
table's stored state (zlib-compressed JSON, `services.platform.state_codec`) are decompressed
first, or compression would hide what they hold. A finding names the topic and offset and the
kind of data, never the data.
"""

import contextlib
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from kafka import KafkaAdminClient

from tests.support.kafka_io import read_to_end
from tests.support.log_privacy import NAME_FORMS, SYNTHETIC_NAME

IDENTITY_CODE_SHAPE = re.compile(
    rb"(?<![0-9A-Za-z])[0-3]\d[01]\d\d\d[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])"
)
"""Any identity-code-shaped string, valid check character or not."""
NAME_BYTES = (
    re.compile(SYNTHETIC_NAME.pattern.encode()),
    *(re.compile(re.escape(form.encode())) for form in NAME_FORMS),
)


@dataclass(frozen=True)
class Finding:
    topic: str
    partition: int
    offset: int
    kind: str


def kinds_in(data: bytes, extra: Iterable[bytes] = ()) -> list[str]:
    """Which kinds of personal data the bytes hold (after decompressing a stored state)."""
    texts = [data]
    with contextlib.suppress(zlib.error):
        texts.append(zlib.decompress(data))
    found = []
    if any(IDENTITY_CODE_SHAPE.search(t) for t in texts):
        found.append("identity code")
    if any(p.search(t) for p in NAME_BYTES for t in texts):
        found.append("name")
    if any(word in t for word in extra for t in texts):
        found.append("given value")
    return found


def internal_topics(bootstrap: str, namespace: str, **security: object) -> list[str]:
    """Every topic of the deployment except the organisations' own inbound and tasks topics,
    which carry personal data by design (what senders send, what recipients may receive)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **security)
    try:
        topics = admin.list_topics()
    finally:
        admin.close()
    own = (f"{namespace}.", f"jatkumo-{namespace}-")
    external = (f"{namespace}.inbound.", f"{namespace}.tasks.")
    return sorted(t for t in topics if t.startswith(own) and not t.startswith(external))


def scan(
    bootstrap: str, topics: list[str], extra: Iterable[bytes] = (), timeout: float = 120.0
) -> tuple[int, list[Finding]]:
    """(messages scanned, findings) over the topics from the beginning to their current end."""
    words = list(extra)
    findings: list[Finding] = []
    scanned = 0
    for m in read_to_end(bootstrap, topics, timeout):
        scanned += 1
        parts = [m.key or b"", m.value or b"", *(v for _, v in m.headers or [])]
        findings.extend(
            Finding(m.topic, m.partition, m.offset, kind)
            for part in parts
            for kind in kinds_in(part, words)
        )
    return scanned, findings
