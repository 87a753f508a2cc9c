"""`jatkumo paths` as a table in the reader's language."""

from datetime import UTC, datetime

from rich.console import Console

from services.commands.operator_cmd import paths_table
from services.core.records import AlertRule, Severity
from services.i18n.texts import texts
from services.operator.views import AlertList, OpenAlert

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _alerts() -> AlertList:
    alert = OpenAlert(
        alert_id="alert-1",
        rule=AlertRule.NO_NAMED_WORKER_AT_RELEASE,
        severity=Severity.CRITICAL,
        area="county-03",
        area_name="Länsi-Uudenmaan hyvinvointialue",
        person_ref="p-" + "a" * 40,
        opened_at=NOW,
        age_seconds=2 * 86_400 + 3_600,
    )
    return AlertList(now=NOW, total=1, alerts=[alert])


def _shown(language: str) -> str:
    console = Console(width=250, record=True)
    console.print(paths_table(_alerts(), texts(language)))
    return console.export_text()


def test_finnish_table_speaks_finnish() -> None:
    """Title, headers, rule, severity and age are Finnish; the references stay as they are."""
    shown = _shown("fi")
    assert "Avoimet katkenneet palvelupolut: 1" in shown
    for word in ("Sääntö", "Hyvinvointialue", "Vakavuus", "Kesto", "Henkilöviite"):
        assert word in shown
    assert "Ei omatyöntekijää vapautuessa" in shown
    assert "kriittinen" in shown
    assert "2 pv 1 t" in shown
    assert "alert-1" in shown


def test_swedish_table_names_the_county_in_swedish() -> None:
    """The Swedish table gives the county's Swedish name and the rule in Swedish."""
    shown = _shown("sv")
    assert "Västra Nylands välfärdsområde" in shown
    assert "Ingen egen kontaktperson vid frigivningen" in shown
