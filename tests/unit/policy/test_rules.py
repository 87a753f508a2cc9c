"""Loading and validating the sharing rules file."""

import pytest

from services.core.policy import RulesError, default_rules, load_rules
from services.core.policy_rules import Purpose, normalise_purpose
from services.core.vocabulary import Category

AGREEMENT = """
version: "v1"
regional_agreements:
  - name: a
    areas: [county-13]
    recipient_kinds: [community_sanctions_office]
    categories: [{categories}]
    purposes: [supervision]
"""


def agreement_with(categories: str) -> str:
    return AGREEMENT.format(categories=categories)


def test_default_rules_load_with_version_and_agreements() -> None:
    """The shipped rules file is valid, versioned and names at least one agreement."""
    shipped = default_rules()
    assert shipped.version == "2026-12-1"
    assert shipped.regional_agreements
    assert Category.OFFENCE not in shipped.shl35_notification.categories


def test_shl35_defaults_to_the_minimum() -> None:
    """Without a §35 section the basis covers identity, placement, release schedule, needs."""
    loaded = load_rules('version: "v1"')
    assert set(loaded.shl35_notification.categories) == {
        Category.IDENTITY,
        Category.PLACEMENT,
        Category.RELEASE_SCHEDULE,
        Category.NEEDS,
    }


def test_numeric_version_is_read_as_text() -> None:
    """`version: 3` is accepted and kept as the text "3"."""
    assert load_rules("version: 3").version == "3"


def test_missing_version_is_refused() -> None:
    """A rules file without a version cannot be cited by disclosures, so it is refused."""
    with pytest.raises(RulesError, match="missing field 'version'"):
        load_rules("regional_agreements: []")


def test_unknown_top_level_field_is_refused() -> None:
    """A misspelt section is named rather than silently ignored."""
    with pytest.raises(RulesError, match="unknown field 'regional_agreement'"):
        load_rules('version: "v1"\nregional_agreement: []')


def test_unknown_agreement_field_is_refused() -> None:
    """An unknown key inside an agreement is named with its position."""
    text = agreement_with("placement").replace("purposes:", "valid_until: 2027\n    purposes:")
    with pytest.raises(RulesError, match=r"unknown field 'regional_agreements\[0\].valid_until'"):
        load_rules(text)


def test_unknown_category_is_refused() -> None:
    """A category outside the vocabulary is named."""
    with pytest.raises(RulesError, match="unknown category 'shoe_size'"):
        load_rules(agreement_with("shoe_size"))


def test_agreement_granting_offence_is_refused() -> None:
    """Offence information is never shared, so no agreement may grant it."""
    with pytest.raises(RulesError, match="offence information is never shared"):
        load_rules(agreement_with("placement, offence"))


@pytest.mark.parametrize(
    "category",
    ["identity", "health", "needs", "service_status", "client_plan", "contact_persons"],
)
def test_agreement_granting_client_data_is_refused(category: str) -> None:
    """An agreement is not a law (703/2023 4 § and 6 §): it opens no identity, health or
    social-welfare client data, only release schedule and placement."""
    with pytest.raises(RulesError, match=f"703/2023 6 §.*{category}"):
        load_rules(agreement_with(f"placement, {category}"))


def test_shl35_granting_offence_is_refused() -> None:
    """The §35 minimum can never include offence information."""
    with pytest.raises(RulesError, match="never includes offence"):
        load_rules('version: "v1"\nshl35_notification:\n  categories: [identity, offence]')


@pytest.mark.parametrize("category", ["health", "referral_summary", "contact_details", "sentence"])
def test_shl35_granting_health_or_free_text_is_refused(category: str) -> None:
    """The §35 minimum never includes health details, free text or anything beyond it."""
    text = f'version: "v1"\nshl35_notification:\n  categories: [identity, {category}]'
    with pytest.raises(RulesError, match=f"never includes {category}"):
        load_rules(text)


def test_unknown_purpose_is_refused() -> None:
    """An agreement purpose outside the known purposes is named."""
    with pytest.raises(RulesError, match="unknown value 'gossip'"):
        load_rules(agreement_with("placement").replace("[supervision]", "[gossip]"))


def test_area_that_is_not_a_county_is_refused() -> None:
    """Only wellbeing counties sign agreements."""
    with pytest.raises(RulesError, match="'prison-kuopion' is not a wellbeing county"):
        load_rules(agreement_with("placement").replace("[county-13]", "[prison-kuopion]"))


def test_unknown_recipient_org_is_refused() -> None:
    """A recipient code that is not in the registry is named."""
    text = agreement_with("placement").replace(
        "recipient_kinds: [community_sanctions_office]", "recipient_orgs: [ngo-nobody]"
    )
    with pytest.raises(RulesError, match="unknown organisation ngo-nobody"):
        load_rules(text)


def test_agreement_without_recipients_is_refused() -> None:
    """An agreement must say who receives."""
    text = agreement_with("placement").replace(
        "    recipient_kinds: [community_sanctions_office]\n", ""
    )
    with pytest.raises(RulesError, match="needs recipient_kinds or recipient_orgs"):
        load_rules(text)


def test_duplicate_agreement_names_are_refused() -> None:
    """Disclosures cite agreements by name, so names are unique."""
    base = agreement_with("placement")
    second = base.split("regional_agreements:\n", 1)[1]
    with pytest.raises(RulesError, match="duplicate agreement name a"):
        load_rules(base + second)


def test_invalid_yaml_is_refused() -> None:
    """Text that is not YAML gives a RulesError, not a parser exception."""
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules("version: [unclosed")


def test_non_mapping_is_refused() -> None:
    """A YAML list or scalar is not a rules file."""
    with pytest.raises(RulesError, match="must be a YAML mapping"):
        load_rules("- version")


def test_purposes_compare_as_tokens() -> None:
    """Case, spaces and hyphens do not change a purpose."""
    assert normalise_purpose(" Release  planning ") == Purpose.RELEASE_PLANNING
    assert normalise_purpose("release-planning") == Purpose.RELEASE_PLANNING
