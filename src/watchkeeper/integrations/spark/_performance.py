"""Performance profiles from a lake: predictions joined with their late labels, per window.

:func:`performance_profiles` joins a predictions DataFrame with a labels DataFrame on an
id column, cuts the joined rows into windows of the prediction time, builds on every
partition (``DataFrame.mapInArrow``) one performance profile per window of its rows, and
merges those on the driver. A profile is counts (and, for regression, sums), so the
result equals the single-process profile of the same rows: exactly for the counts,
to floating-point rounding for the regression sums. See docs/scale.md, "Performance
profiles in Spark".
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

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

_WINDOW = "__wk_window"
_OUTPUT = "window long, profile string"
_OUTPUT_SCHEMA = pa.schema([("window", pa.int64()), ("profile", pa.string())])


def _from_dict(data: dict[str, Any]) -> PerformanceProfile:
    if data.get("kind") == "regression":
        return RegressionProfile.from_dict(data)
    return ClassificationProfile.from_dict(data)


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
    matrix = np.column_stack(
        [np.asarray(table.column(s).to_numpy(zero_copy_only=False), float) for s in scores]
    )
    if len(scores) == 1:
        matrix = matrix[:, 0]
    return classification_profile(y, yhat, matrix, classes=classes, edges=edges)


def _partition(batches: Iterator[pa.RecordBatch], **options: Any) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: one row (window, profile JSON) per window of the partition.

    >>> batch = pa.record_batch({"y": [1.0, 2.0, 4.0], "yhat": [1.5, 2.0, 3.0],
    ...                          _WINDOW: [0, 0, 3_600_000_000]})
    >>> rows = list(_partition(iter([batch]), target="y", prediction="yhat", scores=(),
    ...                        classes=None, edges=error_edges()))
    >>> [(w, json.loads(p)["n_rows"]) for w, p in zip(*rows[0].to_pydict().values())]
    [(0, 2), (3600000000, 1)]
    """
    found: dict[int, PerformanceProfile] = {}
    for batch in batches:
        if batch.num_rows == 0:
            continue
        table = pa.Table.from_batches([batch])
        windows = table.column(_WINDOW).to_numpy(zero_copy_only=False)
        for window in np.unique(windows):
            part = _profile_rows(table.filter(pa.array(windows == window)), **options)
            key = int(window)
            old = found.get(key)
            found[key] = part if old is None else old.merge(part)  # type: ignore[arg-type]
    if found:
        keys = sorted(found)
        texts = [json.dumps(found[k].to_dict()) for k in keys]
        yield pa.RecordBatch.from_arrays(
            [pa.array(keys, pa.int64()), pa.array(texts, pa.string())], schema=_OUTPUT_SCHEMA
        )


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
) -> dict[datetime, PerformanceProfile]:
    """Performance profiles per window of ``predictions`` joined with ``labels`` on ``on``.

    ``predictions`` holds ``on``, ``time_column``, ``prediction`` and, for a classifier,
    the ``scores`` columns (one per class in ``classes`` order, or for two classes one
    column: the score of ``classes[1]``); ``labels`` holds ``on`` and ``target``. Only
    predictions with a label count (an inner join): run again when more labels land.
    With ``classes`` the profiles are :class:`ClassificationProfile`, without them
    :class:`RegressionProfile`. ``window`` is a length such as ``"1h"``; windows start
    at multiples of it since the epoch (UTC). ``edges`` as in
    :func:`~watchkeeper.performance.classification_profile` or
    :func:`~watchkeeper.performance.regression_profile`. Needs pyspark.

    Starting a JVM is too slow for a doctest (tests/integrations/test_spark_performance.py
    runs this):

    >>> by_window = performance_profiles(  # doctest: +SKIP
    ...     spark.read.parquet("predictions/"), spark.read.parquet("labels/"), on="id",
    ...     time_column="ts", target="label", prediction="pred", classes=[0, 1],
    ...     scores=["proba"])
    >>> {start: p.roc_auc(1) for start, p in by_window.items()}  # doctest: +SKIP
    """
    from watchkeeper.integrations.spark._profile import _pyspark, _worker_python
    from watchkeeper.service._settings import parse_duration

    _pyspark()
    from pyspark.sql import functions as F  # noqa: N812 (pyspark's own spelling)

    wanted = [on, time_column, prediction, *scores]
    missing = [c for c in wanted if c not in predictions.columns]
    missing += [c for c in (on, target) if c not in labels.columns]
    if missing:
        raise InputError(
            f"columns {missing} are missing; predictions have {list(predictions.columns)} "
            f"and labels {list(labels.columns)}"
        )
    if classes is not None and not scores:
        raise InputError("a classifier's profile needs scores=[...] (one column per class)")
    window_us = int(parse_duration(window).total_seconds() * 1_000_000)
    if window_us <= 0:
        raise InputError(f"window is {window!r}; give a positive length such as '1h'")
    grid = np.asarray(
        edges if edges is not None else error_edges() if classes is None else probability_edges(),
        dtype=np.float64,
    )
    _worker_python(predictions)
    micros = F.unix_micros(F.col(time_column).cast("timestamp"))
    joined = (
        predictions.select(*wanted)
        .join(labels.select(on, target), on=on, how="inner")
        .withColumn(_WINDOW, micros - F.pmod(micros, F.lit(window_us)))
        .where(F.col(_WINDOW).isNotNull() & F.col(target).isNotNull())
        .select(target, prediction, *scores, _WINDOW)
    )
    task = partial(
        _partition,
        target=target,
        prediction=prediction,
        scores=tuple(scores),
        classes=None if classes is None else tuple(classes),
        edges=grid,
    )
    merged: dict[int, PerformanceProfile] = {}
    for row in joined.mapInArrow(task, _OUTPUT).collect():
        part = _from_dict(json.loads(row[1]))
        old = merged.get(int(row[0]))
        merged[int(row[0])] = part if old is None else old.merge(part)  # type: ignore[arg-type]
    return {datetime.fromtimestamp(w / 1_000_000, UTC): merged[w] for w in sorted(merged)}
