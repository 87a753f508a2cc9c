"""Outside dev and test every secret must be set explicitly, or nothing starts."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from services.platform.settings import (
    DEV_SECRET,
    SECRETS,
    Environment,
    InsecureSettingsError,
    Settings,
)

EXPLICIT: dict[str, Any] = {name: f"explicit-{name}" for name in SECRETS}


@pytest.mark.parametrize("environment", [Environment.DEV, Environment.TEST])
def test_dev_and_test_start_with_the_development_defaults(environment: Environment) -> None:
    """No secret is needed in dev or test."""
    assert Settings(environment=environment).sealing_secret == DEV_SECRET


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PROD])
def test_a_missing_secret_refuses_start_and_names_it(environment: Environment) -> None:
    """Leaving out one secret names exactly that setting's variable."""
    given: dict[str, Any] = {k: v for k, v in EXPLICIT.items() if k != "dead_letter_secret"}
    with pytest.raises(InsecureSettingsError) as refused:
        Settings(environment=environment, **given)
    assert "JATKUMO_DEAD_LETTER_SECRET" in str(refused.value)
    assert "JATKUMO_SEALING_SECRET" not in str(refused.value)


def test_a_secret_set_to_the_development_default_counts_as_missing() -> None:
    """Setting a secret to the shipped development value is refused in prod."""
    with pytest.raises(InsecureSettingsError, match="JATKUMO_PERSON_REF_SECRET"):
        Settings(environment=Environment.PROD, **{**EXPLICIT, "person_ref_secret": DEV_SECRET})


def test_sasl_password_is_required_with_a_sasl_user() -> None:
    """A SASL user without a password is refused outside dev and test."""
    with pytest.raises(InsecureSettingsError, match="JATKUMO_SASL_PASSWORD"):
        Settings(environment=Environment.PROD, sasl_username="svc-referral", **EXPLICIT)


def test_every_secret_set_starts() -> None:
    """All secrets given, and SASL over TLS to Kafka: the settings load."""
    settings = Settings(environment=Environment.PROD, sasl_username="svc-referral",
                        sasl_password="explicit-sasl-password",
                        kafka_ssl_cafile=Path("ca.pem"), **EXPLICIT)
    assert settings.environment == Environment.PROD


def test_the_refusal_never_repeats_a_secret_value() -> None:
    """The message names settings, never the values that were given."""
    given: dict[str, Any] = {k: v for k, v in EXPLICIT.items() if k != "operator_token"}
    with pytest.raises(InsecureSettingsError) as refused:
        Settings(environment=Environment.PROD, **given)
    assert not any(value in str(refused.value) for value in given.values())


def test_the_worker_refuses_to_start_with_a_clear_message() -> None:
    """`jatkumo worker` in prod without secrets exits 2 and names the missing settings."""
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "worker", "referral"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"JATKUMO_ENVIRONMENT": "prod", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "JATKUMO_SEALING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
