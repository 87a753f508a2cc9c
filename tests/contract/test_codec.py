"""The Avro single-object codec and its catalogue of schema versions."""

import contextlib
import io
import json
from datetime import UTC, date, datetime

import pytest
from fastavro import parse_schema, schemaless_writer
from hypothesis import given, settings
from hypothesis import strategies as st

from services.core.events import CustodyStarted, ReleaseDateSet
from services.core.vocabulary import ReleaseType, SentenceType
from services.platform.codec import MARKER, Catalogue, DecodeError
from services.platform.schema_store import load_versions

CATALOGUE = Catalogue()
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def custody() -> CustodyStarted:
    return CustodyStarted(
        event_id="e-1",
        occurred_at=AT,
        source_org="prison-kuopion",
        identity_code="010594Y9021",
        prison="prison-kuopion",
        sentence_type=SentenceType.LONG_TERM,
        sentence_start=date(2026, 3, 1),
        home_municipality="297",
        full_name="Testi Henkilö",
        phone="+358 40 000 0000",
    )


def test_encoding_starts_with_marker_and_fingerprint() -> None:
    """Encoded messages carry the single-object marker and the newest schema's fingerprint."""
    data = CATALOGUE.encode(custody())
    newest = load_versions("CustodyStarted")[-1]
    assert data[:2] == MARKER
    assert data[2:10] == newest.fingerprint


def test_round_trip_keeps_every_field() -> None:
    """Decoding what was encoded gives back an equal model."""
    event = custody()
    assert CATALOGUE.decode(CATALOGUE.encode(event)) == event


def test_older_version_reads_into_newer_model() -> None:
    """A CustodyStarted written with schema v1 (no phone) reads into the current model."""
    v1 = load_versions("CustodyStarted")[0]
    assert v1.version == 1
    assert "phone" not in json.dumps(v1.schema)
    body = custody().model_dump(mode="python")
    del body["phone"]
    buffer = io.BytesIO()
    buffer.write(MARKER + v1.fingerprint)
    schemaless_writer(buffer, parse_schema(v1.schema), body)
    decoded = CATALOGUE.decode_as(buffer.getvalue(), CustodyStarted)
    assert decoded.phone is None
    assert decoded.full_name == "Testi Henkilö"


def test_unknown_fingerprint_is_a_decode_error() -> None:
    """A message naming a schema nobody committed is refused with its own reason."""
    data = CATALOGUE.encode(custody())
    with pytest.raises(DecodeError) as caught:
        CATALOGUE.decode(data[:2] + b"\x00" * 8 + data[10:])
    assert caught.value.reason == "unknown_fingerprint"


def test_missing_marker_is_a_decode_error() -> None:
    """Plain JSON on an Avro topic is refused as a bad marker."""
    with pytest.raises(DecodeError) as caught:
        CATALOGUE.decode(b'{"event_id": "x"}')
    assert caught.value.reason == "bad_marker"


def test_trailing_bytes_are_refused() -> None:
    """A body longer than its record is corrupt, not silently accepted."""
    with pytest.raises(DecodeError) as caught:
        CATALOGUE.decode(CATALOGUE.encode(custody()) + b"\x00")
    assert caught.value.reason == "trailing_bytes"


def test_naive_timestamp_fails_validation_not_decoding() -> None:
    """Model validation rejects naive times before anything is encoded."""
    with pytest.raises(ValueError, match="timezone-aware"):
        ReleaseDateSet(
            event_id="e",
            occurred_at=datetime(2026, 1, 1),  # noqa: DTZ001
            source_org="x",
            release_date=date(2026, 5, 1),
            release_type=ReleaseType.CONDITIONAL_RELEASE,
        )


def test_decode_error_detail_never_contains_values() -> None:
    """A schema-valid message failing model validation reports fields, not the values."""
    event = custody()
    data = CATALOGUE.encode(event)
    tampered = data.replace(b"010594Y9021", b"0105940")  # shorter string: corrupt length
    with pytest.raises(DecodeError) as caught:
        CATALOGUE.decode(tampered)
    assert "010594" not in str(caught.value)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_decode_error(data: bytes) -> None:
    """Arbitrary bytes either decode or raise DecodeError; never another exception."""
    with contextlib.suppress(DecodeError):
        CATALOGUE.decode(data)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0), st.binary(max_size=8))
def test_truncations_and_noise_only_raise_decode_error(cut: int, noise: bytes) -> None:
    """A valid message truncated anywhere, with noise appended, only raises DecodeError."""
    data = CATALOGUE.encode(custody())
    damaged = data[: cut % (len(data) + 1)] + noise
    with contextlib.suppress(DecodeError):
        CATALOGUE.decode(damaged)
