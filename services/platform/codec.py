"""Avro single-object encoding (marker C3 01, CRC-64-AVRO fingerprint, body) with fastavro.

The catalogue knows every committed version of every record: it finds the writer schema by the
fingerprint and reads into the newest version (schema evolution). Anything that cannot be read
raises `DecodeError`, and nothing else.
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from fastavro import parse_schema, schemaless_reader, schemaless_writer
from pydantic import BaseModel, ValidationError

from services.platform.contract import RECORDS
from services.platform.schema_store import SchemaVersion, load_versions

MARKER = b"\xc3\x01"
HEADER_LENGTH = 10

M = TypeVar("M", bound=BaseModel)


class DecodeError(Exception):
    """A message that is not a valid Jatkumo record. `reason` is a stable code for the DLQ."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class _Writer:
    version: SchemaVersion
    parsed: Any
    model: type[BaseModel]


class Catalogue:
    """Every committed schema version, indexed by fingerprint, with the newest as reader."""

    def __init__(
        self, models: tuple[type[BaseModel], ...] = RECORDS, root: Path | None = None
    ) -> None:
        self._writers: dict[bytes, _Writer] = {}
        self._current: dict[type[BaseModel], tuple[bytes, Any]] = {}
        self._readers: dict[str, Any] = {}
        self._newest: set[bytes] = set()
        """Fingerprints of the newest versions: read without schema resolution."""
        for model in models:
            versions = load_versions(model.__name__, root)
            if not versions:
                raise FileNotFoundError(f"no committed schema for {model.__name__}")
            newest = versions[-1]
            parsed_newest = parse_schema(newest.schema)
            for version in versions:
                self._writers[version.fingerprint] = _Writer(
                    version, parse_schema(version.schema), model
                )
            self._current[model] = (newest.fingerprint, parsed_newest)
            self._readers[model.__name__] = parsed_newest
            self._newest.add(newest.fingerprint)

    def encode(self, record: BaseModel) -> bytes:
        """Single-object encoding with the newest schema of the record's type."""
        fingerprint, parsed = self._current[type(record)]
        buffer = io.BytesIO()
        buffer.write(MARKER)
        buffer.write(fingerprint)
        schemaless_writer(buffer, parsed, record.model_dump(mode="python"))
        return buffer.getvalue()

    def decode(self, data: bytes) -> BaseModel:
        """Read any known version into the newest model; raise DecodeError otherwise."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise DecodeError("not_bytes", f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if len(data) < HEADER_LENGTH or data[:2] != MARKER:
            raise DecodeError("bad_marker", "not Avro single-object encoding")
        fingerprint = data[2:HEADER_LENGTH]
        writer = self._writers.get(fingerprint)
        if writer is None:
            raise DecodeError("unknown_fingerprint", fingerprint.hex())
        buffer = io.BytesIO(data[HEADER_LENGTH:])
        try:
            reader = None if fingerprint in self._newest else self._readers[writer.version.record]
            value = schemaless_reader(buffer, writer.parsed, reader)
        except Exception as error:  # fastavro raises many types on corrupt input
            raise DecodeError("corrupt_body", type(error).__name__) from error
        if buffer.tell() != len(data) - HEADER_LENGTH:
            raise DecodeError("trailing_bytes", "body longer than the record")
        try:
            return writer.model.model_validate(value)
        except ValidationError as error:
            raise DecodeError("invalid_record", _field_errors(error)) from error

    def decode_as(self, data: bytes, model: type[M]) -> M:
        """Decode and insist on one record type."""
        record = self.decode(data)
        if not isinstance(record, model):
            raise DecodeError("unexpected_record", type(record).__name__)
        return record

    def record_name(self, data: bytes) -> str | None:
        """The record name a message claims by its fingerprint, without decoding the body."""
        writer = self._writers.get(bytes(data[2:HEADER_LENGTH]))
        return writer.version.record if writer else None


def _field_errors(error: ValidationError) -> str:
    """Field locations and error types only: never the offending values."""
    return "; ".join(
        ".".join(str(part) for part in item["loc"]) + ":" + item["type"] for item in error.errors()
    )
