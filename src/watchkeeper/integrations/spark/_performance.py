"""Performance profiles from a lake: predictions joined with their late labels, per window
and segment.

:func:`performance_profiles` joins a predictions DataFrame with a labels DataFrame on an
id column, cuts the joined rows into windows of the prediction time (and segments of
``segment_columns``), builds on every partition (``DataFrame.mapInArrow``) one
performance profile per (window, segment) of its rows, and merges those on the driver.
A profile is counts (and, for regression, sums), so the result equals the
single-process profile of the same rows: exactly for the counts, to floating-point
rounding for the regression sums. :mod:`._performance_stream` does the same for each
micro-batch of a stream of labels. See docs/spark.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, overload

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.performance._profiles import (
    ClassificationProfile,
    classification_profile,
    probability_edges,
)
from watchkeeper.performance._regression_profile import (
    RegressionProfile,
    error_edges,
    regression_profile,
)

__all__ = ["PerformanceProfile", "performance_profiles"]

PerformanceProfile = ClassificationProfile | RegressionProfile
# (window start in microseconds since the epoch, segment text; "" for no segment)
Key = tuple[int, str]

_WINDOW, _SEGMENT = "__wk_window", "__wk_segment"
_OUTPUT = "window long, segment string, profile string"
_OUTPUT_SCHEMA = pa.schema(
    [("window", pa.int64()), ("segment", pa.string()), ("profile", pa.string())]
)


def profile_from_dict(data: Mapping[str, Any]) -> PerformanceProfile:
    """A classification or regression profile from its ``to_dict()`` form."""
    if data.get("kind") == "regression":
        return RegressionProfile.from_dict(data)
    return ClassificationProfile.from_dict(data)


def merge_into(found: dict[Key, PerformanceProfile], key: Key, part: PerformanceProfile) -> None:
    """Add ``part`` to ``found[key]`` (merging profiles adds their counts)."""
    old = found.get(key)
    found[key] = part if old is None else old.merge(part)  # type: ignore[arg-type]


@dataclass(frozen=True)
class JoinSpec:
    """How predictions and labels are joined and profiled, checked once by :func:`join_spec`."""

    on: str
    time_column: str
    target: str
    prediction: str
    scores: tuple[str, ...]
    classes: tuple[Any, ...] | None
    window_us: int
    edges: np.ndarray[Any, np.dtype[np.float64]]
    segment_columns: tuple[str, ...]

    @property
    def prediction_columns(self) -> list[str]:
        """What is read from the predictions (the id first)."""
        wanted = [self.on, self.time_column, self.prediction, *self.scores]
        return list(dict.fromkeys([*wanted, *self.segment_columns]))


def join_spec(
    prediction_columns: Sequence[str],
    label_columns: Sequence[str],
    *,
    on: str,
    time_column: str,
    target: str,
    prediction: str,
    classes: Sequence[Any] | None,
    scores: Sequence[str],
    window: str | timedelta,
    edges: Any,
    segment_columns: Sequence[str],
) -> JoinSpec:
    """Check the options against the two sides' columns; the :class:`JoinSpec`."""
    from watchkeeper.service._settings import parse_duration

    wanted = [on, time_column, prediction, *scores, *segment_columns]
    missing = [c for c in wanted if c not in prediction_columns]
    missing += [c for c in (on, target) if c not in label_columns]
    if missing:
        raise InputError(
            f"columns {missing} are missing; predictions have {list(prediction_columns)} "
            f"and labels {list(label_columns)}"
        )
    window_us = int(parse_duration(window).total_seconds() * 1_000_000)
    if window_us <= 0:
        raise InputError(f"window is {window!r}; give a positive length such as '1h'")
    grid = np.asarray(
        edges if edges is not None else error_edges() if classes is None else probability_edges(),
        dtype=np.float64,
    )
    return JoinSpec(
        on=on, time_column=time_column, target=target, prediction=prediction,
        scores=tuple(scores), classes=None if classes is None else tuple(classes),
        window_us=window_us, edges=grid, segment_columns=tuple(segment_columns),
    )  # fmt: skip


def _profile_rows(
    table: pa.Table,
    *,
    target: str,
    prediction: str,
    scores: tuple[str, ...],
    classes: tuple[Any, ...] | None,
    edges: np.ndarray[Any, np.dtype[np.float64]],
) -> PerformanceProfile:
    y = table.column(target).to_numpy(zero_copy_only=False)
    yhat = table.column(prediction).to_numpy(zero_copy_only=False)
    if classes is None:
        return regression_profile(y, yhat, edges=edges)
    if not scores:  # no scores: the threshold metrics only (the profile is not ranked)
        return classification_profile(y, yhat, None, classes=classes, edges=edges)
    matrix = np.column_stack(
        [np.asarray(table.column(s).to_numpy(zero_copy_only=False), float) for s in scores]
    )
    if len(scores) == 1:
        matrix = matrix[:, 0]
    return classification_profile(y, yhat, matrix, classes=classes, edges=edges)


_CHUNK_ROWS = 100_000


def _profile_chunk(
    table: pa.Table, found: dict[Key, PerformanceProfile], options: Mapping[str, Any]
) -> None:
    """Add the profile of each (window, segment) of ``table`` to ``found``: rows sorted
    by their key once, then one slice per key."""
    windows = table.column(_WINDOW).to_numpy(zero_copy_only=False).astype(np.int64)
    segments = table.column(_SEGMENT).fill_null("").dictionary_encode().combine_chunks()
    names = segments.dictionary.to_pylist()
    codes = segments.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    order = np.lexsort((codes, windows))
    table = table.take(pa.array(order))
    windows, codes = windows[order], codes[order]
    change = np.flatnonzero((np.diff(windows) != 0) | (np.diff(codes) != 0)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(order)]])
    for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
        key = (int(windows[begin]), str(names[codes[begin]]))
        merge_into(found, key, _profile_rows(table.slice(begin, end - begin), **options))


def _wire(profile: PerformanceProfile) -> str:
    # The driver knows the edges (1,001 floats): they do not travel with every part.
    data = profile.to_dict()
    del data["edges"]
    return json.dumps(data, separators=(",", ":"))


def _partition(batches: Iterator[pa.RecordBatch], **options: Any) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: one row (window, segment, profile JSON) per (window, segment)
    of the partition.

    >>> batch = pa.record_batch({"y": [1.0, 2.0, 4.0], "yhat": [1.5, 2.0, 3.0],
    ...                          _WINDOW: [0, 0, 3_600_000_000], _SEGMENT: ["a", "b", "a"]})
    >>> rows = list(_partition(iter([batch]), target="y", prediction="yhat", scores=(),
    ...                        classes=None, edges=error_edges()))
    >>> [(w, s, json.loads(p)["n_rows"]) for w, s, p in zip(*rows[0].to_pydict().values())]
    [(0, 'a', 1), (0, 'b', 1), (3600000000, 'a', 1)]
    """
    found: dict[Key, PerformanceProfile] = {}
    pending: list[pa.RecordBatch] = []
    n_pending = 0
    for batch in batches:
        # Spark hands batches of 10,000 rows; grouping larger chunks at once means one
        # profile per (window, segment) per chunk rather than per batch.
        if batch.num_rows:
            pending.append(batch)
            n_pending += batch.num_rows
        if n_pending >= _CHUNK_ROWS:
            _profile_chunk(pa.Table.from_batches(pending), found, options)
            pending, n_pending = [], 0
    if pending:
        _profile_chunk(pa.Table.from_batches(pending), found, options)
    if found:
        keys = sorted(found)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array([w for w, _ in keys], pa.int64()),
                pa.array([s for _, s in keys], pa.string()),
                pa.array([_wire(found[k]) for k in keys], pa.string()),
            ],
            schema=_OUTPUT_SCHEMA,
        )


def joined(predictions: Any, labels: Any, spec: JoinSpec) -> Any:
    """The labelled predictions with their window and segment (an inner join: a
    prediction without a label yet does not count)."""
    from pyspark.sql import functions as F  # noqa: N812 (pyspark's own spelling)

    from watchkeeper.integrations.spark._monitor import segment_expression, window_expression

    return (
        predictions.select(*spec.prediction_columns)
        .join(labels.select(spec.on, spec.target), on=spec.on, how="inner")
        .withColumn(_WINDOW, window_expression(spec.time_column, spec.window_us))
        .withColumn(_SEGMENT, segment_expression(spec.segment_columns))
        .where(F.col(_WINDOW).isNotNull() & F.col(spec.target).isNotNull())
        .select(spec.target, spec.prediction, *spec.scores, _WINDOW, _SEGMENT)
    )


def profiles_by_key(frame: Any, spec: JoinSpec) -> dict[Key, PerformanceProfile]:
    """One Spark job over :func:`joined` rows: the merged profile per (window, segment)."""
    task = partial(
        _partition,
        target=spec.target,
        prediction=spec.prediction,
        scores=spec.scores,
        classes=spec.classes,
        edges=spec.edges,
    )
    merged: dict[Key, PerformanceProfile] = {}
    for row in frame.mapInArrow(task, _OUTPUT).collect():
        data = {**json.loads(row[2]), "edges": spec.edges}
        merge_into(merged, (int(row[0]), str(row[1])), profile_from_dict(data))
    return merged


def _start(window_us: int) -> datetime:
    return datetime.fromtimestamp(window_us / 1_000_000, UTC)


def by_window(found: Mapping[Key, PerformanceProfile]) -> dict[datetime, PerformanceProfile]:
    """Every window's profile over all its segments, keyed by the window's start."""
    out: dict[Key, PerformanceProfile] = {}
    for (window, _), part in sorted(found.items()):
        merge_into(out, (window, ""), part)
    return {_start(w): p for (w, _), p in sorted(out.items())}


def by_segment(
    found: Mapping[Key, PerformanceProfile],
) -> dict[tuple[datetime, str | None], PerformanceProfile]:
    """``(start, segment)`` for each segment and ``(start, None)`` for all the window's
    rows (those whose segment columns are null count there only)."""
    out: dict[tuple[datetime, str | None], PerformanceProfile] = {}
    for start, whole in by_window(found).items():
        out[(start, None)] = whole
    for (window, segment), part in sorted(found.items()):
        if segment:
            out[(_start(window), segment)] = part
    return dict(sorted(out.items(), key=lambda item: (item[0][0], item[0][1] or "")))


def keyed(found: Mapping[Key, PerformanceProfile], segmented: bool) -> Any:
    return by_segment(found) if segmented else by_window(found)


@overload
def performance_profiles(
    predictions: Any, labels: Any, *, on: str, time_column: str, target: str,
    prediction: str, classes: Sequence[Any] | None = ..., scores: Sequence[str] = ...,
    window: str | timedelta = ..., edges: Any = ..., segment_columns: None = ...,
) -> dict[datetime, PerformanceProfile]: ...  # fmt: skip


@overload
def performance_profiles(
    predictions: Any, labels: Any, *, on: str, time_column: str, target: str,
    prediction: str, classes: Sequence[Any] | None = ..., scores: Sequence[str] = ...,
    window: str | timedelta = ..., edges: Any = ..., segment_columns: Iterable[str],
) -> dict[tuple[datetime, str | None], PerformanceProfile]: ...  # fmt: skip


def performance_profiles(
    predictions: Any,
    labels: Any,
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
) -> Any:
    """Performance profiles per window of ``predictions`` joined with ``labels`` on ``on``.

    ``predictions`` holds ``on``, ``time_column``, ``prediction``, the
    ``segment_columns`` and, for a classifier, the ``scores`` columns (one per class in
    ``classes`` order, or for two classes one column: the score of ``classes[1]``;
    none: the profiles hold the confusion matrices only, without ranking metrics);
    ``labels`` holds ``on`` and ``target``. Only predictions with a label count (an
    inner join): run again when more labels land. With ``classes`` the profiles are
    :class:`ClassificationProfile`, without them :class:`RegressionProfile`. ``window``
    is a length such as ``"1h"``; windows start at multiples of it since the epoch (UTC).
    ``edges`` as in :func:`~watchkeeper.performance.classification_profile` or
    :func:`~watchkeeper.performance.regression_profile`. Needs pyspark.

    Without ``segment_columns`` the result is keyed by window start. With them (e.g.
    ``["region"]``) it is keyed by ``(start, segment)``, the segment in the server's
    form ``"region=eu"``, plus ``(start, None)`` for all of the window's rows.

    Starting a JVM is too slow for a doctest (tests/integrations/test_spark_performance.py
    runs this):

    >>> by_window = performance_profiles(  # doctest: +SKIP
    ...     spark.read.parquet("predictions/"), spark.read.parquet("labels/"), on="id",
    ...     time_column="ts", target="label", prediction="pred", classes=[0, 1],
    ...     scores=["proba"])
    >>> {start: p.roc_auc(1) for start, p in by_window.items()}  # doctest: +SKIP
    """
    from watchkeeper.integrations.spark._profile import _pyspark, _worker_python

    _pyspark()
    segments = None if segment_columns is None else tuple(segment_columns)
    spec = join_spec(
        predictions.columns, labels.columns, on=on, time_column=time_column, target=target,
        prediction=prediction, classes=classes, scores=scores, window=window, edges=edges,
        segment_columns=segments or (),
    )  # fmt: skip
    _worker_python(predictions)
    return keyed(profiles_by_key(joined(predictions, labels, spec), spec), segments is not None)
