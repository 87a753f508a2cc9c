"""Task status back to the sender on a real broker: a county rejects the referral task a prison's
referral caused, and the prison hears it where a basis allows (SHL 40 § 2 mom.).

Two people, both referred by Kuopio prison to county 13. A's referral is a contact with consent
(SHL 35 § 1 mom.); the consent it rested on is in force when the county rejects, so the prison
gets one `task_outcome` notice under that consent, however often the rejection is reported. B's
referral is a notification without consent (35 § 2 mom.): 40 § 2 mom. feedback needs the
client's consent, so when the county rejects B's task the prison gets nothing at all, and
handover keeps the withheld notice on record in its state.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from services.core.events import ConsentGiven, CustodyStarted, ReferralSubmitted, TaskStatusChanged
from services.core.tasks import Basis, BasisKind, Task, TaskKind
from services.core.vocabulary import (
    Category,
    ConsentCollection,
    ConsentNotObtained,
    Need,
    ReferralKind,
    SentenceType,
    Shl35Ground,
    TaskStatus,
)
from services.handover.state import HandoverState
from services.platform.state_codec import unpacker
from tests.support.ledger import TableReader
from tests.support.scenario import Person, Stage, carried, local, staged

pytestmark = pytest.mark.integration

A, B = Person.numbered("outcome-a", 21), Person.numbered("outcome-b", 22)
PRISON, COUNTY = "prison-kuopion", "county-13"
DAY = date(2027, 9, 6)
WITHIN = 60.0
"""Seconds to wait for handover's state to reach its changelog."""


def at(hour: int, minute: int = 0) -> datetime:
    return local(DAY, hour, minute)


def _play(stage: Stage) -> None:
    ev = stage.event
    custody = {
        "prison": PRISON,
        "home_municipality": "297",
        "sentence_type": SentenceType.LONG_TERM,
        "sentence_start": date(2027, 9, 1),
    }
    stage.send(
        ev(A, CustodyStarted, PRISON, at(9, 0), **custody),
        ev(
            A,
            ConsentGiven,
            PRISON,
            at(9, 1),
            consent_id="consent-outcome-a",
            recipients=[COUNTY],
            purpose="release planning",
            categories=[Category.IDENTITY, Category.NEEDS],
            valid_from=DAY,
            valid_until=date(2028, 9, 5),
            collection_method=ConsentCollection.WRITTEN,
        ),
        ev(
            A,
            ReferralSubmitted,
            PRISON,
            at(9, 2),
            referral_id="ref-outcome-a",
            kind=ReferralKind.CONTACT_WITH_CONSENT,
            needs=[Need.HOUSING],
        ),
        key=A.tag.encode(),
    )
    stage.send(
        ev(B, CustodyStarted, PRISON, at(9, 0), **custody),
        ev(
            B,
            ReferralSubmitted,
            PRISON,
            at(9, 2),
            referral_id="ref-outcome-b",
            kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
            needs=[Need.HOUSING],
            ground=Shl35Ground.UNABLE_TO_CARE_FOR_SELF,
            consent_not_obtained=ConsentNotObtained.CLIENT_UNABLE_TO_CONSENT,
        ),
        key=B.tag.encode(),
    )
    stage.advance(at(9, 10))
    for person in (A, B):
        [task] = stage.tasks(person, TaskKind.REFERRAL_RECEIVED, COUNTY)
        stage.at(
            at(10),
            ev(
                person,
                TaskStatusChanged,
                COUNTY,
                at(10),
                task_id=task.task_id,
                status=TaskStatus.REJECTED,
                reason="Ei resursseja.",
            ),
        )
    [task] = stage.tasks(A, TaskKind.REFERRAL_RECEIVED, COUNTY)
    stage.at(
        at(11),
        ev(A, TaskStatusChanged, COUNTY, at(11), task_id=task.task_id, status=TaskStatus.REJECTED),
    )


@dataclass
class Played:
    stage: Stage

    def notices(self, person: Person) -> list[Task]:
        return self.stage.tasks(person, TaskKind.TASK_OUTCOME)

    def handover_state(self, person: Person) -> HandoverState | None:
        """Handover's state for the person as its changelog has it once a notice is decided."""
        names = self.stage.names
        reader = TableReader(
            self.stage.pipeline.bootstrap, names.changelog("handover", "handover-issued")
        )
        read = unpacker(HandoverState)
        deadline = time.monotonic() + WITHIN
        state = None
        try:
            while time.monotonic() < deadline:
                stored = reader.poll().values.get(person.person_ref.encode())
                state = read(stored) if stored is not None else None
                if state is not None and state.withheld:
                    return state
        finally:
            reader.close()
        return state


@pytest.fixture(scope="module")
def played(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("outcome")) as stage:
        _play(stage)
        yield Played(stage)


def test_rejection_reaches_the_referring_prison_once(played: Played) -> None:
    """A's county rejected twice; the prison's topic has one task_outcome notice for it."""
    [notice] = played.notices(A)
    assert notice.recipient_org == PRISON
    assert (notice.reason_code, notice.referral_id) == ("task_rejected", "ref-outcome-a")


def test_notice_carries_the_outcome_and_nothing_else(played: Played) -> None:
    """The notice says rejected, of which task kind; no identity and no free-text reason."""
    [notice] = played.notices(A)
    assert notice.payload.task_outcome == TaskStatus.REJECTED
    assert notice.payload.outcome_task_kind == TaskKind.REFERRAL_RECEIVED.value
    assert carried(notice) == {Category.SERVICE_STATUS}


def test_notice_rests_on_the_consent_of_the_contact(played: Played) -> None:
    """SHL 40 § 2 mom.: the consent the contact rested on is the notice's basis, on record."""
    [notice] = played.notices(A)
    assert notice.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-outcome-a")]
    [record] = [d for d in played.stage.disclosures(A) if d.task_id == notice.task_id]
    assert (record.recipient_org, record.categories) == (PRISON, [Category.SERVICE_STATUS])
    assert record.internal_use is False


def test_no_notice_without_consent(played: Played) -> None:
    """B's notification had no consent: the county's rejection reaches no topic of the prison."""
    [task] = played.stage.tasks(B, TaskKind.REFERRAL_RECEIVED, COUNTY)
    assert [basis.kind for basis in task.bases] == [BasisKind.SHL35_NOTIFICATION]
    assert played.notices(B) == []
    assert played.stage.tasks(B, org=PRISON) == []


def test_withheld_notice_is_recorded(played: Played) -> None:
    """Handover's state keeps the id of the notice it withheld for B, and it issued nothing."""
    state = played.handover_state(B)
    assert state is not None
    assert len(state.withheld) == 1
    assert not state.has(state.withheld[0])
    assert state.withheld[0] not in {d.task_id for d in played.stage.disclosures(B)}
