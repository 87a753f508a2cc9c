"""The messages of the intake test, and how the referral service must take each one.

Fifty people at Kuopio and Vantaa prisons, at home in Kuopio (county 13), Vantaa (county 04)
or Oulu (county 19), one in Mariehamn (Åland: a routing problem). Every third person's events
are delivered twice; every seventh person's release date arrives before the custody start;
the last five people's custody start never arrives. Then the malformed messages, each with
the reason it must be dead-lettered with, and finally the counties' acknowledgements.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.core.events import (
    ConsentGiven,
    CustodyStarted,
    InboundEvent,
    ReferralAcknowledged,
    ReferralSubmitted,
    ReleaseDateSet,
)
from services.core.facts import FactKind
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ConsentNotObtained,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    Shl35Ground,
)
from services.platform.codec import Catalogue
from tests.support.scenario import Person, local

PRISONS = ("prison-kuopion", "prison-vantaan")
HOMES = (("297", "county-13"), ("092", "county-04"), ("564", "county-19"))
ALAND_PERSON, PEOPLE, FIRST_WITHOUT_CASE = 44, 50, 45
CATALOGUE = Catalogue()


@dataclass(frozen=True)
class Planned:
    """One message and what the service must do with it."""

    org: str
    key: bytes
    data: bytes
    event_id: str | None
    """None when the bytes are not a readable event."""
    outcome: str
    """accepted (duplicates included), held (waits for its case), or dead (dead-lettered)."""
    reason: str | None = None
    facts: tuple[FactKind, ...] = ()
    """The facts this message makes (at once, or when its case opens)."""


@dataclass
class Plan:
    phases: list[list[Planned]] = field(default_factory=lambda: [[], []])
    route: dict[str, str | None] = field(default_factory=dict)
    early: set[str] = field(default_factory=set)
    waiting: set[str] = field(default_factory=set)

    @property
    def messages(self) -> list[Planned]:
        return [m for phase in self.phases for m in phase]

    def facts(self) -> Counter[FactKind]:
        return Counter(kind for m in self.messages for kind in m.facts)

    def dead_letters(self) -> Counter[str]:
        return Counter(m.reason or "" for m in self.messages if m.outcome == "dead")

    def arriving_early(self) -> set[str]:
        return set(self.early)

    def never_opened(self) -> set[str]:
        return set(self.waiting)

    def routes(self) -> dict[str, str | None]:
        return dict(self.route)


DAY = timedelta(days=1)
GATE_REASONS = frozenset({
    "bad_marker", "unknown_fingerprint", "corrupt_body", "trailing_bytes",
    "identity_code_check_mismatch", "identity_code_malformed", "identity_code_impossible_date",
    "identity_code_birth_in_future", "unauthorised_source", "unauthorised_event_type",
    "missing_subject", "ambiguous_subject", "invalid_event", "invalid_person_ref",
})
"""Refusals of the stateless gate: every delivery of such a message is dead-lettered."""


class _Builder:
    def __init__(self, day0: date) -> None:
        self.plan = Plan()
        self.start = local(day0, 8)
        self.serial = 0

    def _id(self, person: Person, kind: str) -> str:
        self.serial += 1
        return f"{person.tag}-{kind}-{self.serial}"

    def add(self, phase: int, event: InboundEvent, outcome: str, *, key: bytes,
            reason: str | None = None, facts: tuple[FactKind, ...] = (),
            times: int = 1) -> None:
        data = CATALOGUE.encode(event)
        for delivery in range(times):
            first = delivery == 0
            self.plan.phases[phase].append(Planned(
                event.source_org, key, data, event.event_id,
                outcome if first or reason in GATE_REASONS else "accepted",
                reason if first or reason in GATE_REASONS else None,
                facts if first else (),
            ))

    def raw(self, org: str, data: bytes, reason: str, times: int = 1) -> None:
        self.plan.phases[0] += [Planned(org, b"garbage", data, None, "dead", reason)] * times

    def person(self, i: int) -> None:
        person = Person.numbered("intake", i)
        prison, at = PRISONS[i % 2], self.start + timedelta(minutes=i)
        municipality, area = ("478", None) if i == ALAND_PERSON else HOMES[i % 3]
        has_case, early, times = i < FIRST_WITHOUT_CASE, i % 7 == 1, 2 if i % 3 == 0 else 1
        base = {"occurred_at": at, "source_org": prison, "identity_code": person.identity_code}
        custody = CustodyStarted(
            event_id=self._id(person, "custody"), **base, prison=prison,
            sentence_type=SentenceType.LONG_TERM, sentence_start=at.date(),
            home_municipality=municipality, expected_release=date(2028, 3, 1),
        )
        release = ReleaseDateSet(event_id=self._id(person, "release"), **base,
                                 release_date=date(2028, 2, 1),
                                 release_type=ReleaseType.CONDITIONAL_RELEASE)
        later: list[tuple[InboundEvent, FactKind]] = []
        if i % 2 == 0:
            later.append((ReferralSubmitted(
                event_id=self._id(person, "referral"), **base, referral_id=f"ref-{i}",
                kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT, needs=[Need.HOUSING],
                ground=Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
                consent_not_obtained=ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT),
                FactKind.REFERRAL_SUBMITTED))
        if i % 5 == 0:
            later.append((ConsentGiven(
                event_id=self._id(person, "consent"), **base, consent_id=f"consent-{i}",
                categories=[Category.IDENTITY], recipients=[area or "county-90"],
                purpose="release planning", valid_from=at.date(),
                valid_until=at.date() + timedelta(days=365),
                collection_method=ConsentCollection.WRITTEN), FactKind.CONSENT_GIVEN))
        key = person.tag.encode() + str(i).encode()
        if not has_case:
            for event in (release, *(e for e, _ in later)):
                self.add(0, event, "held", key=key, times=times)
                self.plan.waiting.add(event.event_id)
            return
        self.plan.route[person.person_ref] = area
        opened = (FactKind.CASE_OPENED, *((FactKind.ROUTING_PROBLEM,) if area is None else ()))
        if early:
            self.add(0, release, "held", key=key, facts=(FactKind.RELEASE_DATE_SET,), times=times)
            self.add(0, custody, "accepted", key=key, facts=opened, times=times)
            self.plan.early.add(release.event_id)
        else:
            self.add(0, custody, "accepted", key=key, facts=opened, times=times)
            self.add(0, release, "accepted", key=key, facts=(FactKind.RELEASE_DATE_SET,),
                     times=times)
        for event, kind in later:
            self.add(0, event, "accepted", key=key, facts=(kind,), times=times)
        if i == 2:
            second = custody.model_copy(update={"event_id": self._id(person, "custody")})
            self.add(0, second, "dead", key=key, reason="case_already_open")
        if i == 5:
            again = later[-1][0].model_copy(update={"event_id": self._id(person, "consent")})
            self.add(0, again, "dead", key=key, reason="duplicate_consent")
        if i % 4 == 0 and area is not None:
            ack = ReferralAcknowledged(event_id=self._id(person, "ack"), occurred_at=at + DAY,
                                       source_org=area, person_ref=person.person_ref,
                                       referral_id=f"ref-{i}")
            self.add(1, ack, "accepted", key=key, facts=(FactKind.REFERRAL_ACKNOWLEDGED,),
                     times=times)
        if i == 4:
            stray = ReferralAcknowledged(event_id=self._id(person, "ack"), occurred_at=at + DAY,
                                         source_org=area or "", person_ref=person.person_ref,
                                         referral_id="no-such-referral")
            self.add(1, stray, "dead", key=key, reason="unknown_referral", times=2)


def _malformed(b: _Builder, at: datetime) -> None:
    """Messages the gate refuses (decoding, sender, subject, sense) and their reasons."""
    stranger, prison, county = Person.numbered("stranger", 77), PRISONS[0], "county-13"
    code = stranger.identity_code
    release = {"occurred_at": at, "release_date": date(2028, 2, 1),
               "release_type": ReleaseType.END_OF_SENTENCE}
    custody = {"occurred_at": at, "sentence_type": SentenceType.LONG_TERM,
               "sentence_start": at.date(), "home_municipality": "297"}
    good = CATALOGUE.encode(ReleaseDateSet(event_id="malformed-0", source_org=prison,
                                           identity_code=code, **release))
    b.raw(prison, b"not an avro message", "bad_marker", times=2)
    b.raw(prison, b"\xc3\x01" + bytes(8) + b"body", "unknown_fingerprint")
    b.raw(prison, good[:14], "corrupt_body")
    b.raw(prison, good + b"\x00", "trailing_bytes")
    wrong_check = code[:-1] + ("A" if code[-1] != "A" else "B")
    refused: list[tuple[int, InboundEvent, str, int]] = [
        (0, ReleaseDateSet(event_id="malformed-1", source_org=prison, identity_code=wrong_check,
                           **release), "identity_code_check_mismatch", 2),
        (0, ReleaseDateSet(event_id="malformed-3", source_org=prison, **release),
         "missing_subject", 1),
        (0, ReleaseDateSet(event_id="malformed-4", source_org=prison, identity_code=code,
                           person_ref=stranger.person_ref, **release), "ambiguous_subject", 1),
        (0, ReleaseDateSet(event_id="malformed-5", source_org=prison, identity_code=code,
                           **{**release, "release_date": date(2080, 1, 1)}), "invalid_event", 1),
        (0, CustodyStarted(event_id="malformed-6", source_org=prison, identity_code=code,
                           prison=PRISONS[1], **custody), "invalid_event", 1),
        (1, CustodyStarted(event_id="malformed-7", source_org=county, identity_code=code,
                           prison=county, **custody), "unauthorised_event_type", 1),
        (1, ReferralAcknowledged(event_id="malformed-8", occurred_at=at, source_org=county,
                                 person_ref="p-not-a-reference", referral_id="ref-0"),
         "invalid_person_ref", 1),
    ]
    for phase, event, reason, times in refused:
        b.add(phase, event, "dead", key=b"malformed", reason=reason, times=times)
    foreign = ReleaseDateSet(event_id="malformed-2", source_org=PRISONS[1], identity_code=code,
                             **release)
    b.plan.phases[0].append(Planned(prison, b"malformed", CATALOGUE.encode(foreign),
                                    foreign.event_id, "dead", "unauthorised_source"))


def plan_intake(day0: date) -> Plan:
    builder = _Builder(day0)
    for i in range(PEOPLE):
        builder.person(i)
    _malformed(builder, local(day0, 12))
    return builder.plan
