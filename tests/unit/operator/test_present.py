"""The API's answers in the reader's words: dates, days, shares and counties added as text."""

from services.i18n.texts import texts
from services.operator.present import present

ALERT = {
    "alert_id": "a-1",
    "rule": "referral_not_acknowledged",
    "area": "county-03",
    "area_name": "Länsi-Uudenmaan hyvinvointialue",
    "opened_at": "2026-12-07T12:00:00Z",
}


def test_instants_gain_their_text_and_keep_their_value() -> None:
    """`opened_at` stays ISO for programs and gains `opened_at_text` for people."""
    shown = present({"now": "2026-12-07T12:00:00Z", "alerts": [ALERT]}, texts("sv"))
    assert isinstance(shown, dict)
    assert shown["now_text"] == "7.12.2026 kl. 14.00"
    first = shown["alerts"][0]
    assert first["opened_at"] == "2026-12-07T12:00:00Z"
    assert first["opened_at_text"] == "7.12.2026 kl. 14.00"
    assert first["rule"] == "referral_not_acknowledged"


def test_the_county_name_is_in_the_readers_language() -> None:
    """`area_name` follows the language; the area code stays."""
    shown = present(ALERT, texts("sv"))
    assert shown == {
        **ALERT,
        "area_name": "Västra Nylands välfärdsområde",
        "opened_at_text": "7.12.2026 kl. 14.00",
    }
    unrouted = present({"area": None, "area_name": "x"}, texts("fi"))
    assert unrouted == {"area": None, "area_name": "Ei hyvinvointialuetta (ohjaus selvittämättä)"}


def test_days_shares_and_medians_gain_their_text() -> None:
    """A trend day, the in-time share and the median days are written out in Finnish."""
    shown = present(
        {"day": "2026-03-02", "ack_in_time_share": 0.5, "median_days_to_first_contact": 2.5},
        texts("fi"),
    )
    assert isinstance(shown, dict)
    assert shown["day_text"] == "2.3.2026"
    assert str(shown["ack_in_time_share_text"]).replace("\xa0", " ") == "50 %"
    assert shown["median_days_to_first_contact_text"] == "2,5"
    assert "median_days_to_first_contact_text" not in present(  # type: ignore[operator]
        {"median_days_to_first_contact": None}, texts("fi")
    )


def test_an_organisation_alert_is_named_after_its_organisation() -> None:
    """With `org` set, `area_name` is that organisation's: a county's in the reader's language,
    another's from the registry; never the unrouted text."""
    county = present({"area": None, "area_name": "x", "org": "county-03"}, texts("sv"))
    ngo = present({"area": None, "area_name": "x", "org": "ngo-polku"}, texts("fi"))
    assert isinstance(county, dict)
    assert isinstance(ngo, dict)
    assert county["area_name"] == "Västra Nylands välfärdsområde"
    assert ngo["area_name"] == "Polku ry (release support)"
