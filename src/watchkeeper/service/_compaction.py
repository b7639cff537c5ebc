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
- the labelled records are stored per segment as a performance part (confusion matrix
  and score histograms, or a regressor's error sums:
  :func:`~watchkeeper.service._performance_parts.labelled_parts`), so realized
  performance is recomputed from them: threshold metrics exact, ranking metrics bounded;
- the metric series are kept as they are.

A record that arrives for the window later is profiled alone and merged into the stored
profile (the usual late-record path), a late performance profile (labels joined in a
lake) merges with the compacted labelled rows, and the window's counts add the
compacted parts, so a recomputed window still reads as if every row were there. What is
lost: labels cannot be joined to deleted records (a label for a compacted record is an
unknown id), and a window whose labelled records cannot be profiled (records without a
prediction, labels outside the classes) keeps the realized performance it had (carried
from its stored metrics) rather than recomputing it.

One rule sets the period: a model's ``retention: records:`` in ``watchkeeper.yaml``,
else the file's ``server: retention: records:`` (stored with a declared model by
``apply``; ``Settings.retention`` for every model of a server started with the file),
else the server's ``Settings.raw_retention``; compaction runs after each
close by the process that closes, in every retention run (the background loop's and
``watchkeeper retention run``'s) and nowhere else deletes raw records
(:mod:`watchkeeper.service._retention`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from watchkeeper._operations import Operations
from watchkeeper.service._performance_parts import labelled_parts
from watchkeeper.service._profile_ingest import operations_dict
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_parts import compact_window, compactable_windows, raw_aggregates
from watchkeeper.store._rows import ModelRow

__all__ = ["compact_raw"]


def compact_raw(
    registry: Registry,
    model: ModelRow,
    period: timedelta | None,
    *,
    now: datetime | None = None,
    limit: int | None = 50,
) -> int:
    """Compact up to ``limit`` (None: all) windows of ``model`` closed more than ``period``
    before ``now`` (the service's clock by default); how many raw records were deleted."""
    if period is None:
        return 0
    store = registry.store
    at: datetime = registry.clock() if now is None else now
    deleted = 0
    for version_id, start in compactable_windows(store, model.id, at - period)[:limit]:
        aggregates = {}
        for segment, (n, errors, latencies) in raw_aggregates(
            store, model.id, version_id, start
        ).items():
            ops = Operations(n_records=n, n_errors=errors)
            for value in latencies:
                ops.add(value)
            ops.n_records = n  # add() counted the latencies as records too
            aggregates[segment] = (n, operations_dict(ops))
        # The labelled records as performance parts: realized performance outlives them.
        performance = labelled_parts(registry, model, version_id, start)
        deleted += compact_window(
            store, model_id=model.id, version_id=version_id, window_start=start,
            aggregates=aggregates, now=at, performance=performance,
        )  # fmt: skip
    return deleted
