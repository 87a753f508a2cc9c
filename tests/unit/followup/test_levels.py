"""Service levels: documented defaults, per-county overrides and the YAML loader."""

import pytest

from services.followup.levels import (
    LevelsConfig,
    LevelsError,
    ServiceLevels,
    default_levels,
    load_levels,
)


def test_defaults_match_the_documented_service_levels() -> None:
    """The national defaults are the values the design documents."""
    levels = ServiceLevels()
    assert (
        levels.referral_ack_working_days,
        levels.assessment_lead_days,
        levels.named_worker_by_release,
        levels.client_plan_days,
        levels.first_meeting_working_days,
        levels.task_accept_working_days,
        levels.contact_vacancy_working_days,
        levels.contact_lost_days,
        levels.release_near_days,
        levels.followup_checkpoints,
        levels.plan_review_lead_days,
        levels.release_moved_min_lead_days,
    ) == (3, 30, True, 14, 5, 2, 5, 30, 14, (7, 30, 90), 7, 30)


def test_every_level_is_documented() -> None:
    """Each service level field has a description."""
    assert all(info.description for info in ServiceLevels.model_fields.values())


def test_override_changes_only_the_named_fields() -> None:
    """A county override replaces its fields and keeps every other default."""
    config = LevelsConfig(overrides={"county-13": {"release_near_days": 21}})
    assert config.for_area("county-13") == ServiceLevels(release_near_days=21)


def test_area_without_override_gets_defaults() -> None:
    """A county with no override, or no area at all, gets the defaults."""
    config = LevelsConfig(overrides={"county-13": {"release_near_days": 21}})
    assert config.for_area("county-04") == config.for_area(None) == ServiceLevels()


def test_load_levels_reads_defaults_and_overrides() -> None:
    """YAML defaults change the base that county overrides start from."""
    config = load_levels(
        "defaults:\n  contact_lost_days: 45\noverrides:\n  county-04:\n    client_plan_days: 10\n"
    )
    assert config.for_area("county-04") == ServiceLevels(contact_lost_days=45, client_plan_days=10)


def test_load_levels_of_empty_text_gives_defaults() -> None:
    """An empty document means the national defaults and no overrides."""
    assert load_levels("") == LevelsConfig()


def test_load_levels_rejects_broken_yaml() -> None:
    """A YAML syntax error is reported as such."""
    with pytest.raises(LevelsError, match="not valid YAML"):
        load_levels("defaults: [unclosed\n")


def test_load_levels_rejects_a_non_mapping() -> None:
    """A document that is not a mapping is refused with the expected shape."""
    with pytest.raises(LevelsError, match="must be a mapping"):
        load_levels("- 1\n- 2\n")


def test_load_levels_names_an_unknown_field() -> None:
    """A misspelt level in a county override names the county and the field."""
    with pytest.raises(LevelsError, match=r"county-13.*release_near_dys"):
        load_levels("overrides:\n  county-13:\n    release_near_dys: 3\n")


def test_load_levels_names_an_invalid_value() -> None:
    """A negative number of days is refused with the field's name."""
    with pytest.raises(LevelsError, match="referral_ack_working_days"):
        load_levels("defaults:\n  referral_ack_working_days: -1\n")


def test_load_levels_rejects_a_malformed_county_key() -> None:
    """Override keys must be county codes like county-13."""
    with pytest.raises(LevelsError, match="not a county code"):
        load_levels("overrides:\n  Pohjois-Savo:\n    release_near_days: 3\n")


def test_checkpoints_must_ascend() -> None:
    """Follow-up checkpoints out of order are refused."""
    with pytest.raises(LevelsError, match="followup_checkpoints"):
        load_levels("defaults:\n  followup_checkpoints: [30, 7]\n")


def test_shipped_levels_load_with_county_overrides() -> None:
    """The packaged configuration loads; Pohjois-Savo has its agreed levels."""
    config = default_levels()
    assert config.defaults == ServiceLevels()
    assert config.for_area("county-13").referral_ack_working_days == 2
    assert config.for_area("county-01") == ServiceLevels()
