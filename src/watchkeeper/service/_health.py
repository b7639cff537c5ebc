"""The service's own health: whether the store answers, and the SDK's host figures
(CPU, memory, dropped records) stored beside the windows they fall in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.service._registry import Registry
from watchkeeper.store import Store, to_micros

__all__ = ["health", "ingest_host_metrics"]


def health(store: Store) -> dict[str, Any]:
    """``{"status": "ok", "database": "ok", ...}``, or ``"error"`` without the details.

    >>> health(Store("sqlite://"))
    {'status': 'ok', 'database': 'ok', 'backend': 'sqlite'}
    """
    try:
        reachable = store.ping()
    except Exception as error:  # the answer must never carry the URL or a password
        return {
            "status": "error",
            "database": f"unreachable ({type(error).__name__})",
            "backend": store.dialect,
        }
    return {
        "status": "ok" if reachable else "error",
        "database": "ok" if reachable else "error",
        "backend": store.dialect,
    }


def _host_row(index: int, point: Mapping[str, Any]) -> dict[str, Any]:
    stamp = point.get("timestamp")
    if isinstance(stamp, str):
        try:
            stamp = datetime.fromisoformat(stamp)
        except ValueError:
            stamp = None
    if not isinstance(stamp, datetime) or stamp.tzinfo is None:
        raise InputError(
            f"host metric {index} has timestamp {point.get('timestamp')!r}; "
            "send ISO-8601 with a time zone"
        )
    clean: dict[str, Any] = {"ts": to_micros(stamp.astimezone(UTC))}
    for name in ("cpu_percent", "memory_bytes"):
        value = point.get(name)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise InputError(f"host metric {index} has {name}={value!r}; send a finite number >= 0")
        clean[name] = None if value is None else float(value)
    dropped = point.get("dropped", 0) or 0
    if isinstance(dropped, bool) or not isinstance(dropped, int) or dropped < 0:
        raise InputError(f"host metric {index} has dropped={dropped!r}; send a count")
    clean["dropped"] = dropped
    return clean


def ingest_host_metrics(
    registry: Registry, model: str, version: str, points: Sequence[Mapping[str, Any]]
) -> int:
    """Store the SDK's host figures (cpu_percent, memory_bytes, dropped) by timestamp."""
    row = registry.model(model)
    target = registry.version(row, version)
    rows = [_host_row(index, point) for index, point in enumerate(points)]
    registry.store.insert_host_metrics(row.id, target.id, rows)
    return len(rows)
