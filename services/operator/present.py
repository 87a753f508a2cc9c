"""The API's answers as the reader sees them: each instant, day, share and county in words.

Adds `<field>_text` beside every instant, day, share and median in a view's JSON, and puts the
county's name in the reader's language (an organisation's alert: the organisation's name); the
codes and numbers themselves stay as they are.
"""

from datetime import date, datetime

from services.core.organisations import default_registry
from services.i18n.texts import COUNTY_PREFIX, Texts

INSTANTS = frozenset({"now", "opened_at", "resolved_at", "at"})
DAYS = frozenset({"day"})
SHARES = frozenset({"ack_in_time_share"})
DECIMALS = frozenset({"median_days_to_first_contact"})


def _text(key: str, value: object, texts: Texts) -> str | None:
    if value is None:
        return None
    if key in INSTANTS and isinstance(value, str):
        return texts.instant(datetime.fromisoformat(value))
    if key in DAYS and isinstance(value, str):
        return texts.day(date.fromisoformat(value))
    if key in SHARES and isinstance(value, float | int):
        return texts.percent(value)
    if key in DECIMALS and isinstance(value, float | int):
        return texts.number(value)
    return None


def present(data: object, texts: Texts) -> object:
    """`data` (a view dumped as JSON) with the reader's texts added."""
    if isinstance(data, list):
        return [present(item, texts) for item in data]
    if not isinstance(data, dict):
        return data
    shown: dict[str, object] = {}
    for key, value in data.items():
        shown[key] = present(value, texts)
        text = _text(key, value, texts)
        if text is not None:
            shown[f"{key}_text"] = text
    if "area_name" in data:
        area, org = data.get("area"), data.get("org")
        if isinstance(org, str) and org:
            shown["area_name"] = _org_name(org, texts)
        else:
            shown["area_name"] = texts.county(area if isinstance(area, str) else None)
    return shown


def _org_name(code: str, texts: Texts) -> str:
    """An organisation's name: a county's in the reader's language, others' from the registry."""
    if code.startswith(COUNTY_PREFIX):
        return texts.county(code)
    org = default_registry().get(code)
    return org.name if org is not None else code
