"""Retention runs: a model's data older than its periods removed, and the run audited.

One rule, per model: the periods of the model's ``retention:`` in ``watchkeeper.yaml``,
each kind it leaves out taken from the file's ``server: retention:``
(:class:`~watchkeeper.service.config.ModelConfig`, stored with the model when the file is
applied), and for ``records`` the server's ``Settings.raw_retention``
(``WATCHKEEPER_RAW_RETENTION``, default 7 days) when neither declares one. ``records``
is applied by compaction (:mod:`._compaction`: raw rows go, the window's profile and
aggregates stay); ``labels``, ``profiles`` and ``metrics`` as
:mod:`watchkeeper.store._repo_retention` says.

Who runs it: the background loop, every tick, under the leader (audited as ``system``
when it removed something); ``watchkeeper retention run`` by hand (always audited).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from watchkeeper._exceptions import InputError
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._compaction import compact_raw
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_retention import PERIODS, apply_retention, stored_periods
from watchkeeper.store._rows import ModelRow

__all__ = ["PERIODS", "periods_of", "run"]


def periods_of(
    registry: Registry, model: ModelRow, raw_default: timedelta | None
) -> dict[str, timedelta]:
    """The model's periods: the stored ones, ``records`` defaulting to ``raw_default``."""
    periods = stored_periods(registry.store.engine, model.id)
    if "records" not in periods and raw_default is not None:
        periods["records"] = raw_default
    return periods


def run(
    registry: Registry,
    auditor: Auditor,
    model: str,
    periods: Mapping[str, timedelta],
    *,
    now: datetime,
    actor: Actor | None,
    audit_nothing: bool = True,
) -> dict[str, int]:
    """Apply ``periods`` to ``model`` as of ``now``; the rows removed, per kind. Audited,
    unless nothing was removed and ``audit_nothing`` is false (the loop's quiet ticks)."""
    unknown = sorted(set(periods) - set(PERIODS))
    if unknown:
        raise InputError(f"unknown retention periods {unknown}; use {', '.join(PERIODS)}")
    for kind, period in periods.items():
        if period <= timedelta(0):
            raise InputError(f"retention {kind} is {period}; give a positive period, e.g. '90d'")
    row = registry.model(model)
    window = timedelta(microseconds=registry.window_us(row))
    removed = dict.fromkeys(PERIODS, 0)
    if "records" in periods:
        removed["records"] = compact_raw(registry, row, periods["records"], now=now, limit=None)
    rest = {kind: period for kind, period in periods.items() if kind != "records"}
    if rest:
        found = apply_retention(registry.store.engine, row.id, row.name, rest, now, window)
        removed.update((kind, found[kind]) for kind in rest)
    if audit_nothing or any(removed.values()):
        after = {
            "now": now,
            "periods_seconds": {k: v.total_seconds() for k, v in sorted(periods.items())},
            "removed": removed,
        }
        auditor.record(actor, "retention.run", f"model:{model}", model=model, after=after)
    return removed
