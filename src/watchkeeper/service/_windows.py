"""What is computed when a window closes, as metric values (pure functions).

For one window of one model version (and one segment, or all traffic) this gives
the metric names of the catalogue (:mod:`watchkeeper._catalogue`): drift of each
feature against the version's reference (``drift_score``, ``drift_p_value``,
``drift_effect``, ``drift_detected``, ``share_drifted``), data quality
(``missing_share`` per feature; ``quality_critical`` and ``quality_warning`` counts of
findings; both mapped by :mod:`watchkeeper.service._points`, as scheduled batches are),
realized performance where labels have arrived (the performance registry's default
metrics for the task), and operational figures (``row_count``, ``label_coverage``,
``latency_p50_ms``/``p95``/``p99``, ``throughput_rps``, ``error_rate``, ``cpu_percent``,
``memory_bytes``, ``sdk_dropped``). Which way is worse is the catalogue's ``direction``.

Drift and quality read the window's :class:`~watchkeeper.profile.Profile` (counted on
the reference profile's bins) and the reference profile, never the raw features:
binned statistics are exact, KS is approximate with a stated bound (docs/profiles.md).
Performance and operational figures read the records' outputs and labels.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.profile import CategoricalProfile, Profile, profile_source
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, infer_schema
from watchkeeper.service._points import Value, drift_values, performance_values, quality_values

__all__ = [
    "ATTRIBUTION_PREFIX",
    "PROBLEM_OF_TASK",
    "Value",
    "WindowData",
    "compute_window_metrics",
    "not_a_feature",
    "reference_profile",
    "reference_schema",
    "summarize",
    "window_data",
    "window_schema",
]

# Columns of a window's feature blobs that are bookkeeping, not features.
BOOKKEEPING = ("id", "window_start", "segment")
# Per-record feature attributions travel beside the features (service.kinds.attribution).
ATTRIBUTION_PREFIX = "attribution."


def not_a_feature(name: str) -> bool:
    """Whether a column of a window's feature blobs is bookkeeping or an attribution."""
    return name in BOOKKEEPING or name.startswith(ATTRIBUTION_PREFIX)


_COMPARED_KINDS = (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)


@dataclass
class WindowData:
    """The records of one window: ids (Arrow) and outputs (lists, same order)."""

    features: pa.Table
    predictions: list[Any]
    scores: list[float | None]
    class_scores: list[dict[str, float] | None]
    latency_ms: list[float | None]
    errors: list[bool]
    labels: list[Any]

    @property
    def n(self) -> int:
        return int(self.features.num_rows)


def _strip(name: str) -> str:
    return name[len("feature.") :] if name.startswith("feature.") else name


def reference_schema(table: pa.Table, kinds: Mapping[str, str]) -> tuple[pa.Table, Schema]:
    """A reference table's compared features (``feature.`` prefix optional) and their
    schema: the declared kinds, else inferred; numeric, categorical and boolean only.

    >>> t = pa.table({"feature.age": [30.0, 41.0], "plan": ["a", "b"]})
    >>> _, schema = reference_schema(t, {"age": "numeric", "plan": "categorical"})
    >>> [(spec.name, spec.kind.value) for spec in schema]
    [('age', 'numeric'), ('plan', 'categorical')]
    """
    table = table.rename_columns([_strip(n) for n in table.column_names])
    specs = []
    inferred = infer_schema(table)
    for name in table.column_names:
        if (kinds and name not in kinds) or name.startswith(ATTRIBUTION_PREFIX):
            continue
        kind = ColumnKind(kinds[name]) if name in kinds else inferred[name].kind
        if kind in _COMPARED_KINDS:
            specs.append(ColumnSpec(name, kind, ColumnRole.FEATURE, declared=name in kinds))
    return table.select([spec.name for spec in specs]), Schema(specs)


def reference_profile(table: pa.Table, kinds: Mapping[str, str]) -> Profile:
    """The reference's profile, in two passes: its bins fix every window's histograms.

    >>> rng = np.random.default_rng(0)
    >>> p = reference_profile(pa.table({"age": rng.normal(40, 10, 2000)}), {"age": "numeric"})
    >>> p.n_rows, p["age"].bins.n_bins > 900
    (2000, True)
    """
    selected, schema = reference_schema(table, kinds)
    return profile_source(selected, schema=schema)


def window_schema(
    table: pa.Table,
    *,
    kinds: Mapping[str, str],
    reference: Profile | None = None,
    stored: Profile | None = None,
) -> Schema:
    """How a window's feature columns are profiled: as the stored window profile read
    them (so that late records merge), else as the reference, else as declared, else
    inferred from ``table`` (a batch of the window).

    >>> t = pa.table({"id": ["a"], "segment": [""], "age": [3.0], "plan": ["x"]})
    >>> [(s.name, s.kind.value) for s in window_schema(t, kinds={"plan": "categorical"})]
    [('plan', 'categorical'), ('age', 'numeric')]
    """
    specs: dict[str, ColumnSpec] = {}
    for source in (stored, reference):
        for spec in source.schema if source is not None else ():
            specs.setdefault(spec.name, spec)
    for name, kind in kinds.items():
        specs.setdefault(name, ColumnSpec(name, ColumnKind(kind), ColumnRole.FEATURE, True))
    features = [n for n in table.column_names if not not_a_feature(n) and n not in specs]
    if features:
        inferred = infer_schema(table.select(features))
        for name in features:
            specs[name] = ColumnSpec(name, inferred[name].kind, ColumnRole.FEATURE)
    return Schema(specs.values())


def _compared(reference: Profile, current: Profile) -> tuple[Profile, Profile, Schema]:
    """Both profiles cut to the reference's compared columns that the window has, as
    the raw path compared only the columns both sides had."""
    specs = [s for s in reference.schema if s.name in current.columns and s.kind in _COMPARED_KINDS]
    schema = Schema(specs)
    names = {spec.name for spec in specs}

    def cut(profile: Profile) -> Profile:
        columns = {n: c for n, c in profile.columns.items() if n in names}
        return replace(
            profile,
            schema=schema,
            columns=columns,
            extra_columns={},
            segment_columns=(),
            segments={},
        )

    return cut(reference), cut(current), schema


def _drift(reference: Profile, current: Profile) -> list[Value]:
    from watchkeeper.drift import compare_profiles

    return drift_values(compare_profiles(reference, current))


def _quality(reference: Profile, current: Profile, schema: Schema) -> list[Value]:
    # Quality from profiles: one implementation for reports and windows.
    from watchkeeper.quality import assess_profiles

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = assess_profiles(reference, current, schema=schema)
    return quality_values(result.counts_by_severity())


def _missing(profile: Profile) -> list[Value]:
    if not profile.n_rows:
        return []
    return [
        ("missing_share", name, float(column.n_missing / profile.n_rows))
        for name, column in profile.columns.items()
    ]


def _true_share(profile: Profile) -> list[Value]:
    # A boolean column is profiled as the categories "true" and "false"; nulls are
    # counted apart, so a detector that had nothing to read does not dilute its rate.
    out: list[Value] = []
    for name, column in profile.columns.items():
        if not isinstance(column, CategoricalProfile) or column.kind != ColumnKind.BOOLEAN.value:
            continue
        counts = column.counts or {}
        true, false = counts.get("true", 0), counts.get("false", 0)
        if true + false:
            out.append(("true_share", name, true / (true + false)))
    return out


def _decode(text: Any) -> Any:
    return None if text is None else json.loads(text)


def _classes(schema: Mapping[str, Any], truth: list[Any], predicted: list[Any]) -> list[Any]:
    declared = schema.get("classes")
    if declared:
        return list(declared)
    distinct = {*truth, *(p for p in predicted if p is not None)}
    try:
        seen = sorted(distinct)
    except TypeError:  # labels of mixed types still need a stable order
        seen = sorted(distinct, key=repr)
    if len(seen) < 2 and set(seen) <= {0, 1}:
        return [0, 1]
    return seen


def _performance(task: str, schema: Mapping[str, Any], data: WindowData) -> list[Value]:
    problem = PROBLEM_OF_TASK.get(task)
    if problem is None:
        return []
    rows = [i for i, label in enumerate(data.labels) if label is not None]
    if not rows:
        return []
    truth = [data.labels[i] for i in rows]
    predicted = [data.predictions[i] for i in rows]
    has_predictions = all(p is not None for p in predicted)
    classes: list[Any] = []
    if problem != "regression":
        classes = _classes(schema, truth, predicted if has_predictions else [])
    y_score = _score_matrix(problem, classes, data, rows) if problem != "regression" else None
    y_pred = predicted if has_predictions else None
    return performance_values(problem, truth, y_pred, y_score, classes)


def _score_matrix(
    problem: str, classes: Sequence[Any], data: WindowData, rows: Sequence[int]
) -> Any:
    if problem == "binary":
        scores = [data.scores[i] for i in rows]
        if any(s is None for s in scores):
            return None
        return np.asarray(scores, dtype=np.float64)
    matrix = []
    for i in rows:
        given = data.class_scores[i]
        if not given:
            return None
        try:
            matrix.append([float(given[str(c)]) for c in classes])
        except KeyError:
            return None
    return np.asarray(matrix, dtype=np.float64)


def _operational(data: WindowData, n_labels: int, window_seconds: float) -> list[Value]:
    n = data.n
    out: list[Value] = [
        ("row_count", None, float(n)),
        ("label_coverage", None, n_labels / n if n else 0.0),
        ("throughput_rps", None, n / window_seconds if window_seconds > 0 else 0.0),
    ]
    if n:
        out.append(("error_rate", None, float(np.mean(np.asarray(data.errors, dtype=bool)))))
    latencies = np.asarray([v for v in data.latency_ms if v is not None], dtype=np.float64)
    if latencies.size:
        for q in (50, 95, 99):
            out.append((f"latency_p{q}_ms", None, float(np.percentile(latencies, q))))
    return out


def _host(points: Sequence[tuple[float | None, float | None, int]]) -> list[Value]:
    out: list[Value] = []
    cpu = [p[0] for p in points if p[0] is not None]
    memory = [p[1] for p in points if p[1] is not None]
    if cpu:
        out.append(("cpu_percent", None, float(np.mean(cpu))))
    if memory:
        out.append(("memory_bytes", None, float(np.max(memory))))
    if points:
        out.append(("sdk_dropped", None, float(sum(p[2] for p in points))))
    return out


def compute_window_metrics(
    *,
    task: str,
    schema: Mapping[str, Any],
    data: WindowData,
    reference: Profile | None,
    window_seconds: float,
    profile: Profile | None = None,
    host: Sequence[tuple[float | None, float | None, int]] = (),
) -> list[Value]:
    """Every metric of one window, as ``(metric, feature or None, value)``.

    ``profile`` is the window's profile (counted on ``reference``'s bins); drift and
    quality need both, ``missing_share`` and ``true_share`` the window's profile only.

    >>> from watchkeeper.profile import ProfileBuilder
    >>> features = pa.table({"id": ["a", "b"], "x": [1.0, None], "hit": [True, False]})
    >>> data = WindowData(features, [1, 0], [0.9, 0.2], [None, None], [10.0, 30.0],
    ...                   [False, True], [1, None])
    >>> builder = ProfileBuilder(window_schema(features, kinds={}))
    >>> builder.update(features.drop_columns(["id"]))
    >>> values = compute_window_metrics(task="binary_classification", schema={}, data=data,
    ...                                 reference=None, window_seconds=3600.0,
    ...                                 profile=builder.build())
    >>> {name: round(v, 3) for name, feature, v in values if feature is None}["error_rate"]
    0.5
    >>> [round(v, 2) for name, feature, v in values if name == "missing_share"]
    [0.5, 0.0]
    >>> [(feature, v) for name, feature, v in values if name == "true_share"]
    [('hit', 0.5)]
    """
    n_labels = sum(label is not None for label in data.labels)
    values = _operational(data, n_labels, window_seconds)
    if profile is not None and profile.n_rows:
        values += _missing(profile)
        values += _true_share(profile)
        if reference is not None:
            ref, cur, compared = _compared(reference, profile)
            if len(compared):
                values += _drift(ref, cur)
                values += _quality(ref, cur, compared)
    values += _performance(task, schema, data)
    values += _host(host)
    return values


def summarize(values: Sequence[Value]) -> dict[str, Any]:
    """A window's values as ``{metric: value}`` or ``{metric: {feature: value}}``.

    >>> summarize([("row_count", None, 3.0), ("drift_score", "x", 0.25)])
    {'row_count': 3.0, 'drift_score': {'x': 0.25}}
    """
    out: dict[str, Any] = {}
    for metric, feature, value in values:
        if feature is None:
            out[metric] = value
        else:
            out.setdefault(metric, {})[feature] = value
    return out


def window_data(features: pa.Table, outputs: Mapping[str, list[Any]]) -> WindowData:
    """Join a window's features with the stored outputs, by record id.

    Records without stored outputs (there should be none) keep None outputs.
    """
    position = {rid: i for i, rid in enumerate(outputs["record_id"])}
    ids = features.column("id").to_pylist()
    index = [position.get(rid) for rid in ids]

    def pick(name: str, default: Any = None) -> list[Any]:
        column = outputs[name]
        return [default if i is None else column[i] for i in index]

    return WindowData(
        features=features,
        predictions=[_decode(v) for v in pick("prediction")],
        scores=pick("score"),
        class_scores=[_decode(v) for v in pick("scores")],
        latency_ms=pick("latency_ms"),
        errors=[bool(v) for v in pick("error", False)],
        labels=[_decode(v) for v in pick("label")],
    )
