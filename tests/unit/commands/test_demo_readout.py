"""The demo's read-out: tasks per organisation and open broken paths by rule, in a language."""

from collections import Counter

import pytest
from rich.console import Console

from services.commands.demo_output import print_readout
from services.simulator.readout import Readout


def _printed(monkeypatch: pytest.MonkeyPatch, language: str) -> str:
    monkeypatch.setenv("JATKUMO_LANG", language)
    readout = Readout(
        tasks_by_org=Counter({"county-03": 316, "ngo-polku": 4}),
        open_alerts_by_rule=Counter({"no_named_worker_at_release": 53, "contact_lost": 101}),
        resolved_alerts=494,
        dead_letters_by_reason=Counter({"unknown_fingerprint": 2}),
    )
    console = Console(width=200, record=True)
    print_readout(readout, console)
    return console.export_text()


def test_finnish_readout_names_rules_and_counties_in_finnish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Titles, headers and rule names are Finnish; every rule's code is still shown."""
    shown = _printed(monkeypatch, "fi")
    assert "avoimet katkenneet palvelupolut säännöittäin (154 avoinna, 494 ratkaistu)" in shown
    assert "Ei omatyöntekijää vapautuessa" in shown
    assert "no_named_worker_at_release" in shown
    assert "Länsi-Uudenmaan hyvinvointialue" in shown
    assert "hylätyt viestit: unknown_fingerprint 2" in shown


def test_swedish_readout_names_the_county_in_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Swedish reader sees Västra Nylands välfärdsområde for county-03."""
    shown = _printed(monkeypatch, "sv")
    assert "Västra Nylands välfärdsområde" in shown
    assert "Ingen egen kontaktperson vid frigivningen" in shown
