"""Storing predictions and labels: the service's ingestion, after validation.

:func:`ingest_predictions` validates a decoded batch once (:func:`._ingest.prepare_batch`)
and stores the accepted records with their per-window feature blobs in one transaction;
:func:`ingest_labels` attaches ground truth by id and marks the windows late labels
change, so the next close recomputes them.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import InputError
from watchkeeper.service._closing import evaluate_live
from watchkeeper.service._ingest import PreparedBatch, feature_kinds, prepare_batch, table_to_ipc
from watchkeeper.service._registry import Registry
from watchkeeper.service._results import IngestResult, LabelResult
from watchkeeper.service._segment_cap import cap_segments
from watchkeeper.service.kinds import available_kinds
from watchkeeper.service.kinds._run import labels_arrived, predictions_arrived

__all__ = ["ingest_labels", "ingest_predictions"]

_MAX_UNKNOWN_LISTED = 100


def _label_json(record_id: str, label: Any) -> str:
    """A label as stored: JSON text of a finite number, a string or a boolean.

    >>> _label_json("r1", 1), _label_json("r2", "spam")
    ('1', '"spam"')
    """
    if isinstance(label, float) and not math.isfinite(label):
        raise InputError(f"label of record {record_id!r} is {label}; send a finite number")
    if isinstance(label, np.generic):
        label = label.item()
    if label is None or not isinstance(label, str | int | float | bool):
        raise InputError(
            f"label of record {record_id!r} is {label!r}; a label is a number, text or boolean"
        )
    return json.dumps(label)


def _window_blobs(batch: PreparedBatch, inserted: set[str]) -> list[tuple[int, int, bytes]]:
    """The inserted records' features as one Arrow IPC blob per window start."""
    features = batch.features
    if len(inserted) != features.num_rows:
        keep = pc.is_in(features.column("id"), value_set=pa.array(sorted(inserted)))
        features = features.filter(keep)
    starts = features.column("window_start").to_numpy()
    if starts.size == 0:
        return []
    if (starts == starts[0]).all():
        return [(int(starts[0]), features.num_rows, table_to_ipc(features))]
    # Sort once and cut the runs, rather than filtering once per window.
    order = np.argsort(starts, kind="stable")
    features = features.take(pa.array(order))
    starts = starts[order]
    cuts = [0, *(np.flatnonzero(np.diff(starts)) + 1).tolist(), len(starts)]
    return [
        (int(starts[a]), b - a, table_to_ipc(features.slice(a, b - a)))
        for a, b in itertools.pairwise(cuts)
    ]


def _output(task: str, row: tuple[Any, ...]) -> float | None:
    """A stored row's score (regression: its prediction), as the score stream reads it."""
    if task != "regression":
        return None if row[5] is None else float(row[5])
    value = None if row[4] is None else json.loads(row[4])
    return float(value) if isinstance(value, int | float) else None


def ingest_predictions(
    registry: Registry, model: str, version: str, records: pa.Table
) -> IngestResult:
    """Validate and store a batch; returns after the accepted records are durable."""
    row = registry.model(model)
    target = registry.version(row, version)
    window_us = registry.window_us(row)
    batch = prepare_batch(
        records, kinds=feature_kinds(row.schema), model=model, window_us=window_us
    )
    store = registry.store
    batch, folded = cap_segments(
        batch, lambda start: store.window_segments(row.id, target.id, start)
    )
    inserted = store.ingest_batch(
        row.id, target.id, batch.rows, lambda ids: _window_blobs(batch, ids), window_us
    )
    duplicates = batch.duplicates_in_batch + len(batch.rows) - len(inserted)
    # Kinds that watch the score stream (opt-in) see the stored scores now; the scores
    # are read only for a model that has such a kind (a Python step per record).
    wanted = any(kind.wants_predictions(row.schema) for kind in available_kinds().values())
    rows = batch.rows if wanted else []
    scored = [(r[2], _output(row.task, r)) for r in rows if r[0] in inserted]
    points, seen = predictions_arrived(
        registry.store, row, target.id, version,
        [(start, value) for start, value in scored if value is not None],
        window_us, registry.clock(),
    )  # fmt: skip
    if points:
        evaluate_live(registry, row, points, seen)
    return IngestResult(len(inserted), duplicates, tuple(batch.rejected), folded)


def ingest_labels(registry: Registry, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult:
    """Attach ground truth by id; late labels and corrections reopen their windows."""
    row = registry.model(model)
    window_us = registry.window_us(row)
    latest: dict[str, str] = {}
    duplicates = 0
    for record_id, label in labels:
        if not isinstance(record_id, str) or not record_id:
            raise InputError(f"label id {record_id!r} must be a non-empty string")
        text = _label_json(record_id, label)
        if record_id in latest and latest[record_id] == text:
            duplicates += 1
        latest[record_id] = text
    targets = registry.store.label_targets(row.id, list(latest))
    unknown = [rid for rid in latest if rid not in targets]
    writes: list[tuple[str, str]] = []
    new: dict[tuple[int, str, int], int] = defaultdict(int)
    corrected: set[tuple[int, str, int]] = set()
    for record_id, text in latest.items():
        target = targets.get(record_id)
        if target is None:
            continue
        if target.label == text:
            duplicates += 1
            continue
        writes.append((record_id, text))
        keys = [(target.version_id, "", target.window_start)]
        if target.segment:
            keys.append((target.version_id, target.segment, target.window_start))
        for key in keys:
            if target.label is None:
                new[key] += 1
            else:
                corrected.add(key)
    registry.store.apply_labels(row.id, writes, new, corrected, registry.clock(), window_us)
    # Streaming detectors see the labels now; their alerts fire before the window closes.
    points, seen = labels_arrived(
        registry.store, row, [rid for rid, _ in writes], targets, window_us, registry.clock()
    )
    if points:
        evaluate_live(registry, row, points, seen)
    return LabelResult(
        accepted=len(writes),
        duplicates=duplicates,
        unknown_ids=tuple(unknown[:_MAX_UNKNOWN_LISTED]),
        n_unknown=len(unknown),
    )
