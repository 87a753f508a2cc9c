"""`jatkumo tasks orgs` names the counties in the reader's language."""

from typer.testing import CliRunner

from services.cli import app


def test_swedish_reader_gets_the_swedish_county_names() -> None:
    """With JATKUMO_LANG=sv the county rows carry the Swedish names; codes stay the same."""
    result = CliRunner().invoke(
        app, ["tasks", "orgs", "--kind", "county"], env={"JATKUMO_LANG": "sv"}
    )
    assert result.exit_code == 0, result.output
    assert "county-03" in result.output
    assert "Västra Nylands välfärdsområde" in result.output
    assert "Helsingfors stad" in result.output
    assert "hyvinvointialue" not in result.output
