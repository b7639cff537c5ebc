"""Realized performance per chunk, and the assembly shared with CBPE and DLE.

Direction follows each metric's registry entry (``Metric.higher_is_better``).
Thresholds, the baseline (the mean over reference chunks) and the sampling error all
come from the *realized* metric on the reference chunks, as NannyML does, so a
realized and an estimated series of the same model share their thresholds.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from watchkeeper.performance._chunking import Chunk, Chunker, SizeChunker, merge_note
from watchkeeper.performance._inputs import Columns, Prepared, ScoreSpec, prepare_pair
from watchkeeper.performance._registry import DEFAULT_METRICS, Metric, get_metric
from watchkeeper.performance._results import (
    ChunkResult,
    LabelJoin,
    MetricResult,
    PerformanceResult,
)
from watchkeeper.performance._thresholds import (
    StandardDeviationThreshold,
    Threshold,
    sampling_error,
)
from watchkeeper.performance._warning_classes import (
    FewReferenceChunksWarning,
    few_reference_chunks_message,
)

__all__ = [
    "Series",
    "assemble",
    "calculate_performance",
    "finish",
    "realized_values",
    "segments",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Series:
    """One metric's values on the chunks of one data set."""

    chunks: tuple[Chunk, ...]
    values: FloatArray
    n_rows: NDArray[np.int64]
    n_labelled: NDArray[np.int64]
    realized: FloatArray | None = None


def segments(ref: Prepared, ana: Prepared) -> Iterator[tuple[str | None, Prepared, Prepared]]:
    """All rows first, then one pair per segment value seen in either data set."""
    yield None, ref, ana
    if ref.segments is None or ana.segments is None:
        return
    for value in np.unique(np.concatenate([ref.segments, ana.segments])):
        yield (
            str(value),
            ref.take(np.flatnonzero(ref.segments == value)),
            ana.take(np.flatnonzero(ana.segments == value)),
        )


def realized_values(
    metric: Metric, problem: str, data: Prepared, chunks: Sequence[Chunk], n_classes: int
) -> tuple[FloatArray, NDArray[np.int64]]:
    """The realized metric and the number of labelled rows of each chunk."""
    values = np.full(len(chunks), np.nan)
    labelled = np.zeros(len(chunks), dtype=np.int64)
    if data.y_true is None:
        return values, labelled
    for i, chunk in enumerate(chunks):
        rows = slice(chunk.start, chunk.end)
        mask = data.labelled[rows]
        labelled[i] = int(mask.sum())
        # Fully labelled chunks (the usual case) are sliced as views, not copied.
        pick: slice | NDArray[np.bool_] = slice(None) if labelled[i] == chunk.size else mask
        y_pred = None if data.y_pred is None else data.y_pred[rows][pick]
        proba = None if data.proba is None else data.proba[rows][pick]
        values[i] = metric.evaluate(problem, data.y_true[rows][pick], y_pred, proba, n_classes)
    return values, labelled


def assemble(
    metric: Metric,
    segment: str | None,
    reference: Series,
    analysis: Series,
    *,
    threshold: Threshold,
    band_width: float,
    estimated: bool,
) -> MetricResult:
    """Baseline, thresholds, sampling errors, bands and alerts of one metric series."""
    truth = reference.realized if reference.realized is not None else reference.values
    finite = truth[np.isfinite(truth)]
    baseline = float(finite.mean()) if finite.size else float("nan")
    lower, upper = threshold.bounds(truth, baseline)
    lower, upper = metric.clip(lower), metric.clip(upper)
    ref_sizes = (reference.n_rows if estimated else reference.n_labelled).astype(np.float64)
    rows = []
    for period, series in (("reference", reference), ("analysis", analysis)):
        sizes = series.n_rows if estimated else series.n_labelled
        for i, chunk in enumerate(series.chunks):
            value = float(series.values[i])
            error = sampling_error(truth, ref_sizes, int(sizes[i]))
            band: tuple[float | None, float | None] = (None, None)
            if np.isfinite(value) and np.isfinite(error):
                band = (
                    metric.clip(value - band_width * error),
                    metric.clip(value + band_width * error),
                )
            alert = period == "analysis" and bool(
                (lower is not None and value < lower) or (upper is not None and value > upper)
            )
            realized = None if series.realized is None else float(series.realized[i])
            rows.append(
                ChunkResult(
                    chunk.index, chunk.key, period, chunk.start, chunk.end,
                    int(series.n_rows[i]), int(series.n_labelled[i]), value, error,
                    band[0], band[1], lower, upper, alert, realized,
                    chunk.start_time, chunk.end_time,
                )
            )  # fmt: skip
    return MetricResult(
        metric.name, segment, metric.higher_is_better, baseline, lower, upper, tuple(rows)
    )


def finish(
    result: PerformanceResult, chunker: Chunker, rows: Sequence[tuple[str, int]]
) -> PerformanceResult:
    """The result with what its reader must know: merged leftovers, too few reference chunks.

    ``rows`` names each data set and its row count, reference first. Shared by the
    realized path, CBPE and DLE; the few-chunks case also warns
    (:class:`FewReferenceChunksWarning`).
    """
    notes = list(result.notes)
    if isinstance(chunker, SizeChunker):
        for data, n_rows in rows:
            note = merge_note(chunker, chunker.split(n_rows), data)
            if note is not None:
                notes.append(note)
    if not result.thresholds_reliable:
        message = few_reference_chunks_message(result.n_reference_chunks)
        warnings.warn(message, FewReferenceChunksWarning, stacklevel=3)
        notes.append(message)
    return replace(result, notes=tuple(notes))


def describe(thing: object) -> str:
    """A short, stable description of a chunker or threshold for the result."""
    return repr(thing)


def calculate_performance(
    reference: Any,
    current: Any,
    *,
    y_true: str,
    y_pred: str | None = None,
    y_score: ScoreSpec = None,
    problem: str | None = None,
    metrics: Sequence[str] | None = None,
    chunker: Chunker | None = None,
    threshold: Threshold | None = None,
    timestamp: str | None = None,
    segment: str | None = None,
    positive_label: Any = None,
    band_width: float = 3.0,
    label_join: LabelJoin | None = None,
) -> PerformanceResult:
    """Realized performance of ``current``, chunk by chunk, against ``reference``.

    ``reference`` and ``current`` are anything :func:`watchkeeper.io.to_table` reads
    (a pandas or polars DataFrame, an Arrow table, a dict of columns, a path). Rows
    whose target is null are unlabelled: left out of the metrics, counted in
    ``n_labelled``; pass the :class:`LabelJoin` of :func:`join_labels` as ``label_join``
    to carry its counts into the result. The default chunker cuts chunks of a tenth of the reference
    (``SizeChunker(len(reference) // 10)``, a leftover under half a chunk joining the
    chunk before it, said in ``notes``); the default threshold is mean -/+ 3 sigma
    of the reference chunks. Without ``y_score`` the default metrics that need scores
    are skipped.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> score = np.clip(0.5 * y + rng.uniform(0, 0.5, 2000), 0, 1)
    >>> data = {"y": y, "pred": (score > 0.5).astype(int), "p": score}
    >>> result = calculate_performance(data, data, y_true="y", y_pred="pred", y_score="p",
    ...                                metrics=["accuracy"], chunker=SizeChunker(200))
    >>> [round(c.value, 3) for c in result.metric("accuracy").analysis]
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    columns = Columns(y_true, y_pred, y_score, timestamp, segment)
    ref, cur, chosen, classes = prepare_pair(
        reference, current, columns, problem=problem, positive_label=positive_label,
        analysis_name="current",
    )  # fmt: skip
    chunker = chunker or SizeChunker(max(ref.n_rows // 10, 1))
    threshold = threshold or StandardDeviationThreshold()
    names = tuple(metrics) if metrics else DEFAULT_METRICS[chosen]
    if y_score is None:
        names = tuple(n for n in names if get_metric(n).needs != "scores" or metrics)
    chosen_metrics = [get_metric(n, chosen) for n in names]
    n_classes = max(len(classes), 2)
    results = []
    for name, ref_part, cur_part in segments(ref, cur):
        ref_chunks = chunker.split(ref_part.n_rows, ref_part.timestamps)
        cur_chunks = chunker.split(cur_part.n_rows, cur_part.timestamps)
        for metric in chosen_metrics:
            series = []
            for data, chunks in ((ref_part, ref_chunks), (cur_part, cur_chunks)):
                values, labelled = realized_values(metric, chosen, data, chunks, n_classes)
                n_rows = np.array([c.size for c in chunks], dtype=np.int64)
                series.append(Series(chunks, values, n_rows, labelled))
            results.append(
                assemble(metric, name, series[0], series[1], threshold=threshold,
                         band_width=band_width, estimated=False)
            )  # fmt: skip
    result = PerformanceResult(
        "realized", chosen, classes, describe(chunker), describe(threshold), tuple(results),
        label_join=label_join,
    )  # fmt: skip
    return finish(result, chunker, (("reference", ref.n_rows), ("current", cur.n_rows)))
