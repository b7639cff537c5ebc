"""A cap on distinct segment values per model, version and window.

Each distinct ``segment.*`` value is a window of its own, closed and profiled apart, so
one batch with a fresh value per record used to make thousands of windows and stall
closing for every model. Past :data:`MAX_SEGMENTS` values in one window, the records of
further values go to the segment :data:`OTHER`; the most frequent values of a batch are
the ones kept, and the number of records folded is reported (``segments_folded``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace

import pyarrow as pa

from watchkeeper.service._ingest import PreparedBatch

__all__ = ["MAX_SEGMENTS", "OTHER", "cap_segments"]

MAX_SEGMENTS = 100
OTHER = "__other__"
# The row layout of PreparedBatch.rows (store RECORD_COLUMNS): window start, then segment.
_START, _SEGMENT = 2, 3


def cap_segments(
    batch: PreparedBatch, existing: Callable[[int], set[str]], limit: int = MAX_SEGMENTS
) -> tuple[PreparedBatch, int]:
    """``batch`` with segment values past ``limit`` per window folded into :data:`OTHER`,
    and the number of records folded. ``existing(start_us)`` gives the values a window
    already has in the store.

    >>> rows = [("a", 0, 0, f"user=u{i % 3}") for i in range(7)]
    >>> table = pa.table({"id": ["a"] * 7, "segment": [r[3] for r in rows]})
    >>> capped, folded = cap_segments(PreparedBatch(rows, table, [], 0), lambda s: set(), 2)
    >>> sorted(Counter(r[3] for r in capped.rows).items()), folded
    ([('__other__', 2), ('user=u0', 3), ('user=u1', 2)], 2)
    """
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in batch.rows:
        if row[_SEGMENT]:
            counts[row[_START]][row[_SEGMENT]] += 1
    allowed: dict[int, set[str]] = {}
    for start, seen in counts.items():
        stored = existing(start)
        if len(stored | set(seen)) > limit:
            allowed[start] = _allowed(seen, stored, limit)
    if not allowed:
        return batch, 0
    folded = 0
    segments: list[str] = []
    rows = []
    for row in batch.rows:
        keep = allowed.get(row[_START])
        if keep is not None and row[_SEGMENT] and row[_SEGMENT] not in keep:
            row = (*row[:_SEGMENT], OTHER, *row[_SEGMENT + 1 :])
            folded += 1
        rows.append(row)
        segments.append(row[_SEGMENT])
    index = batch.features.column_names.index("segment")
    features = batch.features.set_column(index, "segment", pa.array(segments, pa.string()))
    return replace(batch, rows=rows, features=features), folded


def _allowed(seen: Counter[str], stored: set[str], limit: int) -> set[str]:
    keep = set(stored) | {OTHER}
    for value, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])):
        if value in keep:
            continue
        if len(keep - {OTHER}) >= limit:
            break
        keep.add(value)
    return keep
