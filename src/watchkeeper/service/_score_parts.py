"""Score statistics of windows fed by profiles: score sketches posted per window.

A sender in profile mode (the SDK, a Spark job) sends no raw scores, so the window's
score statistics (:mod:`watchkeeper.service.kinds.scores`) would cover its records only.
It posts instead, per window, version and segment, one
:class:`~watchkeeper.performance.ScoreSketch` per score series: ``""`` for a binary
model's positive-class score or a regressor's prediction, the class name for each class
of a multiclass model. Sketches are on the version's edges (probability edges for a
classifier, :func:`~watchkeeper.performance.signed_edges` for a regressor); the body is
``{"kind": "scores", "version": 1, "series": {name: sketch.to_dict()}}``.

A part is stored as kind ``scores`` (it counts no rows: the feature profile of the same
traffic does; a late one reopens its window) and at close the window's sketches are
merged with the sketch of its records' scores: mean, standard deviation, minimum and
maximum exact, the quartiles bounded (said in the window's ``bounded`` entry).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from watchkeeper._exceptions import InputError
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.performance import probability_edges
from watchkeeper.performance._score_sketch import ScoreSketch, score_sketch, signed_edges
from watchkeeper.service._json_parts import ingest_part, keyed_codec, window_merge
from watchkeeper.service._points import Value
from watchkeeper.service._profile_ingest import (
    ProfileIngestResult,
)
from watchkeeper.service._registry import Registry
from watchkeeper.service._windows import WindowData
from watchkeeper.store._repo_parts import (
    SCORES,
)
from watchkeeper.store._rows import ModelRow, WindowRow

__all__ = ["ingest_score_profile", "score_values", "window_scores"]

Series = dict[str, ScoreSketch]
_STATISTICS = frozenset(
    {"score_mean", "score_std", "score_min", "score_max", "score_p25", "score_p50", "score_p75"}
)
_MAX_SERIES = 1_000


def _edges(row: ModelRow) -> np.ndarray[Any, np.dtype[np.float64]]:
    problem = PROBLEM_OF_TASK.get(row.task)
    if problem is None:
        raise InputError(f"model {row.name!r} is a {row.task} model: it has no scores")
    return signed_edges() if problem == "regression" else probability_edges()


def _read(data: Any, row: ModelRow, where: str) -> Series:
    if not isinstance(data, Mapping) or data.get("kind") != "scores" or data.get("version") != 1:
        raise InputError(
            f'{where}: send {{"kind": "scores", "version": 1, "series": {{name: sketch}}}}'
        )
    given = data.get("series")
    if not isinstance(given, Mapping) or not 0 < len(given) <= _MAX_SERIES:
        raise InputError(f"{where}: series must map 1 to {_MAX_SERIES} names to sketches")
    try:
        series = {str(name): ScoreSketch.from_dict(sketch) for name, sketch in given.items()}
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise InputError(f"{where}: not a score sketch ({error})") from None
    edges = _edges(row)
    if any(not np.array_equal(s.edges, edges) for s in series.values()):
        raise InputError(
            f"{where}: counted on other edges than the version's; build the sketches on "
            "watchkeeper.performance.probability_edges() (classifiers) or signed_edges() "
            "(regressors)"
        )
    multiclass = PROBLEM_OF_TASK.get(row.task) == "multiclass"
    if not multiclass and set(series) != {""}:
        raise InputError(f'{where}: a {row.task} model has one series, named ""')
    declared = row.schema.get("classes")
    if multiclass and declared and not set(series) <= {str(c) for c in declared}:
        raise InputError(f"{where}: series {sorted(series)}; the classes are {declared}")
    return series


CODEC = keyed_codec(SCORES, ScoreSketch.from_dict, lambda sketch: sketch.n)


def ingest_score_profile(
    registry: Registry,
    model: str,
    version: str,
    window_start: datetime,
    data: Any,
    *,
    segment: str | None = None,
    part_key: str | None = None,
) -> ProfileIngestResult:
    """Store a posted window's score sketches; returns after they are durable."""
    return ingest_part(
        registry, CODEC, lambda data, at: _read(data, at.model, at.where), model, version,
        window_start, data, segment=segment, part_key=part_key,
    )  # fmt: skip


def window_scores(registry: Registry, window: WindowRow) -> Series | None:
    """The merged score sketches of a window (None without any), compacting each
    segment's parts into one as it goes."""
    return window_merge(registry, CODEC, window)


def _records(task: str, data: WindowData) -> dict[str, list[float]]:
    """The window's records' scores per series, as the score-statistics kind reads them."""
    problem = PROBLEM_OF_TASK.get(task)
    if problem == "regression":
        return {"": [float(p) for p in data.predictions if isinstance(p, int | float)]}
    if problem == "binary":
        return {"": [float(s) for s in data.scores if s is not None]}
    by_class: dict[str, list[float]] = defaultdict(list)
    for given in data.class_scores:
        for name, value in (given or {}).items():
            by_class[str(name)].append(float(value))
    return by_class


def score_values(
    task: str, data: WindowData, posted: Series, values: Sequence[Value]
) -> tuple[list[Value], dict[str, dict[str, float]]]:
    """``values`` with the score statistics recomputed over the records and ``posted``
    sketches, and, for the bounded quartiles, ``{metric or metric.class: {lower, upper,
    width}}``."""
    merged = dict(posted)
    edges = next(iter(posted.values())).edges
    for name, scores in _records(task, data).items():
        if scores:
            mine = score_sketch(scores, edges)
            merged[name] = merged[name].merge(mine) if name in merged else mine
    out = [v for v in values if v[0] not in _STATISTICS]
    bounded: dict[str, dict[str, float]] = {}
    for name in sorted(merged):
        exact, ranged = merged[name].statistics()
        feature = name or None
        out += [(metric, feature, value) for metric, value in exact.items()]
        for metric, score in ranged.items():
            out.append((metric, feature, score.estimate))
            label = metric if feature is None else f"{metric}.{feature}"
            bounded[label] = {"lower": score.lower, "upper": score.upper, "width": score.width}
    return out, bounded
