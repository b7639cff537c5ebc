"""Raw records kept for a period, then compacted: the store's size per window is bounded.

A window's raw records (``wk_records``: ids, outputs, labels) and feature batches
(``wk_window_data``) are what its profile and metrics were computed from. Once the
window has been closed for ``Settings.raw_retention`` (default 7 days; ``None`` keeps
them), :func:`compact_raw` keeps what the window still needs and deletes the rest, in
one transaction per window:

- the features are in the window's stored profile already (the window qualifies only
  when its stored profiles hold every batch and nothing awaits recomputation);
- the operational figures' inputs (record and error counts, the latency histogram) are
  stored per segment as a part without a profile (:mod:`watchkeeper.store._repo_parts`);
- the metric series are kept as they are.

A record that arrives for the window later is profiled alone and merged into the stored
profile (the usual late-record path), and the window's counts add the compacted parts,
so a recomputed window still reads as if every row were there. What is lost: labels
cannot be joined to deleted records, and a recomputation keeps the realized
performance the window had (carried from its stored metrics) rather than recomputing it.

This is the server-wide default run after each close by the process that closes; the
per-model periods of ``watchkeeper.yaml`` (``retention: records: 90d``, applied by
``watchkeeper retention run``, issue 19) delete raw data without compaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from watchkeeper._operations import Operations
from watchkeeper.service._profile_ingest import operations_dict
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_parts import compact_window, compactable_windows, raw_aggregates
from watchkeeper.store._rows import ModelRow

__all__ = ["compact_raw"]


def compact_raw(
    registry: Registry, model: ModelRow, period: timedelta | None, *, limit: int = 50
) -> int:
    """Compact up to ``limit`` windows of ``model`` closed more than ``period`` ago (by
    the service's clock); returns how many raw records were deleted."""
    if period is None:
        return 0
    store = registry.store
    now: datetime = registry.clock()
    deleted = 0
    for version_id, start in compactable_windows(store, model.id, now - period)[:limit]:
        aggregates = {}
        for segment, (n, errors, latencies) in raw_aggregates(
            store, model.id, version_id, start
        ).items():
            ops = Operations(n_records=n, n_errors=errors)
            for value in latencies:
                ops.add(value)
            ops.n_records = n  # add() counted the latencies as records too
            aggregates[segment] = (n, operations_dict(ops))
        deleted += compact_window(
            store, model_id=model.id, version_id=version_id, window_start=start,
            aggregates=aggregates, now=now,
        )  # fmt: skip
    return deleted
