"""Performance profiles of a stream of late labels: a ``foreachBatch`` sink.

Labels land after the predictions (a review queue, a chargeback feed, a nightly
extract). :class:`PerformanceSink` is handed to ``writeStream.foreachBatch``: each
micro-batch of labels is joined with the predictions (a static DataFrame, e.g. the
lake's predictions table) on the id, and profiled per (window of the prediction time,
segment) on the executors, as :func:`~._performance.performance_profiles` does.

Replays count once. Spark runs a micro-batch again with the same batch id after a
failure (its checkpoint says which batch was not committed); the sink keeps each batch
id's profiles under that id, so a replay replaces what the first attempt left instead of
adding to it. In memory for the life of the sink; with ``path`` in one file per batch id
(``batch-<id>.json``, written to a temporary name and renamed), so a driver that
restarts from the checkpoint reads what earlier runs counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.integrations.spark._performance import (
    Key,
    PerformanceProfile,
    join_spec,
    joined,
    keyed,
    merge_into,
    profile_from_dict,
    profiles_by_key,
)

__all__ = ["PerformanceSink", "read_batches"]

_PREFIX, _SUFFIX = "batch-", ".json"


def _write(folder: Path, batch_id: int, found: dict[Key, PerformanceProfile]) -> None:
    rows = [
        {"window": w, "segment": s, "profile": p.to_dict()} for (w, s), p in sorted(found.items())
    ]
    final = folder / f"{_PREFIX}{batch_id:012d}{_SUFFIX}"
    temporary = folder / f".{final.name}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps({"batch_id": batch_id, "profiles": rows}), encoding="utf-8")
    os.replace(temporary, final)  # atomic: a reader sees the old file or the new one


def read_batches(path: str | Path) -> dict[int, dict[Key, PerformanceProfile]]:
    """The per-batch profiles a :class:`PerformanceSink` with ``path`` wrote."""
    out: dict[int, dict[Key, PerformanceProfile]] = {}
    for file in sorted(Path(path).glob(f"{_PREFIX}*{_SUFFIX}")):
        data = json.loads(file.read_text(encoding="utf-8"))
        found: dict[Key, PerformanceProfile] = {}
        for row in data["profiles"]:
            merge_into(found, (int(row["window"]), str(row["segment"])),
                       profile_from_dict(row["profile"]))  # fmt: skip
        out[int(data["batch_id"])] = found
    return out


class PerformanceSink:
    """A ``foreachBatch`` function: each micro-batch of labels joined with ``predictions``
    and profiled per window (and segment); replays of a batch id count once.

    The options are those of :func:`~watchkeeper.integrations.spark.performance_profiles`
    (the micro-batch is the ``labels`` side). ``path`` (a folder on the driver's file
    system) keeps each batch's profiles across driver restarts. :meth:`profiles` merges
    the batches counted so far, keyed as ``performance_profiles`` keys them. A label that
    arrives twice in different batches counts twice: drop duplicate ids upstream
    (``dropDuplicates([on])`` with a watermark) when the feed may repeat them.

    >>> sink = PerformanceSink(None, on="id", time_column="ts", target="label",
    ...                        prediction="pred", classes=[0, 1], scores=["proba"])
    >>> sink.profiles()
    {}
    """

    def __init__(
        self,
        predictions: Any,
        *,
        on: str,
        time_column: str,
        target: str,
        prediction: str,
        classes: Sequence[Any] | None = None,
        scores: Sequence[str] = (),
        window: str | timedelta = "1h",
        edges: Any = None,
        segment_columns: Iterable[str] | None = None,
        path: str | Path | None = None,
    ) -> None:
        self.predictions = predictions
        self.on = on
        self.time_column = time_column
        self.target = target
        self.prediction = prediction
        self.classes = classes
        self.scores = scores
        self.window = window
        self.edges = edges
        self.segment_columns = None if segment_columns is None else tuple(segment_columns)
        self.path = None if path is None else Path(path)
        self._batches: dict[int, dict[Key, PerformanceProfile]] = {}

    def _spec(self, label_columns: Sequence[str]) -> Any:
        columns = list(self.predictions.columns) if self.predictions is not None else []
        return join_spec(
            columns, label_columns, on=self.on, time_column=self.time_column,
            target=self.target, prediction=self.prediction, classes=self.classes,
            scores=self.scores, window=self.window, edges=self.edges,
            segment_columns=self.segment_columns or (),
        )  # fmt: skip

    def __call__(self, batch: Any, batch_id: int) -> None:
        """Profile one micro-batch of labels (``foreachBatch`` calls this)."""
        from watchkeeper.integrations.spark._profile import _pyspark

        _pyspark()
        if self.predictions is None:
            raise InputError("the sink has no predictions DataFrame to join the labels with")
        spec = self._spec(batch.columns)
        found = profiles_by_key(joined(self.predictions, batch, spec), spec)
        self.record(batch_id, found)

    def record(self, batch_id: int, found: dict[Key, PerformanceProfile]) -> None:
        """Keep ``found`` as batch ``batch_id``'s profiles, replacing an earlier attempt's."""
        self._batches[int(batch_id)] = found
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            _write(self.path, int(batch_id), found)

    def batches(self) -> dict[int, dict[Key, PerformanceProfile]]:
        """Each batch id's profiles: read from ``path`` when there is one (earlier
        drivers' batches included), else those this sink counted."""
        if self.path is not None:
            return read_batches(self.path)
        return dict(self._batches)

    def profiles(self) -> Any:
        """The profiles of every batch so far, merged; keyed by window start, or by
        ``(start, segment)`` with ``segment_columns`` (as ``performance_profiles``)."""
        merged: dict[Key, PerformanceProfile] = {}
        for _, found in sorted(self.batches().items()):
            for key, part in found.items():
                merge_into(merged, key, part)
        return keyed(merged, self.segment_columns is not None)
