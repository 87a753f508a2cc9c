"""The canary: the installed faust-streaming, aiokafka and the functions the patches wrap are
exactly those the patches were written for, and any difference is named."""

from typing import Any

import pytest

from services.platform import faust_patches
from services.platform.faust_patches import canary


def test_the_installed_libraries_are_those_the_patches_were_written_for() -> None:
    """No version, signature or source of a patched function differs from the canary's table."""
    assert canary.drift() == []


def test_the_canary_holds_after_the_patches_are_installed() -> None:
    """It compares the upstream originals, not the wrappers that replaced them."""
    faust_patches.install()
    assert canary.drift() == []


def test_another_faust_version_is_named() -> None:
    """An upgrade of faust-streaming alone fails the canary, naming both versions."""
    versions = {**canary.installed_versions(), "faust-streaming": "0.15.4"}
    assert canary.drift(versions=versions) == [
        "faust-streaming is 0.15.4, the patches were written for 0.15.3"
    ]


def test_a_changed_signature_is_named() -> None:
    """A patched function with another signature fails the canary."""

    def _new_offset(self: Any, tp: Any, strict: bool = False) -> int | None:
        return None

    name = "faust.transport.consumer.Consumer._new_offset"
    [difference] = canary.drift(functions={name: _new_offset})
    assert difference.startswith(f"{name}(self: Any, tp: Any, strict: bool = False)")


def test_a_changed_body_with_the_same_signature_is_named() -> None:
    """The same signature with another body fails the canary by its source hash."""
    name = "faust.transport.consumer.Consumer.perform_seek"

    async def perform_seek(self) -> None:  # type: ignore[no-untyped-def]
        await self.seek_to_committed()

    [difference] = canary.drift(functions={name: perform_seek})
    assert difference.startswith(f"{name}: the source changed")


def test_the_switch_names_the_patches_it_turns_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """`JATKUMO_FAUST_PATCHES_DISABLED=ack_guard, stall_watch` turns off those two only."""
    monkeypatch.setenv(faust_patches.DISABLED_ENV, "ack_guard, stall_watch")
    assert faust_patches.disabled() == {"ack_guard", "stall_watch"}
    assert faust_patches.enabled("gapless_commit")


def test_the_switch_refuses_an_unknown_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt name is an error, not a switch that silently does nothing."""
    monkeypatch.setenv(faust_patches.DISABLED_ENV, "ack_gaurd")
    with pytest.raises(ValueError, match="ack_gaurd"):
        faust_patches.disabled()
