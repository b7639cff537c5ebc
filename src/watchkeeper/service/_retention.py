"""Retention runs: a model's data older than its periods deleted, and the run audited.

The periods come from the model's ``retention:`` in ``watchkeeper.yaml``
(:class:`~watchkeeper.service.config.ModelConfig`); ``watchkeeper retention run`` applies
them. What each period removes is in :mod:`watchkeeper.store._repo_retention`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from watchkeeper._exceptions import InputError
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_retention import PERIODS, apply_retention

__all__ = ["PERIODS", "run"]


def run(
    registry: Registry,
    auditor: Auditor,
    model: str,
    periods: Mapping[str, timedelta],
    *,
    now: datetime,
    actor: Actor | None,
) -> dict[str, int]:
    """Apply ``periods`` to ``model`` as of ``now``; the rows removed, per kind."""
    unknown = sorted(set(periods) - set(PERIODS))
    if unknown:
        raise InputError(f"unknown retention periods {unknown}; use {', '.join(PERIODS)}")
    for kind, period in periods.items():
        if period <= timedelta(0):
            raise InputError(f"retention {kind} is {period}; give a positive period, e.g. '90d'")
    row = registry.model(model)
    window = timedelta(microseconds=registry.window_us(row))
    removed = apply_retention(registry.store.engine, row.id, row.name, periods, now, window)
    after = {
        "now": now,
        "periods_seconds": {k: v.total_seconds() for k, v in sorted(periods.items())},
        "removed": removed,
    }
    auditor.record(actor, "retention.run", f"model:{model}", model=model, after=after)
    return removed
