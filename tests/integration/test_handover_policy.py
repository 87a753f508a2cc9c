"""The sharing policy end to end: which organisation's topic gets which task with which fields.

Two people. A (Kuopio, county 13) consents to the county, an NGO and the prison, is referred
with consent (a contact with consent rests on the consent alone, SHL 35 § 1 mom.), sees two
contact persons leave (one with a successor, one without), withdraws the consent, has an NGO
worker change and a release date change after it, and moves to Oulu (county 19) at release:
after the withdrawal only the prison, a unit of the same controller, hears anything more, and
only the Criminal Sanctions Agency's own data. B (Vantaa, county 04) has no referral; a consent
for counties 04 and 19 is the only basis, and B also moves to Oulu.

The expectation is an independent oracle (`Setup.permitted`) written from the bases set up
here, not from the policy module: each field present in a task must have a basis, nothing with
a basis may be withheld, the bases a task cites must be exactly those that apply, and every
task has one disclosure record that says the same.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from services.core.events import (
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
    CustodyStarted,
    ReferralSubmitted,
    Released,
    ReleaseDateSet,
)
from services.core.tasks import Basis, BasisKind, Task, TaskKind
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
)
from tests.support.scenario import Person, Stage, carried, local, staged

pytestmark = pytest.mark.integration

A, B = Person.numbered("policy-a", 11), Person.numbered("policy-b", 12)
KUOPIO_PRISON, VANTAA_PRISON, NGO = "prison-kuopion", "prison-vantaan", "ngo-silta"
STEPS = [local(date(2027, 9, 6 + n), 9) for n in range(5)]
"""Mon-Fri: setup, contacts leave, consent withdrawn, changes after it, release and move."""
AGENCY_OWN = {Category.IDENTITY, Category.CONTACT_DETAILS, Category.RELEASE_SCHEDULE,
              Category.PLACEMENT, Category.SENTENCE, Category.NEEDS}
"""What the Criminal Sanctions Agency's units use internally: its own data about a prisoner."""
INTERNAL = Basis(kind=BasisKind.INTERNAL_USE, ref="Rikosseuraamuslaitos 1301/2021")
REVOCATION = Basis(kind=BasisKind.REVOCATION_NOTICE, ref="GDPR 2016/679 art. 19")
CONSENT_A = {"consent_id": "consent-a", "recipients": ["county-13", NGO, KUOPIO_PRISON],
             "purpose": "release planning",
             "categories": [Category.IDENTITY, Category.CONTACT_DETAILS, Category.RELEASE_SCHEDULE,
                            Category.NEEDS, Category.CONTACT_PERSONS]}
CONSENT_B = {"consent_id": "consent-b", "recipients": ["county-04", "county-19"],
             "purpose": "Release-planning",
             "categories": [Category.IDENTITY, Category.CONTACT_DETAILS, Category.RELEASE_SCHEDULE,
                            Category.PLACEMENT, Category.NEEDS]}
EXPECTED = {
    A: Counter({
        (TaskKind.REFERRAL_RECEIVED, "county-13"): 1,
        (TaskKind.RELEASE_PREPARATION, "county-13"): 1,
        (TaskKind.CONTACT_PERSON_CHANGED, KUOPIO_PRISON): 2,
        (TaskKind.CONTACT_PERSON_CHANGED, "county-13"): 1,
        (TaskKind.CONTACT_PERSON_CHANGED, NGO): 1,
        (TaskKind.ASSIGN_SUCCESSOR, "county-13"): 1,
        (TaskKind.CONSENT_REVOKED, "county-13"): 1,
        (TaskKind.CONSENT_REVOKED, KUOPIO_PRISON): 1,
        (TaskKind.CONSENT_REVOKED, NGO): 1,
    }),
    B: Counter({
        (TaskKind.RELEASE_PREPARATION, "county-04"): 1,
        (TaskKind.RELEASED, "county-19"): 1,
        (TaskKind.RESPONSIBLE_AREA_CHANGED, "county-19"): 1,
        (TaskKind.RESPONSIBLE_AREA_CHANGED, "county-04"): 1,
    }),
}


@dataclass(frozen=True)
class Setup:
    """What the test set up, step by step: the oracle of what may be shared."""

    @staticmethod
    def step(task: Task) -> int:
        return max(n for n, start in enumerate(STEPS) if task.created_at >= start)

    @staticmethod
    def purpose(task: Task) -> str:
        if task.kind == TaskKind.CONSENT_REVOKED:
            return "consent_revocation"
        return "supervision" if task.kind == TaskKind.SUPERVISION_ORDERED else "release_planning"

    def bases(self, person: Person, task: Task, category: Category) -> set[Basis]:
        step, found = self.step(task), set()
        consent = CONSENT_A if person == A else CONSENT_B
        consent_in_force = person == B or step < 2
        if (consent_in_force and task.recipient_org in consent["recipients"]
                and category in consent["categories"] and self.purpose(task) == "release_planning"):
            found.add(Basis(kind=BasisKind.CONSENT, ref=str(consent["consent_id"])))
        if task.recipient_org.startswith("prison-") and category in AGENCY_OWN:
            found.add(INTERNAL)
        return found

    def cited(self, person: Person, task: Task) -> set[Basis]:
        """The bases a task must cite: those of what it carries; a revocation notice's own."""
        if task.kind == TaskKind.CONSENT_REVOKED:
            return {REVOCATION}
        return set().union(*(self.bases(person, task, c) for c in carried(task)))

    def permitted(self, person: Person, task: Task) -> set[Category]:
        return {c for c in Category if self.bases(person, task, c)}


def at(step: int, minute: int) -> datetime:
    return local(STEPS[step].date(), 9, minute)


def _play(stage: Stage) -> None:
    ev = stage.event
    custody = {"sentence_type": SentenceType.LONG_TERM, "sentence_start": date(2027, 9, 6),
               "full_name": "Testi Kuvitteellinen Henkilö", "phone": "+358 40 000 0000"}
    consent = {"valid_from": date(2027, 9, 6), "valid_until": date(2028, 9, 5),
               "collection_method": ConsentCollection.WRITTEN}
    worker = {"role": ContactRole.PRISON_CASE_WORKER, "org": KUOPIO_PRISON}
    named = {"role": ContactRole.NAMED_WORKER, "org": "county-13"}
    ngo = {"role": ContactRole.NGO_SUPPORT, "org": NGO}
    stage.send(
        ev(A, CustodyStarted, KUOPIO_PRISON, at(0, 0), prison=KUOPIO_PRISON,
           home_municipality="297", **custody),
        ev(A, ConsentGiven, KUOPIO_PRISON, at(0, 1), **CONSENT_A, **consent),
        ev(A, ReferralSubmitted, KUOPIO_PRISON, at(0, 2), referral_id="ref-a",
           kind=ReferralKind.CONTACT_WITH_CONSENT, needs=[Need.HOUSING],
           summary="Synteettinen yhteenveto."),
        ev(A, ContactPersonAssigned, KUOPIO_PRISON, at(0, 3), **worker, worker_ref="pw-1"),
        key=A.tag.encode())
    stage.send(ev(A, ContactPersonAssigned, "county-13", at(0, 4), **named, worker_ref="nw-1"))
    stage.send(ev(A, ContactPersonAssigned, NGO, at(0, 5), **ngo, worker_ref="ng-1"))
    stage.send(
        ev(B, CustodyStarted, VANTAA_PRISON, at(0, 0), prison=VANTAA_PRISON,
           home_municipality="092", **custody),
        ev(B, ConsentGiven, VANTAA_PRISON, at(0, 1), **CONSENT_B, **consent),
        key=B.tag.encode())
    stage.settle()
    stage.at(at(0, 10),
             ev(A, ReleaseDateSet, KUOPIO_PRISON, at(0, 10), release_date=date(2028, 2, 15),
                release_type=ReleaseType.CONDITIONAL_RELEASE),
             ev(B, ReleaseDateSet, VANTAA_PRISON, at(0, 10), release_date=date(2028, 5, 2),
                release_type=ReleaseType.END_OF_SENTENCE))
    stage.send(ev(A, ContactPersonEnded, KUOPIO_PRISON, at(1, 0), **worker, worker_ref="pw-1",
                  successor_worker_ref="pw-2"))
    stage.at(at(1, 1), ev(A, ContactPersonEnded, "county-13", at(1, 1), **named,
                          worker_ref="nw-1"))
    stage.at(at(2, 0), ev(A, ConsentWithdrawn, KUOPIO_PRISON, at(2, 0), consent_id="consent-a"))
    stage.send(ev(A, ContactPersonEnded, NGO, at(3, 0), **ngo, worker_ref="ng-1",
                  successor_worker_ref="ng-2"))
    stage.at(at(3, 1), ev(A, ReleaseDateSet, KUOPIO_PRISON, at(3, 1),
                          release_date=date(2028, 1, 17),
                          release_type=ReleaseType.CONDITIONAL_RELEASE))
    released = {"release_type": ReleaseType.CONDITIONAL_RELEASE, "destination_municipality": "564",
                "housing_status": HousingStatus.TEMPORARY}
    stage.at(at(4, 0),
             ev(A, Released, KUOPIO_PRISON, at(4, 0), released_at=at(4, 0), **released),
             ev(B, Released, VANTAA_PRISON, at(4, 0), released_at=at(4, 0), **released))


@dataclass
class Outcome:
    stage: Stage
    setup: Setup

    def tasks(self) -> list[tuple[Person, Task]]:
        return [(p, t) for p in (A, B) for t in self.stage.tasks(p)]


@pytest.fixture(scope="module")
def outcome(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("policy")) as stage:
        _play(stage)
        yield Outcome(stage, Setup())


def test_tasks_land_only_on_their_recipients_topics(outcome: Outcome) -> None:
    """Each task is on its recipient's topic, and each person's tasks go to the expected orgs."""
    names = outcome.stage.names
    for topic, record in outcome.stage.reader.records:
        if isinstance(record, Task):
            assert topic == names.tasks(record.recipient_org)
    for person, expected in EXPECTED.items():
        assert Counter((t.kind, t.recipient_org) for t in outcome.stage.tasks(person)) == expected


def test_every_field_sent_has_a_basis(outcome: Outcome) -> None:
    """No task carries a field whose category has no basis for its recipient at that time."""
    for person, task in outcome.tasks():
        permitted = outcome.setup.permitted(person, task)
        assert carried(task) <= permitted, (task.kind, task.recipient_org)


def test_nothing_with_a_basis_is_withheld(outcome: Outcome) -> None:
    """A withheld category never had a basis, and what was withheld is not in the payload."""
    for person, task in outcome.tasks():
        withheld = set(task.withheld_categories)
        assert not withheld & outcome.setup.permitted(person, task), (task.kind, task.recipient_org)
        assert not withheld & carried(task)


def test_tasks_cite_exactly_the_bases_that_apply(outcome: Outcome) -> None:
    """The bases of a task are those of the categories it carries, no more and no fewer."""
    for person, task in outcome.tasks():
        assert set(task.bases) == outcome.setup.cited(person, task), (task.kind, task.recipient_org)


def test_no_task_after_withdrawal_cites_the_consent(outcome: Outcome) -> None:
    """From the withdrawal on, nothing is shared under the withdrawn consent: only the
    revocation notices and the prison's own internal use remain."""
    later = [t for p, t in outcome.tasks() if p == A and t.created_at >= STEPS[2]]
    assert later
    assert all("consent-a" not in {b.ref for b in t.bases} for t in later)
    assert {t.recipient_org for t in later if t.kind != TaskKind.CONSENT_REVOKED} == {
        KUOPIO_PRISON}


def test_revocation_reaches_each_recipient_under_the_consent_once(outcome: Outcome) -> None:
    """Everyone who received data under the consent hears of its withdrawal, once, with nothing."""
    received = {t.recipient_org for p, t in outcome.tasks()
                if p == A and any(b.ref == "consent-a" for b in t.bases)}
    revoked = outcome.stage.tasks(A, TaskKind.CONSENT_REVOKED)
    assert sorted(t.recipient_org for t in revoked) == sorted(received)
    assert all(carried(t) == set() for t in revoked)
    assert all(t.bases == [REVOCATION] for t in revoked)


def test_disclosure_records_match_the_tasks_one_to_one(outcome: Outcome) -> None:
    """One disclosure per task: same id, recipient, kind, categories and bases."""
    for person in (A, B):
        tasks = {t.task_id: t for t in outcome.stage.tasks(person)}
        records = outcome.stage.disclosures(person)
        assert sorted(d.task_id for d in records) == sorted(tasks)
        for record in records:
            task = tasks[record.task_id]
            assert (record.recipient_org, record.task_kind, record.case_id) == (
                task.recipient_org, task.kind, task.case_id)
            assert set(record.categories) == carried(task)
            assert record.bases == task.bases
            assert record.consent_ids == [b.ref for b in task.bases if b.kind == BasisKind.CONSENT]
            assert record.rules_version == task.rules_version


def test_identity_code_travels_only_with_a_basis(outcome: Outcome) -> None:
    """A task names the person (their own identity code) only where identity has a basis."""
    named = 0
    for person, task in outcome.tasks():
        if task.payload.identity_code is not None:
            named += 1
            assert task.payload.identity_code == person.identity_code
            assert Category.IDENTITY in outcome.setup.permitted(person, task)
    assert named
