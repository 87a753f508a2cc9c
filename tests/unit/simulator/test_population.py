"""The synthetic population: deterministic, synthetic identities, the configured mix."""

from collections import Counter

import pytest

from services.core import identity
from services.core.organisations import default_registry
from services.core.vocabulary import ReleaseType, SentenceType
from services.simulator.config import SimulationConfig
from services.simulator.identities import temporary_identity_code
from services.simulator.population import Person, population

CONFIG = SimulationConfig(seed=11, days=200, people=600)


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return population(CONFIG, default_registry())


def test_same_seed_gives_the_same_people(people: list[Person]) -> None:
    """Population drawing is a pure function of the configuration."""
    assert population(CONFIG, default_registry()) == people


def test_another_seed_gives_other_people(people: list[Person]) -> None:
    """The seed matters: a different seed draws different identity codes."""
    other = population(CONFIG.model_copy(update={"seed": 12}), default_registry())
    assert [p.identity_code for p in other] != [p.identity_code for p in people]


def test_identity_codes_are_valid_temporary_and_unique(people: list[Person]) -> None:
    """Every code passes validation, is in the temporary range 900-999 and is used once."""
    codes = [p.identity_code for p in people]
    assert all(identity.is_temporary(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_names_are_obviously_synthetic(people: list[Person]) -> None:
    """Nobody gets a realistic name: every name is 'Testi Henkilö NNNN'."""
    assert all(p.full_name.startswith("Testi Henkilö ") for p in people)


def test_sentence_mix_follows_the_configuration(people: list[Person]) -> None:
    """Sentence types come out within a few points of the configured shares."""
    counts = Counter(p.sentence_type for p in people)
    for sentence, share in CONFIG.sentence_shares().items():
        assert abs(counts[sentence] / len(people) - share) < 0.06, sentence


def test_a_configured_mix_is_honoured() -> None:
    """A mix of only fine conversions gives only fine conversions, released at sentence end."""
    config = CONFIG.model_copy(update={"sentence_mix": {SentenceType.FINE_CONVERSION: 1.0}})
    drawn = population(config, default_registry())
    assert {p.sentence_type for p in drawn} == {SentenceType.FINE_CONVERSION}
    assert {p.release_type for p in drawn} == {ReleaseType.END_OF_SENTENCE}


def test_release_mix_follows_the_configuration(people: list[Person]) -> None:
    """Sentenced long-term prisoners are released in roughly the configured proportions."""
    long_term = [p for p in people if p.sentence_type == SentenceType.LONG_TERM]
    counts = Counter(p.release_type for p in long_term)
    for release, share in CONFIG.release_shares().items():
        assert abs(counts[release] / len(long_term) - share) < 0.1, release


def test_supervised_probationary_freedom_only_ends_long_sentences(people: list[Person]) -> None:
    """VKV is for long sentences; remand ends as remand_ended."""
    for person in people:
        if person.release_type == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM:
            assert person.sentence_type == SentenceType.LONG_TERM
        if person.sentence_type == SentenceType.REMAND:
            assert person.release_type == ReleaseType.REMAND_ENDED


def test_some_are_released_to_aland_unknown_or_another_county(people: list[Person]) -> None:
    """Routing problems and moves exist in the population (S7, S8)."""
    destinations = {p.destination_municipality for p in people}
    assert "478" in destinations or "000" in destinations
    assert any(p.destination_municipality != p.home_municipality for p in people)


def test_temporary_identity_code_refuses_real_range() -> None:
    """The helper never makes a code outside the temporary range."""
    from datetime import date  # noqa: PLC0415

    with pytest.raises(ValueError, match="900-999"):
        temporary_identity_code(date(1990, 1, 1), 123)
