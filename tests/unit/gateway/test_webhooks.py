"""Webhook rules: registrations, stable delivery ids, growing pauses."""

import json
from pathlib import Path

import pytest

from services.gateway.webhooks import (
    Registration,
    backoff,
    delivery_id,
    load_registrations,
    save_registrations,
)

SECRET = "sixteen-characters-at-least"


def _file(tmp_path: Path, url: str, secret: str = SECRET) -> Path:
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps({"county-13": {"url": url, "secret": secret}}))
    return path


def test_https_and_local_http_urls_are_registered(tmp_path: Path) -> None:
    """An https URL, or plain http to this host (a local receiver), is accepted."""
    for url in ("https://county.example/hook", "http://127.0.0.1:9000/hook"):
        assert load_registrations(_file(tmp_path, url))["county-13"].url == url


@pytest.mark.parametrize(
    ("url", "secret"),
    [("http://county.example/hook", SECRET), ("https://county.example/hook", "short")],
    ids=["plain-http-elsewhere", "short-secret"],
)
def test_unsafe_registrations_are_refused(tmp_path: Path, url: str, secret: str) -> None:
    """Plain http to another host, or a short secret, stops the gateway from starting."""
    with pytest.raises(ValueError, match="county-13"):
        load_registrations(_file(tmp_path, url, secret))


def test_delivery_id_is_stable_per_organisation_and_task() -> None:
    """A repeat of a task has the same delivery id; another task or organisation does not."""
    assert delivery_id("county-13", "t-1") == delivery_id("county-13", "t-1")
    assert (
        len(
            {
                delivery_id("county-13", "t-1"),
                delivery_id("county-13", "t-2"),
                delivery_id("county-02", "t-1"),
            }
        )
        == 3
    )


def test_pauses_double_up_to_the_longest() -> None:
    """0.2 s, 0.4 s, 0.8 s ... never more than the longest pause."""
    assert [backoff(n) for n in (1, 2, 3)] == [0.2, 0.4, 0.8]
    assert backoff(50) == 30.0


def test_saved_registrations_load_back_and_a_missing_file_holds_none(tmp_path: Path) -> None:
    """What the API registers is written so that a restart finds it; the file is private."""
    path = tmp_path / "hooks.json"
    assert load_registrations(path) == {}
    saved = {"county-13": Registration("https://county.example/hook", SECRET)}
    save_registrations(path, saved)
    assert load_registrations(path) == saved
    assert path.stat().st_mode & 0o077 == 0
