"""Short sentences, fine conversion and remand: an immediate contact instead of planning."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.core.calendar import end_of_local_day
from services.core.case import CaseState
from services.core.facts import FactKind
from services.core.tasks import Priority, TaskKind
from services.core.vocabulary import Category, ReferralKind, SentenceType
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, run, to
from tests.unit.policy.builders import referral

VANTAA_COUNTY = "county-04"
THURSDAY = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def fine_case(**overrides: Any) -> CaseState:
    values: dict[str, Any] = {
        "prison": "prison-vantaan",
        "home_municipality": "092",
        "responsible_area": VANTAA_COUNTY,
        "sentence_type": SentenceType.FINE_CONVERSION,
        "sentence_start": date(2026, 3, 5),
        "expected_release": date(2026, 3, 10),
    }
    return case(**(values | overrides))


def test_fine_conversion_gets_an_immediate_contact() -> None:
    """A fine-conversion sentence opens with a short_sentence_contact to the county."""
    outcome = run(fact(FactKind.CASE_OPENED, fine_case(), at=THURSDAY), now=THURSDAY)
    task = to(outcome, VANTAA_COUNTY).task
    assert task.kind == TaskKind.SHORT_SENTENCE_CONTACT
    assert task.priority == Priority.HIGH


def test_short_sentence_contact_is_due_the_next_working_day() -> None:
    """Opened on a Thursday, the contact is due on Friday."""
    outcome = run(fact(FactKind.CASE_OPENED, fine_case(), at=THURSDAY), now=THURSDAY)
    assert to(outcome, VANTAA_COUNTY).task.due_at == end_of_local_day(date(2026, 3, 6))


def test_short_sentence_contact_skips_the_weekend() -> None:
    """Opened on a Friday, the contact is due on Monday."""
    outcome = run(fact(FactKind.CASE_OPENED, fine_case(), at=FRIDAY), now=FRIDAY)
    assert to(outcome, VANTAA_COUNTY).task.due_at == end_of_local_day(date(2026, 3, 9))


def test_short_sentence_gets_no_release_preparation() -> None:
    """The contact replaces release preparation: only one task is sent."""
    outcome = run(fact(FactKind.CASE_OPENED, fine_case(), at=THURSDAY), now=THURSDAY)
    assert [i.task.kind for i in outcome.issued] == [TaskKind.SHORT_SENTENCE_CONTACT]


def test_short_sentence_contact_skips_public_holidays() -> None:
    """Opened on the Thursday before Easter 2026, the contact is due on Tuesday after it."""
    before_easter = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    opened = fine_case(sentence_start=date(2026, 4, 2), expected_release=date(2026, 4, 7))
    outcome = run(fact(FactKind.CASE_OPENED, opened, at=before_easter), now=before_easter)
    assert to(outcome, VANTAA_COUNTY).task.due_at == end_of_local_day(date(2026, 4, 7))


def test_remand_is_always_short() -> None:
    """A remand prisoner gets the contact even with no release date known."""
    remand = fine_case(sentence_type=SentenceType.REMAND, expected_release=None)
    outcome = run(fact(FactKind.CASE_OPENED, remand, at=THURSDAY), now=THURSDAY)
    assert to(outcome, VANTAA_COUNTY).task.kind == TaskKind.SHORT_SENTENCE_CONTACT


def test_short_term_sentence_under_the_threshold_is_short() -> None:
    """A 45-day sentence is under the 60-day threshold."""
    short = fine_case(sentence_type=SentenceType.SHORT_TERM, expected_release=date(2026, 4, 19))
    outcome = run(fact(FactKind.CASE_OPENED, short, at=THURSDAY), now=THURSDAY)
    assert to(outcome, VANTAA_COUNTY).task.kind == TaskKind.SHORT_SENTENCE_CONTACT


def test_sentence_at_the_threshold_is_not_short() -> None:
    """A 60-day sentence is not shorter than 60 days: it gets release preparation."""
    boundary = fine_case(sentence_type=SentenceType.SHORT_TERM, expected_release=date(2026, 5, 4))
    outcome = run(fact(FactKind.CASE_OPENED, boundary, at=THURSDAY), now=THURSDAY)
    assert to(outcome, VANTAA_COUNTY).task.kind == TaskKind.RELEASE_PREPARATION


def test_notification_without_consent_carries_the_shl35_minimum() -> None:
    """S2: the referral renews the contact with identity, placement, schedule and needs only."""
    notified = fine_case(
        referrals=[referral(kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT)], consents=[]
    )
    outcome = run(
        fact(FactKind.REFERRAL_SUBMITTED, notified, at=THURSDAY, referral_id="ref-1"),
        now=THURSDAY,
    )
    kinds = {i.task.kind: i for i in outcome.issued}
    assert set(kinds) == {TaskKind.REFERRAL_RECEIVED, TaskKind.SHORT_SENTENCE_CONTACT}
    issued = kinds[TaskKind.SHORT_SENTENCE_CONTACT]
    assert issued.task.referral_id == "ref-1"
    assert issued.disclosure.categories == [
        Category.IDENTITY,
        Category.RELEASE_SCHEDULE,
        Category.PLACEMENT,
        Category.NEEDS,
    ]
    assert issued.task.payload.referral_summary is None
    assert Category.REFERRAL_SUMMARY in issued.task.withheld_categories


def test_referral_supersedes_the_earlier_contact() -> None:
    """The contact sent at custody start is replaced by the one carrying the referral."""
    opened = run(fact(FactKind.CASE_OPENED, fine_case(), at=THURSDAY), now=THURSDAY)
    notified = fine_case(referrals=[referral()])
    second = run(
        fact(FactKind.REFERRAL_SUBMITTED, notified, referral_id="ref-1"),
        opened.state,
        now=THURSDAY + timedelta(hours=1),
    )
    contact = [i for i in second.issued if i.task.kind == TaskKind.SHORT_SENTENCE_CONTACT]
    assert [i.task.supersedes for i in contact] == [opened.issued[0].task.task_id]


def test_referral_for_a_long_sentence_reaches_the_county_at_once() -> None:
    """Reproduction (#13.2): a long sentence's referral is a referral_received task to the
    county at once, carrying the referral_id its acknowledgement names."""
    long_case = case(referrals=[referral()], consents=[])
    outcome = run(fact(FactKind.REFERRAL_SUBMITTED, long_case, referral_id="ref-1"))
    kinds = {i.task.kind: i.task for i in outcome.issued}
    assert set(kinds) == {TaskKind.REFERRAL_RECEIVED, TaskKind.RELEASE_PREPARATION}
    task = kinds[TaskKind.REFERRAL_RECEIVED]
    assert task.referral_id == "ref-1"
    assert task.priority == Priority.HIGH  # the referral is urgent
    assert task.payload.identity_code is not None
    assert task.payload.referral_summary is None


def test_short_sentence_referral_task_is_due_the_next_working_day() -> None:
    """Short sentences keep their next-working-day due date on the referral task too."""
    notified = fine_case(referrals=[referral()], consents=[])
    outcome = run(
        fact(FactKind.REFERRAL_SUBMITTED, notified, at=THURSDAY, referral_id="ref-1"), now=THURSDAY
    )
    task = next(i.task for i in outcome.issued if i.task.kind == TaskKind.REFERRAL_RECEIVED)
    assert task.due_at == end_of_local_day(date(2026, 3, 6))


def test_release_date_revealing_a_short_sentence_sends_the_contact() -> None:
    """A decided date that makes the sentence short gives the contact, not preparation."""
    revealed = fine_case(
        sentence_type=SentenceType.SHORT_TERM,
        expected_release=None,
        release_date=date(2026, 3, 20),
    )
    outcome = run(fact(FactKind.RELEASE_DATE_SET, revealed, at=THURSDAY), now=THURSDAY)
    assert to(outcome, VANTAA_COUNTY).task.kind == TaskKind.SHORT_SENTENCE_CONTACT


def test_release_date_for_a_contacted_short_sentence_sends_nothing_more() -> None:
    """Once the contact is out, the decided date does not add release preparation."""
    opened = run(fact(FactKind.CASE_OPENED, fine_case(), at=THURSDAY), now=THURSDAY)
    dated = fine_case(release_date=date(2026, 3, 10))
    second = run(fact(FactKind.RELEASE_DATE_SET, dated), opened.state, now=THURSDAY)
    assert second.issued == []


def test_short_sentence_without_a_county_sends_nothing() -> None:
    """S8: with no responsible county, no contact is sent to a guessed one."""
    unrouted = fine_case(responsible_area=None)
    outcome = run(fact(FactKind.CASE_OPENED, unrouted, at=THURSDAY), now=THURSDAY)
    assert outcome.issued == []
