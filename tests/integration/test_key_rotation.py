"""Key rotation on a real broker: the sealing and pseudonym keys change, nothing splits.

Phase one runs the referral service under the first keys. Then, with the service stopped,
`jatkumo keys rotate` publishes the pseudonym aliases under the new pseudonym key, and the
service starts again with a new pseudonym key and a new sealing key (the old one kept as a
previous key); the rotation re-wraps the person's data key under the new sealing key. A
person's code then still reaches their case, an organisation's old `person_ref` still finds
it, and what was sealed before the rotation still opens.
"""

import signal
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from services.core import identity
from services.core.events import ContactPersonAssigned, CustodyStarted, ReleaseDateSet
from services.core.facts import CaseFact
from services.core.receipts import ReceiptOutcome
from services.core.vocabulary import ContactRole, ReleaseType, SentenceType
from services.platform.alias_follower import read_aliases
from services.platform.person_keys import person_of
from services.platform.sealing import Sealer
from services.platform.settings import DEV_SECRET, Settings
from services.sdk import Publisher
from tests.support.kafka_io import TopicReader
from tests.support.people import temporary_identity_code
from tests.support.pipeline import Pipeline

pytestmark = pytest.mark.integration

PRISON, COUNTY = "prison-kuopion", "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WITHIN = 90.0
CODE = temporary_identity_code(date(1979, 8, 14), 977)
OLD_REF = identity.person_ref(CODE, DEV_SECRET.encode())
NEW_KEYS = {
    "JATKUMO_PERSON_REF_SECRET": "the second pseudonym secret",
    "JATKUMO_PERSON_REF_KEY_ID": "p2",
    "JATKUMO_SEALING_SECRET": "the second sealing secret",
    "JATKUMO_SEALING_KEY_ID": "s2",
    "JATKUMO_SEALING_PREVIOUS": f"s1={DEV_SECRET}",
}


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    running = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("rotation"), services=("referral",))
    running.start(timeout=120)
    yield running
    running.stop()


def _custody() -> CustodyStarted:
    return CustodyStarted(
        event_id="rotation-custody",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=CODE,
        prison=PRISON,
        sentence_type=SentenceType.LONG_TERM,
        sentence_start=date(2026, 3, 1),
        home_municipality="297",
        full_name="Testi Henkilö Kierto",
    )


def _release() -> ReleaseDateSet:
    return ReleaseDateSet(
        event_id="rotation-release",
        occurred_at=AT,
        source_org=PRISON,
        identity_code=CODE,
        release_date=date(2026, 12, 1),
        release_type=ReleaseType.CONDITIONAL_RELEASE,
    )


def _county_contact() -> ContactPersonAssigned:
    return ContactPersonAssigned(
        event_id="rotation-contact",
        occurred_at=AT,
        source_org=COUNTY,
        person_ref=OLD_REF,
        role=ContactRole.NAMED_WORKER,
        org=COUNTY,
        worker_ref="w-rotation",
    )


def _facts(reader: TopicReader, event_id: str) -> list[CaseFact]:
    return [f for f in reader.of(CaseFact) if f.event_id == event_id]


def test_rotation_keeps_person_ref_and_opens_old_sealed_data(pipeline: Pipeline) -> None:
    """After both keys rotate: the code and the old ref find the case; old tokens open."""
    names = pipeline.names
    with Publisher(PRISON, pipeline.bootstrap, namespace=names.namespace) as prison:
        before = prison.publish(_custody(), wait_for_receipt=True, receipt_timeout=WITHIN)
    assert before is not None
    assert before.outcome == ReceiptOutcome.ACCEPTED

    pipeline.kill("referral-0", signal.SIGTERM)
    pipeline.env.update(NEW_KEYS)
    rotated = pipeline.command("keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "1 people, 1 aliases published" in rotated.stdout
    assert "1 data keys, 1 re-wrapped" in rotated.stdout
    pipeline.start_worker("referral")
    pipeline.wait_ready(WITHIN)

    with Publisher(PRISON, pipeline.bootstrap, namespace=names.namespace) as prison:
        by_code = prison.publish(_release(), wait_for_receipt=True, receipt_timeout=WITHIN)
    with Publisher(COUNTY, pipeline.bootstrap, namespace=names.namespace) as county:
        by_old_ref = county.publish(
            _county_contact(), wait_for_receipt=True, receipt_timeout=WITHIN
        )
    assert by_code is not None
    assert by_old_ref is not None
    assert (by_code.outcome, by_old_ref.outcome) == (ReceiptOutcome.ACCEPTED,) * 2

    reader = TopicReader(pipeline.bootstrap, names.case_facts)
    try:
        reader.wait_for(
            lambda _: bool(_facts(reader, "rotation-contact")),
            WITHIN,
            "the fact of the county's event",
        )
        opened, later = _facts(reader, "rotation-custody")[0], _facts(reader, "rotation-release")
    finally:
        reader.close()
    assert {f.person_ref for f in later} == {OLD_REF}
    assert {f.case_id for f in later} == {opened.case_id}
    assert identity.person_ref(CODE, NEW_KEYS["JATKUMO_PERSON_REF_SECRET"].encode()) != OLD_REF

    token = opened.case.sealed_identity
    assert token is not None
    assert person_of(token) == OLD_REF
    keys = read_aliases(pipeline.bootstrap, names.person_keys)
    assert keys[OLD_REF].startswith("s2:")
    new_ring = Settings(
        sealing_secret=NEW_KEYS["JATKUMO_SEALING_SECRET"],
        sealing_key_id="s2",
        sealing_previous=f"s1={DEV_SECRET}",
    ).sealing_ring
    assert Sealer(new_ring, person_keys=keys).open(token)["identity_code"] == CODE
