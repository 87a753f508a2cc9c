"""Deterministic identifiers: the same inputs always give the same id, so repeats are harmless."""

import hashlib


def stable_id(*parts: object) -> str:
    """A 32-hex-digit id derived from the parts, stable across processes and restarts."""
    joined = "\x1f".join(map(str, parts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]
