"""Estimated performance while labels are missing: CBPE for classification, DLE for
regression, fitted on the version's reference (targets and scores) when the version
is created and applied to each closing window.

Series: ``estimated_<metric>`` with its band ``estimated_<metric>_lower`` and
``estimated_<metric>_upper`` (the estimate plus and minus three sampling errors), for
the task's default metrics that the estimator covers. The realized series
(``roc_auc``, ``mae``, ...) fill in beside them as labels arrive.

A window's values are exactly the library's on the same rows: the estimator's chunk
is the whole window, ``SizeChunker(n)`` with ``n`` the window's scored rows, and the
sampling error comes from the reference chunks of that size.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.performance import CBPE, DLE, SizeChunker, get_metric
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import (
    MonitorKind,
    ReferenceInput,
    WindowInput,
    problem_of,
    reference_column,
    role_columns,
)

__all__ = ["ESTIMATED_METRICS", "KIND", "EstimatedPerformance"]

# What the estimators cover of each problem's default metrics.
ESTIMATED_METRICS = {
    "binary": ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy"),
    "multiclass": ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy"),
    "regression": ("mae", "mse", "rmse", "mape"),
}


def _column(table: pa.Table, schema: Any, role: str, default: str) -> str:
    found = reference_column(table, [*role_columns(schema, role), default])
    if found is None:
        raise InputError(f"the reference has no {role} column ({default!r} or a declared one)")
    return found


def _class_scores(table: pa.Table, schema: Any) -> dict[Any, str]:
    classes = schema.get("classes") or []
    found = {c: reference_column(table, [f"score.{c}"]) for c in classes}
    if not classes or any(v is None for v in found.values()):
        raise InputError("multiclass estimation needs 'classes' and a 'score.<class>' column each")
    return {c: str(v) for c, v in found.items()}


def _dump(estimator: Any, features: list[str], problem: str) -> bytes:
    # The metrics are registry entries (functions): kept by name, looked up on loading.
    names = [m.name for m in estimator.metrics_]
    del estimator.metrics_
    return pickle.dumps(
        {"estimator": estimator, "features": features, "metrics": names, "problem": problem}
    )


def _load(state: bytes) -> tuple[Any, list[str]]:
    # Written by _dump into the service's own store, never taken from a client.
    kept = pickle.loads(state)
    estimator = kept["estimator"]
    estimator.metrics_ = tuple(get_metric(n, kept["problem"]) for n in kept["metrics"])
    return estimator, list(kept["features"])


class EstimatedPerformance(MonitorKind):
    """CBPE (classification) or DLE (regression) per window."""

    name = "estimated_performance"

    def fit(self, reference: ReferenceInput) -> bytes | None:
        problem = problem_of(reference.task)
        if problem is None:
            return None
        table, schema = reference.table, reference.schema
        target = _column(table, schema, "target", "target")
        prediction = _column(table, schema, "prediction", "prediction")
        estimator: Any
        if problem == "regression":
            kinds = feature_kinds(schema)
            features = [
                name for name, kind in kinds.items()
                if kind in ("numeric", "boolean") and reference_column(table, [name])
            ]  # fmt: skip
            if not features:
                raise InputError("DLE needs numeric features in the reference")
            columns = [str(reference_column(table, [f])) for f in features]
            data = table.select([*columns, prediction, target]).rename_columns(
                [*features, "prediction", "target"]
            )
            estimator = DLE(
                features=features, y_pred="prediction", y_true="target",
                metrics=ESTIMATED_METRICS["regression"],
            ).fit(data)  # fmt: skip
            return _dump(estimator, features, "regression")
        if problem == "binary":
            score = _column(table, schema, "score", "score")
            data = {
                "prediction": table.column(prediction).to_numpy(zero_copy_only=False),
                "score": table.column(score).to_numpy(zero_copy_only=False),
                "target": table.column(target).to_numpy(zero_copy_only=False),
            }
            y_score: Any = "score"
        else:
            scores = _class_scores(table, schema)
            data = {f"score.{c}": table.column(col).to_numpy(zero_copy_only=False)
                    for c, col in scores.items()}  # fmt: skip
            data["prediction"] = np.asarray(table.column(prediction).to_pylist(), dtype=object)
            data["target"] = np.asarray(table.column(target).to_pylist(), dtype=object)
            y_score = {c: f"score.{c}" for c in scores}
        estimator = CBPE(
            y_pred="prediction", y_score=y_score, y_true="target", problem=problem,
            metrics=ESTIMATED_METRICS[problem],
        ).fit(data)  # fmt: skip
        return _dump(estimator, [], problem)

    def window_values(self, window: WindowInput) -> list[Value]:
        if window.state is None:
            return []
        estimator, features = _load(window.state)
        analysis = analysis_rows(window, estimator, features)
        if analysis is None:
            return []
        n = len(analysis["prediction"])
        estimator.chunker = SizeChunker(n)
        result = estimator.estimate(analysis)
        out: list[Value] = []
        for metric in result.metrics:
            chunk = next(c for c in metric.chunks if c.period == "analysis")
            if not np.isfinite(chunk.value):
                continue
            out.append((f"estimated_{metric.metric}", None, float(chunk.value)))
            if chunk.lower_band is not None and chunk.upper_band is not None:
                out.append((f"estimated_{metric.metric}_lower", None, float(chunk.lower_band)))
                out.append((f"estimated_{metric.metric}_upper", None, float(chunk.upper_band)))
        return out


def analysis_rows(window: WindowInput, estimator: Any, features: list[str]) -> Any:
    """The window's rows as the estimator reads them (rows without outputs left out)."""
    data = window.data
    if isinstance(estimator, DLE):
        table = data.features
        if any(f not in table.column_names for f in features):
            return None
        keep = [i for i, p in enumerate(data.predictions) if p is not None]
        if not keep:
            return None
        picked = table.take(pa.array(keep, pa.int64()))
        columns = {f: picked.column(f).cast(pa.float64()) for f in features}
        columns["prediction"] = pa.array([float(data.predictions[i]) for i in keep])
        return pa.table(columns)
    if estimator.problem_ == "binary":
        keep = [
            i for i, (p, s) in enumerate(zip(data.predictions, data.scores, strict=True))
            if p is not None and s is not None
        ]  # fmt: skip
        if not keep:
            return None
        return {
            "prediction": np.asarray([data.predictions[i] for i in keep]),
            "score": np.asarray([data.scores[i] for i in keep], dtype=np.float64),
        }
    classes = estimator.classes_.to_pylist()
    keep = [
        i for i, (p, s) in enumerate(zip(data.predictions, data.class_scores, strict=True))
        if p is not None and s and all(str(c) in s for c in classes)
    ]  # fmt: skip
    if not keep:
        return None
    rows: dict[str, Any] = {
        f"score.{c}": np.asarray([data.class_scores[i][str(c)] for i in keep])  # type: ignore[index]
        for c in classes
    }
    rows["prediction"] = np.asarray([data.predictions[i] for i in keep], dtype=object)
    return rows


KIND = EstimatedPerformance()
