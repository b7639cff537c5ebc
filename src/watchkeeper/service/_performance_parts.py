"""Windows fed by labelled performance profiles: posted per window, merged at close.

A sender that joins predictions with their labels (a batch scoring of labelled data,
the SDK's profile mode with labels, a Spark job joining late labels in the lake) posts
one performance profile per window, version and segment:
:class:`~watchkeeper.performance.ClassificationProfile` (confusion matrix and per-class
score histograms) or :class:`~watchkeeper.performance.RegressionProfile`, as its
``to_dict()`` JSON. The profile must be counted on the version's edges
(:func:`performance_edges`: 1,000 probability bins on [0, 1] for a classifier, the
default absolute-error edges for a regressor) and, for a classifier, on the model's
declared classes (or, undeclared, the same classes as the window's other parts).

A part is stored as kind ``performance`` in ``wk_profile_parts`` and its rows counted
as labels (``n_labels``) in its segment's window and the all-traffic window, in one
transaction; a retried post (same ``Idempotency-Key``) counts once; a window's parts
are compacted into one per segment. At close the window's parts are merged
(:func:`window_performance`) and realized performance is computed from them with the
window's labelled records (:mod:`watchkeeper.service._performance_realized`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.performance import (
    ClassificationProfile,
    RegressionProfile,
    error_edges,
    probability_edges,
)
from watchkeeper.performance._profiles import class_key
from watchkeeper.performance._score_sketch import signed_edges
from watchkeeper.service._json_parts import Codec, Target, first_part, ingest_part, window_merge
from watchkeeper.service._profile_ingest import (
    ProfileIngestResult,
)
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_parts import (
    PERFORMANCE,
    labelled_outputs,
)
from watchkeeper.store._rows import ModelRow, WindowRow

__all__ = [
    "PerformanceProfile",
    "ingest_performance_profile",
    "labelled_parts",
    "performance_edges",
    "read_performance_profile",
    "window_performance",
]

PerformanceProfile = ClassificationProfile | RegressionProfile
# Classes a posted classification profile may have (a confusion matrix is k x k).
MAX_CLASSES = 1_000


def _problem(row: ModelRow) -> str:
    problem = PROBLEM_OF_TASK.get(row.task)
    if problem is None:
        raise InputError(
            f"model {row.name!r} is a {row.task} model: it has no realized performance, so "
            "it takes no performance profiles"
        )
    return problem


def _declared(row: ModelRow) -> list[str] | None:
    declared = row.schema.get("classes")
    return [class_key(c) for c in declared] if declared else None


def performance_edges(registry: Registry, model: str, version: str) -> dict[str, Any]:
    """What a sender counts a performance profile on: its kind, the classes (None when
    the model declares none), the edges, the edges of score sketches
    (:mod:`._score_parts`) and the model's window length in seconds.

    Every version of a model has the same edges today: the library's defaults.
    """
    row = registry.model(model)
    registry.version(row, version)
    problem = _problem(row)
    seconds = registry.window_us(row) / 1_000_000
    if problem == "regression":
        return {"kind": "regression", "classes": None, "edges": error_edges().tolist(),
                "score_edges": signed_edges().tolist(), "window_seconds": seconds}  # fmt: skip
    edges = probability_edges().tolist()
    return {"kind": "classification", "classes": _declared(row), "edges": edges,
            "score_edges": edges, "window_seconds": seconds}  # fmt: skip


def read_performance_profile(data: Any, where: str) -> PerformanceProfile:
    """A posted profile's JSON as a profile, its shapes and counts checked (they are
    added to other parts' counts at close, so nothing malformed may be stored)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: the body is not a JSON object; send profile.to_dict()")
    kind = data.get("kind")
    try:
        if kind == "classification":
            profile: PerformanceProfile = ClassificationProfile.from_dict(data)
        elif kind == "regression":
            profile = RegressionProfile.from_dict(data)
        else:
            raise InputError(
                f"{where}: kind is {kind!r}; send a ClassificationProfile's or "
                "RegressionProfile's to_dict() (kind 'classification' or 'regression')"
            )
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise InputError(f"{where}: not a performance profile ({error!r})") from None
    _check_shapes(profile, where)
    return profile


def _check_shapes(profile: PerformanceProfile, where: str) -> None:
    edges = profile.edges
    if edges.ndim != 1 or len(edges) < 2 or not np.all(np.isfinite(edges)):
        raise InputError(f"{where}: edges must be two or more finite numbers")
    n_bins = len(edges) - 1
    if isinstance(profile, ClassificationProfile):
        k = len(profile.classes)
        if not 2 <= k <= MAX_CLASSES or len(set(profile.classes)) != k:
            raise InputError(f"{where}: give 2 to {MAX_CLASSES} distinct classes, not {k}")
        if not all(isinstance(c, str) for c in profile.classes):
            raise InputError(f"{where}: classes must be strings (as to_dict() writes them)")
        shapes = (profile.confusion.shape, profile.positives.shape, profile.negatives.shape)
        if shapes != ((k, k), (k, n_bins), (k, n_bins)):
            raise InputError(
                f"{where}: confusion, positives and negatives have shapes {list(shapes)}; "
                f"with {k} classes and {n_bins} bins they are ({k}, {k}), ({k}, {n_bins}) "
                f"and ({k}, {n_bins})"
            )
        counts = (profile.confusion, profile.positives, profile.negatives)
        if any(int(c.min(initial=0)) < 0 for c in counts):
            raise InputError(f"{where}: counts must not be negative")
        totals = profile.positives.sum(axis=1) + profile.negatives.sum(axis=1)
        if np.any(totals > profile.n_rows) or np.any(profile.positives.sum(axis=1)
                                                     > profile.confusion.sum(axis=1)):  # fmt: skip
            raise InputError(f"{where}: the score histograms count more rows than the matrix")
        return
    sums = (profile.sum_error, profile.sum_abs_error, profile.sum_squared_error,
            profile.target_mean, profile.target_m2)  # fmt: skip
    if profile.counts.shape != (n_bins,) or int(profile.counts.min(initial=0)) < 0:
        raise InputError(f"{where}: counts must be {n_bins} numbers >= 0 (one per bin)")
    if int(profile.counts.sum()) != profile.n_rows or profile.n_rows < 0:
        raise InputError(f"{where}: n_rows is {profile.n_rows}, the bins count "
                         f"{int(profile.counts.sum())}")  # fmt: skip
    if not all(np.isfinite(v) for v in sums):
        raise InputError(f"{where}: the sums must be finite numbers")


def _check_scope(profile: PerformanceProfile, row: ModelRow, where: str) -> None:
    """The profile must be of the model's kind, on the version's edges and classes."""
    problem = _problem(row)
    wanted = "regression" if problem == "regression" else "classification"
    kind = "regression" if isinstance(profile, RegressionProfile) else "classification"
    if kind != wanted:
        raise InputError(
            f"{where}: a {kind} profile for {row.task} model {row.name!r}; send a {wanted} "
            "performance profile"
        )
    edges = error_edges() if kind == "regression" else probability_edges()
    if not np.array_equal(profile.edges, edges):
        raise InputError(
            f"{where}: the profile was counted on other edges than the version's; build it "
            "on the edges of GET /v1/models/{model}/versions/{version}/performance-edges"
        )
    if not isinstance(profile, ClassificationProfile):
        return
    declared = _declared(row)
    if declared is not None and list(profile.classes) != declared:
        raise InputError(
            f"{where}: classes {list(profile.classes)}, the model declares {declared}; build "
            "the profile with classes= the declared classes, in that order"
        )
    if problem == "binary" and declared is None and len(profile.classes) != 2:
        raise InputError(f"{where}: {len(profile.classes)} classes for a binary model; give two")


def _from_json(data: Any) -> PerformanceProfile:
    if data["kind"] == "regression":
        return RegressionProfile.from_dict(data)
    return ClassificationProfile.from_dict(data)


def _merge(one: PerformanceProfile, other: PerformanceProfile) -> PerformanceProfile:
    if type(one) is not type(other):
        raise InputError("a window holds classification and regression profiles")
    return one.merge(other)  # type: ignore[arg-type]  # the same type, checked above


CODEC: Codec[PerformanceProfile] = Codec(
    PERFORMANCE, lambda p: p.to_dict(), _from_json, _merge, lambda p: p.n_rows
)


def ingest_performance_profile(
    registry: Registry,
    model: str,
    version: str,
    window_start: datetime,
    data: Any,
    *,
    segment: str | None = None,
    part_key: str | None = None,
) -> ProfileIngestResult:
    """Store a posted window performance profile; returns after it is durable."""

    def read(data: Any, at: Target) -> PerformanceProfile:
        profile = read_performance_profile(data, at.where)
        _check_scope(profile, at.model, at.where)
        if isinstance(profile, ClassificationProfile) and _declared(at.model) is None:
            # Undeclared classes: every part of a window must have the same, or none merge.
            have = first_part(registry, CODEC, at.model.id, at.version_id, at.window_start)
            if isinstance(have, ClassificationProfile) and have.classes != profile.classes:
                raise InputError(
                    f"{at.where}: classes {list(profile.classes)}, the window's other "
                    f"performance profiles have {list(have.classes)}; declare the model's "
                    "classes (classes: in watchkeeper.yaml) and build every profile on them"
                )
        return profile

    return ingest_part(
        registry, CODEC, read, model, version, window_start, data,
        segment=segment, part_key=part_key,
    )  # fmt: skip


def window_performance(registry: Registry, window: WindowRow) -> PerformanceProfile | None:
    """The merged performance parts of a window (None without any), compacting each
    segment's parts into one stored part as it goes."""
    return window_merge(registry, CODEC, window)


def labelled_parts(
    registry: Registry, model: ModelRow, version_id: int, window_start: int
) -> dict[str, tuple[int, bytes]]:
    """A window's labelled records as performance parts, per segment (labelled rows,
    stored profile), for compaction to keep in place of the records
    (:func:`~watchkeeper.store._repo_parts.compact_window`): realized performance then
    survives the records, its threshold metrics exact, its ranking metrics bounded.

    Counted on the window's posted parts' classes and edges, else the version's. Empty
    when there is nothing to keep or the records do not fit (records without
    predictions, labels outside the classes): the window then carries its metrics.
    """
    problem = PROBLEM_OF_TASK.get(model.task)
    outputs = labelled_outputs(registry.store, model.id, version_id, window_start)
    if problem is None or not outputs["record_id"]:
        return {}
    from watchkeeper.performance import classification_profile, regression_profile
    from watchkeeper.service._windows import _classes, _score_matrix, window_data

    ids = pa.table({"id": outputs["record_id"]})
    data = window_data(ids, outputs)
    if any(p is None for p in data.predictions):
        return {}
    like = first_part(registry, CODEC, model.id, version_id, window_start)
    if problem != "regression":
        classes = (
            list(like.classes) if isinstance(like, ClassificationProfile)
            else _declared(model) or _classes(model.schema, data.labels, data.predictions)
        )  # fmt: skip
        edges = like.edges if like is not None else probability_edges()
    out: dict[str, tuple[int, bytes]] = {}
    try:
        for segment in sorted(set(outputs["segment"])):
            rows = [i for i, s in enumerate(outputs["segment"]) if s == segment]
            truth = [data.labels[i] for i in rows]
            predicted = [data.predictions[i] for i in rows]
            profile: PerformanceProfile
            if problem == "regression":
                edges_r = like.edges if like is not None else error_edges()
                profile = regression_profile(truth, predicted, edges=edges_r)
            else:
                scores = _score_matrix(problem, [class_key(c) for c in classes], data, rows)
                profile = classification_profile(
                    truth, predicted, scores, classes=classes, edges=edges
                )
            out[segment] = (profile.n_rows, CODEC.encode(profile))
    except (InputError, TypeError, ValueError):
        return {}
    return out
