"""Deduplication by event id: at-least-once delivery changes nothing."""

from services.core.facts import FactKind
from services.referral.decide import ReferralSettings
from tests.unit.referral import builders as b


def test_repeat_is_acknowledged_without_facts() -> None:
    """A repeated event is accepted as a duplicate and emits nothing."""
    outcome = b.run([b.custody(), b.referral(), b.referral()]).last
    assert (outcome.accepted, outcome.duplicate, outcome.facts, outcome.rejections) == (
        True,
        True,
        [],
        [],
    )


def test_repeat_leaves_the_state_as_it_was() -> None:
    """The state after a repeat equals the state before it."""
    result = b.run([b.custody(), b.referral(), b.referral(), b.referral()])
    assert result.outcomes[1].state == result.state


def test_repeated_custody_is_a_duplicate_not_a_second_case() -> None:
    """Redelivered CustodyStarted is a duplicate, not case_already_open."""
    outcome = b.run([b.custody(), b.custody()]).last
    assert (outcome.duplicate, outcome.rejections) == (True, [])


def test_repeat_of_held_event_is_not_held_twice() -> None:
    """An early event delivered twice is held once and applied once."""
    result = b.run([b.release_date(), b.release_date(), b.custody()])
    assert [o.held for o in result.outcomes] == [1, 0, 0]
    assert result.outcomes[1].duplicate
    assert [f.kind for f in result.facts] == [FactKind.CASE_OPENED, FactKind.RELEASE_DATE_SET]


def test_repeat_after_release_is_still_a_duplicate() -> None:
    """A held-then-applied event is remembered once it applies."""
    outcome = b.run([b.release_date(), b.custody(), b.release_date()]).last
    assert (outcome.duplicate, outcome.facts) == (True, [])


def test_memory_is_bounded() -> None:
    """Only the most recent seen_limit event ids are remembered."""
    settings = ReferralSettings(seen_limit=3)
    tasks = [b.task_status(event_id=f"e-task-{n}") for n in range(5)]
    result = b.run([b.custody(), *tasks], settings=settings)
    assert result.state is not None
    assert result.state.seen_event_ids == ["e-task-2", "e-task-3", "e-task-4"]


def test_scenario_s10_early_and_doubled_stream_equals_the_clean_run() -> None:
    """S10: a release date before custody and every event twice end as the clean run."""
    clean = [b.custody(), b.release_date(), b.referral(), b.acknowledged()]
    messy = [b.release_date(), b.release_date(), b.custody()]
    messy += [b.custody(), b.referral(), b.referral(), b.acknowledged(), b.acknowledged()]
    tidy, noisy = b.run(clean), b.run(messy)
    assert noisy.state == tidy.state
    assert [f.fact_id for f in noisy.facts] == [f.fact_id for f in tidy.facts]
