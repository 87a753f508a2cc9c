"""Bad inbound messages, each built to be refused for one known reason.

Byte-level damage (random bytes, truncated or padded Avro, unknown fingerprints, records that
are not inbound events, tombstones), schema-valid nonsense from the hypothesis strategies
(events from another organisation than the topic's, from the wrong kind of organisation, with
bad identity codes), impossible dates, unknown organisations, and events that pass the gate but
do not fit the person's case. `Mutant.reason` is the reason code the DLQ must carry.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from services.core.envelopes import Tick
from services.core.events import (
    INBOUND_EVENT_TYPES,
    AssessmentStarted,
    ClientPlanReviewed,
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    InboundEvent,
    ReferralAcknowledged,
    Released,
    ReleaseDateSet,
)
from services.core.organisations import ALLOWED_EVENTS, OrgKind, default_registry
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ContactRole,
    ReleaseType,
    SentenceType,
)
from services.platform.codec import Catalogue
from tests.support.people import temporary_identity_code
from tests.support.strategies import for_model

CATALOGUE = Catalogue()
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T = TypeVar("T")


@dataclass(frozen=True)
class Mutant:
    org: str
    """The organisation whose `inbound.<org>` topic the message is sent to."""
    value: bytes | None
    reason: str


@dataclass(frozen=True)
class Person:
    """A person of the valid traffic whose case is open and in custody when mutants arrive."""

    identity_code: str
    person_ref: str
    prison: str


def draw(strategy: st.SearchStrategy[T], count: int) -> list[T]:
    """`count` (or a few fewer, if hypothesis repeats itself) deterministic examples."""
    found: list[T] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: T) -> None:
        found.append(value)

    collect()
    return found


def _unchecked(model: type[BaseModel], **fields: Any) -> bytes:
    """Encode a record that the model would refuse (Avro accepts it; validation will not)."""
    return CATALOGUE.encode(model.model_construct(**fields))


class Mutator:
    """Builds mutants for every inbound topic, round robin, from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.registry = default_registry()
        self.orgs = [o.code for o in self.registry.organisations if o.kind != OrgKind.OPERATOR]
        """Every organisation that names people by identity code or reference in the events of
        a case; the operators send only their own three events, by person_ref (their refusals:
        tests/unit/referral/test_operator_events.py)."""
        self._next = 0
        self._serial = 0
        self.valid = [self._valid_event(org) for org in self.orgs]

    def _org(self) -> str:
        org = self.orgs[self._next % len(self.orgs)]
        self._next += 1
        return org

    def _event_id(self) -> str:
        self._serial += 1
        return f"mutant-{self._serial}"

    def _code(self) -> str:
        birth = date(1970, 1, 1) + timedelta(days=self.rng.randint(0, 9000))
        return temporary_identity_code(birth, self.rng.randint(900, 999))

    def _kind(self, org: str) -> OrgKind:
        found = self.registry.get(org)
        assert found is not None
        return found.kind

    def _valid_event(self, org: str) -> InboundEvent:
        """An event `org` may send and the gate would admit (used as raw material)."""
        base = {"event_id": "x", "occurred_at": AT, "source_org": org, "identity_code": "x"}
        if self._kind(org) == OrgKind.PRISON:
            return CustodyStarted(
                **{**base, "identity_code": self._code()},
                prison=org,
                sentence_type=SentenceType.LONG_TERM,
                sentence_start=AT.date(),
                home_municipality="297",
            )
        return (
            AssessmentStarted(**{**base, "identity_code": self._code()})
            if self._kind(org) == OrgKind.COUNTY
            else ContactPersonAssigned(
                **{**base, "identity_code": self._code()},
                role=ContactRole.NGO_SUPPORT,
                org=org,
                worker_ref="w-1",
            )
        )

    def _encoded(self, org: str) -> bytes:
        event = self.valid[self.orgs.index(org)]
        return CATALOGUE.encode(event.model_copy(update={"event_id": self._event_id()}))

    def many(self, build: Callable[[str], Mutant], count: int) -> list[Mutant]:
        return [build(self._org()) for _ in range(count)]

    # -- bytes -------------------------------------------------------------------------------

    def random_bytes(self, org: str) -> Mutant:
        body = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(0, 120)))
        return Mutant(org, bytes([self.rng.choice([0, 1, 0x7B, 0xFF])]) + body, "bad_marker")

    def truncated(self, org: str) -> Mutant:
        data = self._encoded(org)
        return Mutant(org, data[: self.rng.randint(11, len(data) - 1)], "corrupt_body")

    def padded(self, org: str) -> Mutant:
        return Mutant(org, self._encoded(org) + b"\x00" * self.rng.randint(1, 8), "trailing_bytes")

    def unknown_fingerprint(self, org: str) -> Mutant:
        data = self._encoded(org)
        fingerprint = bytes(self.rng.randrange(256) for _ in range(8))
        return Mutant(org, data[:2] + fingerprint + data[10:], "unknown_fingerprint")

    def invalid_record(self, org: str) -> Mutant:
        event = self.valid[self.orgs.index(org)]
        fields = {**dict(event), "event_id": ""}  # Avro takes it; min_length=1 refuses it
        return Mutant(org, _unchecked(type(event), **fields), "invalid_record")

    def not_inbound(self, org: str) -> Mutant:
        return Mutant(org, CATALOGUE.encode(Tick(person_ref="p-x", now=AT)), "not_an_inbound_event")

    def tombstone(self, org: str) -> Mutant:
        return Mutant(org, None, "not_bytes")

    # -- schema-valid nonsense: who may send what ------------------------------------------------

    def from_another_org(self, events: list[InboundEvent]) -> list[Mutant]:
        """Any event on a topic whose organisation is not its `source_org`."""
        mutants = []
        for event in events:
            org = self._org()
            foreign = (
                event
                if event.source_org != org
                else event.model_copy(update={"source_org": org + "-other"})
            )
            mutants.append(Mutant(org, CATALOGUE.encode(foreign), "unauthorised_source"))
        return mutants

    def wrong_kind(self, events: list[InboundEvent]) -> list[Mutant]:
        """Events of a type the topic's kind of organisation may not send, in its own name."""
        mutants = []
        kinds = {self._kind(org) for org in self.orgs}
        anyone = set.intersection(*(set(ALLOWED_EVENTS[kind]) for kind in kinds))
        for event in (e for e in events if type(e).__name__ not in anyone):
            allowed = ALLOWED_EVENTS[self._kind(org := self._org())]
            while type(event).__name__ in allowed:
                org = self._org()
                allowed = ALLOWED_EVENTS[self._kind(org)]
            mutants.append(
                Mutant(
                    org,
                    CATALOGUE.encode(event.model_copy(update={"source_org": org})),
                    "unauthorised_event_type",
                )
            )
        return mutants

    def _own(self, org: str, **update: Any) -> bytes:
        """The organisation's own admissible event with `update` applied, re-encoded."""
        event = self.valid[self.orgs.index(org)]
        return CATALOGUE.encode(event.model_copy(update={"event_id": self._event_id(), **update}))

    def bad_identity(self, codes: list[tuple[str, str]]) -> list[Mutant]:
        """Each bad code with the reason the decree's rules give for it."""
        return [
            Mutant(org := self._org(), self._own(org, identity_code=code), reason)
            for code, reason in codes
        ]

    def bad_subject(self, org: str) -> Mutant:
        choice = self.rng.randrange(3)
        if choice == 0:
            return Mutant(
                org,
                self._own(org, identity_code=None, person_ref="p-NOT-A-REF"),
                "invalid_person_ref",
            )
        if choice == 1:
            return Mutant(org, self._own(org, identity_code=None), "missing_subject")
        return Mutant(org, self._own(org, person_ref="p-" + "a" * 40), "ambiguous_subject")

    # -- dates and organisations that make no sense ----------------------------------------------

    def nonsense(self, org: str) -> Mutant:
        """An admissible subject, an event its sender may send, contents that make no sense."""
        kind, eid, code = self._kind(org), self._event_id(), self._code()
        base = {"event_id": eid, "occurred_at": AT, "source_org": org, "identity_code": code}
        far = AT.date() + timedelta(days=365 * 40)
        options: list[InboundEvent] = [
            ContactPersonAssigned(
                **base, role=ContactRole.NGO_SUPPORT, org="ngo-nowhere", worker_ref="w-1"
            ),
            ContactPersonEnded(
                **base,
                role=ContactRole.NGO_SUPPORT,
                org=org,
                worker_ref="w",
                successor_worker_ref="w",
            ),
            ConsentGiven(
                **base,
                consent_id="c",
                categories=[Category.IDENTITY],
                recipients=["county-99"],
                purpose="release planning",
                valid_from=AT.date(),
                valid_until=AT.date() + timedelta(days=30),
                collection_method=ConsentCollection.WRITTEN,
            ),
        ]
        if kind == OrgKind.PRISON:
            options += [
                CustodyStarted(
                    **base,
                    prison=org,
                    sentence_type=SentenceType.SHORT_TERM,
                    sentence_start=AT.date(),
                    home_municipality="297",
                    expected_release=AT.date() - timedelta(days=3),
                ),
                ReleaseDateSet(**base, release_date=far, release_type=ReleaseType.OTHER),
                Released(
                    **base,
                    released_at=AT + timedelta(days=365 * 50),
                    release_type=ReleaseType.OTHER,
                ),
                CustodyStarted(
                    **base,
                    prison=org,
                    sentence_type=SentenceType.REMAND,
                    sentence_start=AT.date(),
                    home_municipality="ABC",
                ),
            ]
        if kind == OrgKind.COUNTY:
            options.append(ClientPlanReviewed(**base, next_review_date=far))
        return Mutant(org, CATALOGUE.encode(self.rng.choice(options)), "invalid_event")

    # -- admitted by the gate, refused by the person's case ----------------------------------------

    def misfit(self, person: Person, county: str) -> Mutant:
        """An event about a person with an open case in custody that does not fit that case."""
        eid = self._event_id()
        ref = {"event_id": eid, "occurred_at": AT, "person_ref": person.person_ref}
        choice = self.rng.randrange(5)
        if choice == 0:
            return Mutant(
                county,
                CATALOGUE.encode(
                    ReferralAcknowledged(**ref, source_org=county, referral_id="no-such-referral")
                ),
                "unknown_referral",
            )
        if choice == 1:
            return Mutant(
                county,
                CATALOGUE.encode(
                    ConsentWithdrawn(**ref, source_org=county, consent_id="no-such-consent")
                ),
                "unknown_consent",
            )
        if choice == 2:
            return Mutant(
                county,
                CATALOGUE.encode(
                    ContactPersonEnded(
                        **ref,
                        source_org=county,
                        role=ContactRole.NAMED_WORKER,
                        org=county,
                        worker_ref="nobody",
                    )
                ),
                "unknown_contact",
            )
        if choice == 3:
            return Mutant(
                county,
                CATALOGUE.encode(ClientPlanReviewed(**ref, source_org=county)),
                "no_client_plan",
            )
        return Mutant(
            person.prison,
            CATALOGUE.encode(
                CustodyStarted(
                    event_id=eid,
                    occurred_at=AT,
                    source_org=person.prison,
                    identity_code=person.identity_code,
                    prison=person.prison,
                    sentence_type=SentenceType.LONG_TERM,
                    sentence_start=AT.date(),
                    home_municipality="297",
                )
            ),
            "case_already_open",
        )


def hypothesis_events(count: int) -> list[InboundEvent]:
    """Schema-valid events of every inbound type with arbitrary contents."""
    return draw(st.one_of(*(for_model(cls) for cls in INBOUND_EVENT_TYPES)), count)


UNICODE_ZEROS = ("\u0660", "\uff10", "\u0966")
"""Arabic-Indic, full-width and Devanagari zeros: `str.isdigit()` says yes to all their digits."""


MALFORMED, IMPOSSIBLE = "identity_code_malformed", "identity_code_impossible_date"
FUTURE, CHECK = "identity_code_birth_in_future", "identity_code_check_mismatch"


def bad_identity_codes(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Wrong check characters, impossible or future dates, non-ASCII digits, arbitrary text,
    each with its reason (decree 690/2022: DDMMYY, century sign, NNN, check character)."""
    samples = [
        ("310299-9001", IMPOSSIBLE),
        ("300290A9005", IMPOSSIBLE),
        ("010190*9001", MALFORMED),
        ("0101901900X", MALFORMED),
        ("010190-9²0A", MALFORMED),
        ("²¹0190-900A", MALFORMED),
        ("ß10190-900A", MALFORMED),
        ("", MALFORMED),
        (" ", MALFORMED),
        ("\u0000" * 11, MALFORMED),
        ("010190-900", MALFORMED),
        ("131052A308T", FUTURE),
    ]
    codes = []
    for _ in range(count):
        good = temporary_identity_code(
            date(1980, 1, 1) + timedelta(days=rng.randint(0, 9000)), rng.randint(900, 999)
        )
        roll = rng.random()
        if roll < 0.3:
            codes.append(rng.choice(samples))
        elif roll < 0.6:
            zero = ord(rng.choice(UNICODE_ZEROS))
            codes.append(
                (
                    "".join(chr(zero + int(c)) if c.isdigit() else c for c in good[:10]) + good[10],
                    MALFORMED,
                )
            )
        else:
            wrong = next(c for c in "0123456789ABCDEFHJKLMNPRSTUVWXY" if c != good[-1])
            codes.append((good[:-1] + rng.choice([wrong, "G", "I", "Z"]), CHECK))
    return codes
