from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.service._settings import DEFAULT_DATABASE_URL, Settings, parse_duration


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///watchkeeper.db"
    assert settings.window == timedelta(hours=1)
    assert settings.max_body_bytes == 16 * 1024 * 1024
    assert settings.auth_enabled and not settings.dev


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "WATCHKEEPER_DATABASE_URL": "postgresql+psycopg://db/wk",
            "WATCHKEEPER_WINDOW": "1d",
            "WATCHKEEPER_MAX_BODY_BYTES": "1024",
            "WATCHKEEPER_AUTH": "0",
            "WATCHKEEPER_DEV": "true",
            "WATCHKEEPER_PUBLIC_URL": "https://wk.example",
            "WATCHKEEPER_CONFIG": "watchkeeper.yaml",
            "WATCHKEEPER_GRAPHITE": "127.0.0.1:2003",
        }
    )
    assert settings == Settings(
        "postgresql+psycopg://db/wk",
        timedelta(days=1),
        1024,
        False,
        True,
        "https://wk.example",
        "watchkeeper.yaml",
        "127.0.0.1:2003",
    )


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1w", 604800), ("90", 90)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize(
    "env",
    [
        {"WATCHKEEPER_WINDOW": "soon"},
        {"WATCHKEEPER_WINDOW": "-1h"},
        {"WATCHKEEPER_MAX_BODY_BYTES": "big"},
        {"WATCHKEEPER_AUTH": "maybe"},
    ],
)
def test_bad_values_name_the_variable_or_value(env: dict[str, str]) -> None:
    with pytest.raises(InputError) as error:
        Settings.from_env(env)
    assert next(iter(env.values())) in str(error.value) or next(iter(env)) in str(error.value)
