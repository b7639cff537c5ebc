"""The service's settings, read once from the environment and then passed around.

Nothing reads the environment at import time: :meth:`Settings.from_env` is called
by whoever starts the service (the CLI, a test) and the result is injected.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import timedelta
from typing import Any

from watchkeeper._exceptions import InputError

__all__ = ["DEFAULT_DATABASE_URL", "DEFAULT_RAW_RETENTION", "Settings", "parse_duration"]

DEFAULT_DATABASE_URL = "sqlite:///watchkeeper.db"
# How long raw records are kept when nothing else says (docs/compliance.md).
DEFAULT_RAW_RETENTION = timedelta(days=7)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """A duration from ``"1h"``, ``"15m"``, ``"30s"``, ``"1d"``, ``"2w"`` or seconds.

    >>> parse_duration("15m")
    datetime.timedelta(seconds=900)
    >>> parse_duration(3600) == parse_duration("1h")
    True
    """
    if isinstance(text, timedelta):
        value = text
    elif isinstance(text, int | float) and not isinstance(text, bool):
        value = timedelta(seconds=float(text))
    else:
        raw = str(text).strip().lower()
        try:
            if raw and raw[-1] in _UNITS:
                value = timedelta(seconds=float(raw[:-1]) * _UNITS[raw[-1]])
            else:
                value = timedelta(seconds=float(raw))
        except ValueError:
            raise InputError(
                f"duration {text!r} is not understood; write a number with a unit, "
                "e.g. '30s', '15m', '1h', '1d'"
            ) from None
    if value <= timedelta(0):
        raise InputError(f"duration {text!r} must be positive; e.g. '1h'")
    return value


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"environment variable {name}={raw!r} is not a boolean; use 1/0 or true/false")


def _positive(environ: Mapping[str, str], name: str, default: Any) -> Any:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = type(default)(raw)
    except ValueError:
        raise InputError(f"environment variable {name}={raw!r} is not a number") from None
    if value <= 0:
        raise InputError(f"{name} must be positive")
    return value


def _retention(raw: str | None, default: timedelta | None) -> timedelta | None:
    """``WATCHKEEPER_RAW_RETENTION``: a duration, or 0 to keep raw records.

    >>> _retention("36h", None), _retention("0", timedelta(days=7))
    (datetime.timedelta(days=1, seconds=43200), None)
    """
    if not raw:
        return default
    if raw.strip() == "0":
        return None
    return parse_duration(raw)


def _seconds(environ: Mapping[str, str], name: str, default: float, zero: str) -> float:
    """Environment variable ``name``: seconds, finite and 0 or more (``zero`` says what 0
    does); ``default`` when unset or empty.

    >>> env = {"WATCHKEEPER_KEY_CACHE_SECONDS": "2.5", "WATCHKEEPER_TICK_SECONDS": "0"}
    >>> _seconds(env, "WATCHKEEPER_KEY_CACHE_SECONDS", 1.0, "")
    2.5
    >>> _seconds(env, "WATCHKEEPER_TICK_SECONDS", 60.0, ""), _seconds({}, "X", 1.0, "")
    (0.0, 1.0)
    """
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise InputError(
            f"environment variable {name}={raw!r} is not a number of seconds, 0 or more; "
            f"give e.g. 1, or 0 {zero}"
        )
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know about its deployment.

    >>> s = Settings.from_env({"WATCHKEEPER_WINDOW": "15m", "WATCHKEEPER_DEV": "1"})
    >>> s.window, s.dev, s.database_url
    (datetime.timedelta(seconds=900), True, 'sqlite:///watchkeeper.db')
    """

    database_url: str = DEFAULT_DATABASE_URL
    window: timedelta = timedelta(hours=1)
    max_body_bytes: int = 16 * 1024 * 1024
    auth_enabled: bool = True
    dev: bool = False
    public_url: str | None = None
    config_path: str | None = None
    graphite: str | None = None
    tick_seconds: float = 60.0
    metrics_public: bool = False
    # Decoding budgets per request (SECURITY.md): rows and decoded bytes of an Arrow or
    # parquet body, rows of a reference upload.
    max_decoded_rows: int = 100_000
    max_decoded_bytes: int = 256 * 1024 * 1024
    max_reference_rows: int = 10_000_000
    # Per-key token bucket on ingest and the guard: requests per second, and the burst.
    rate_limit_per_second: float = 200.0
    rate_limit_burst: int = 800
    # How long a key the store accepted is taken on trust (service/_keys.py): a key revoked
    # by another process on the same store still works here for up to this long; 0: never.
    key_cache_seconds: float = 1.0
    # The address the server listens on; auth off is refused unless it is loopback.
    host: str = "127.0.0.1"
    # The secret that pii: hash columns are hashed with (docs/compliance.md); never shown.
    pii_key: bytes | None = dataclass_field(default=None, repr=False)
    # How long a closed window's raw records and feature batches are kept before they
    # are compacted into its profile and aggregates (None: kept); service/_compaction.py.
    raw_retention: timedelta | None = DEFAULT_RAW_RETENTION
    # The server-wide periods (watchkeeper.yaml's ``server: retention:``) of every model,
    # for the kinds its own stored periods leave out; they beat ``raw_retention``. Filled
    # when the server applies its config (server/_background.py); service/_retention.py
    # decides the precedence.
    retention: Mapping[str, timedelta] = dataclass_field(default_factory=dict, hash=False)
    # MLflow's tracking (and registry) server that model URIs are resolved against
    # (MLFLOW_TRACKING_URI); never one a caller sends. It may carry credentials: no repr.
    mlflow_tracking_uri: str | None = dataclass_field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``WATCHKEEPER_*`` variables (``os.environ`` when ``environ`` is None).

        Recognised: ``DATABASE_URL``, ``WINDOW``, ``MAX_BODY_BYTES``, ``AUTH``
        (``0`` turns auth off), ``DEV``, ``PUBLIC_URL``, ``CONFIG``, ``GRAPHITE``,
        ``TICK_SECONDS`` (how often the server closes due windows and delivers
        notifications; 0 turns the loop off), ``METRICS_PUBLIC`` (``/metrics`` without
        a key), the budgets ``MAX_DECODED_ROWS``, ``MAX_DECODED_BYTES``,
        ``MAX_REFERENCE_ROWS``, ``RATE_LIMIT_PER_SECOND``, ``RATE_LIMIT_BURST``,
        ``KEY_CACHE_SECONDS`` (how long a verified key is remembered; 0 turns it off) and
        ``HOST`` (the listening address), ``PII_KEY`` (the secret for ``pii: hash``)
        and ``RAW_RETENTION`` (e.g. ``7d``; ``0`` keeps raw records for ever); and MLflow's
        own ``MLFLOW_TRACKING_URI`` (where ``models:/`` URIs are resolved).
        """
        from watchkeeper.compliance._privacy import pii_key_from_env

        env: Mapping[str, str] = os.environ if environ is None else environ
        max_body = env.get("WATCHKEEPER_MAX_BODY_BYTES")
        try:
            max_body_bytes = int(max_body) if max_body else cls.max_body_bytes
        except ValueError:
            raise InputError(
                f"environment variable WATCHKEEPER_MAX_BODY_BYTES={max_body!r} is not an "
                "integer; give a byte count such as 16777216"
            ) from None
        if max_body_bytes <= 0:
            raise InputError("WATCHKEEPER_MAX_BODY_BYTES must be positive")
        window = env.get("WATCHKEEPER_WINDOW")
        budgets = {
            field: _positive(env, f"WATCHKEEPER_{field.upper()}", getattr(cls, field))
            for field in (
                "max_decoded_rows", "max_decoded_bytes", "max_reference_rows",
                "rate_limit_per_second", "rate_limit_burst",
            )
        }  # fmt: skip
        return cls(
            **budgets,
            host=env.get("WATCHKEEPER_HOST") or cls.host,
            database_url=env.get("WATCHKEEPER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            window=parse_duration(window) if window else cls.window,
            max_body_bytes=max_body_bytes,
            auth_enabled=_flag(env, "WATCHKEEPER_AUTH", True),
            dev=_flag(env, "WATCHKEEPER_DEV", False),
            public_url=env.get("WATCHKEEPER_PUBLIC_URL") or None,
            config_path=env.get("WATCHKEEPER_CONFIG") or None,
            graphite=env.get("WATCHKEEPER_GRAPHITE") or None,
            tick_seconds=_seconds(
                env, "WATCHKEEPER_TICK_SECONDS", cls.tick_seconds, "to turn the background loop off"
            ),
            key_cache_seconds=_seconds(
                env,
                "WATCHKEEPER_KEY_CACHE_SECONDS",
                cls.key_cache_seconds,
                "to check every request's key in the store",
            ),
            metrics_public=_flag(env, "WATCHKEEPER_METRICS_PUBLIC", False),
            pii_key=pii_key_from_env(env),
            raw_retention=_retention(env.get("WATCHKEEPER_RAW_RETENTION"), cls.raw_retention),
            mlflow_tracking_uri=env.get("MLFLOW_TRACKING_URI") or None,
        )

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)
