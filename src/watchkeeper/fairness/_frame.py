"""A group metric frame: any metric per sensitive group and per intersection of groups.

Like fairlearn's ``MetricFrame``, with bootstrap confidence intervals on every value.
A metric is a name from :data:`FAIRNESS_RATES` (``selection_rate``, ``count``, the four
confusion rates), a name from :data:`watchkeeper.performance.METRICS` (``accuracy``,
``recall``, ``roc_auc``, ``mae``, ...; direction is that registry's metadata), or any
callable ``f(y_true, y_pred) -> float`` (given the scores when no predictions are).

Groups are every value of each sensitive feature, then every value combination of each
set of two or more features (the intersections); a group's key lists one value per
feature of the set. The classes of a classification metric are fixed once from all
rows, so that a group where one class is absent is still scored against the same
positive class.

Confidence intervals: ``n_boot`` resamples (default 200) of each group's rows with
replacement (a stratified bootstrap: the group sizes stay fixed), the metric on each,
and the percentile interval at ``confidence`` (Efron & Tibshirani 1993, ch. 13).
Resamples where the metric is undefined (NaN) are left out. The draws come from
``numpy.random.default_rng(seed)`` so a result is reproducible; ``n_boot=0`` skips
them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from watchkeeper._exceptions import InputError, MissingDependency, UnknownMethodError
from watchkeeper._tabular import Tabular
from watchkeeper.fairness._counters import GroupKey
from watchkeeper.fairness._inputs import label_masks, resolve_positive_label, sensitive_columns
from watchkeeper.performance import METRICS, compute_metric

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FAIRNESS_RATES", "GroupFrame", "GroupRow", "MetricValue", "group_metric_frame"]

MetricFunction = Callable[[NDArray[Any], NDArray[Any] | None, NDArray[Any] | None], float]
MetricSpec = str | Callable[..., float]
DEFAULT_N_BOOT = 200


@dataclass(frozen=True)
class _Rate:
    description: str
    higher_is_better: bool | None
    compute: Callable[[NDArray[np.bool_], NDArray[np.bool_]], float]


def _share(hits: NDArray[np.bool_], base: NDArray[np.bool_]) -> float:
    total = int(base.sum())
    return float((hits & base).sum()) / total if total else float("nan")


# (truth positive, predicted positive) masks -> rate; the truth mask is unused by some.
FAIRNESS_RATES: Mapping[str, _Rate] = MappingProxyType(
    {
        "count": _Rate("number of rows", None, lambda t, p: float(p.size)),
        "selection_rate": _Rate(
            "share of rows predicted positive", None, lambda t, p: _share(p, np.ones_like(p))
        ),
        "true_positive_rate": _Rate("P(ŷ=1 | y=1)", True, lambda t, p: _share(p, t)),
        "false_positive_rate": _Rate("P(ŷ=1 | y=0)", False, lambda t, p: _share(p, ~t)),
        "true_negative_rate": _Rate("P(ŷ=0 | y=0)", True, lambda t, p: _share(~p, ~t)),
        "false_negative_rate": _Rate("P(ŷ=0 | y=1)", False, lambda t, p: _share(~p, t)),
    }
)


def _none(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


@dataclass(frozen=True)
class MetricValue:
    """A metric's value and its bootstrap percentile interval (None when not computed)."""

    value: float
    ci_low: float | None = None
    ci_high: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {
            "value": _none(self.value),
            "ci_low": _none(self.ci_low),
            "ci_high": _none(self.ci_high),
        }


@dataclass(frozen=True)
class GroupRow:
    """One group: the features that define it, its values of them, its size and metrics."""

    features: tuple[str, ...]
    group: GroupKey
    n: int
    metrics: Mapping[str, MetricValue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "group": list(self.group),
            "n": self.n,
            "metrics": {name: v.to_dict() for name, v in self.metrics.items()},
        }


@dataclass(frozen=True, repr=False)
class GroupFrame(Tabular):
    """Metrics overall and per group, with confidence intervals.

    >>> rng = np.random.default_rng(0)
    >>> y, p = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    >>> frame = group_metric_frame(y, p, sensitive_features={"sex": rng.choice(["f", "m"], 200)},
    ...                            metrics=["accuracy", "selection_rate"], n_boot=50)
    >>> frame.by_group("sex").round(3)
         accuracy  selection_rate
    sex
    f       0.596           0.505
    m       0.495           0.594
    >>> round(frame.difference("accuracy"), 3)
    0.101
    """

    metrics: tuple[str, ...]
    features: tuple[str, ...]
    overall: GroupRow
    rows: tuple[GroupRow, ...]
    n_boot: int
    confidence: float
    seed: int | None

    def _rows(self, features: str | Sequence[str] | None) -> list[GroupRow]:
        wanted = (
            self.features
            if features is None
            else ((features,) if isinstance(features, str) else tuple(features))
        )
        rows = [row for row in self.rows if row.features == wanted]
        if not rows:
            known = sorted({row.features for row in self.rows})
            raise InputError(f"no groups for features {list(wanted)}; choose one of {known}")
        return rows

    def by_group(self, features: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Metric values per group of ``features`` (default: the intersection of all).

        A DataFrame like fairlearn's ``MetricFrame.by_group``: one column per metric,
        indexed by the feature (a ``MultiIndex`` over several features). Needs pandas.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the dev extra
            raise MissingDependency("pandas", "pandas") from exc
        rows = self._rows(features)
        names = list(rows[0].features)
        values = [[row.metrics[m].value for m in self.metrics] for row in rows]
        if len(names) == 1:
            index: pd.Index = pd.Index([row.group[0] for row in rows], name=names[0])
        else:
            index = pd.MultiIndex.from_tuples([row.group for row in rows], names=names)
        return pd.DataFrame(values, index=index, columns=list(self.metrics))

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per group (overall first): value and interval of every metric."""
        table = []
        for row in (self.overall, *self.rows):
            record: dict[str, Any] = {
                "features": " & ".join(row.features) or None,
                "group": " & ".join(str(g) for g in row.group) or "overall",
                "n": row.n,
            }
            for name in self.metrics:
                value = row.metrics[name]
                record[name] = value.value
                record[f"{name}_ci_low"] = value.ci_low
                record[f"{name}_ci_high"] = value.ci_high
            table.append(record)
        return table

    def _repr_rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in r.items() if not k.endswith(("_ci_low", "_ci_high"))}
            for r in self._table_rows()
        ]

    def _headline(self) -> str:
        return (
            f"GroupFrame: {len(self.metrics)} metrics over {len(self.rows)} groups of"
            f" {', '.join(self.features)} ({self.n_boot} bootstrap resamples)"
        )

    def _values(self, metric: str, features: str | Sequence[str] | None) -> NDArray[np.float64]:
        if metric not in self.metrics:
            raise UnknownMethodError(
                f"metric {metric!r} is not in this frame: {list(self.metrics)}"
            )
        values = [row.metrics[metric].value for row in self._rows(features)]
        return np.array([v for v in values if not np.isnan(v)], dtype=np.float64)

    def group_min(self, metric: str, features: str | Sequence[str] | None = None) -> float:
        values = self._values(metric, features)
        return float(values.min()) if values.size else float("nan")

    def group_max(self, metric: str, features: str | Sequence[str] | None = None) -> float:
        values = self._values(metric, features)
        return float(values.max()) if values.size else float("nan")

    def difference(
        self,
        metric: str,
        features: str | Sequence[str] | None = None,
        method: Literal["between_groups", "to_overall"] = "between_groups",
    ) -> float:
        """``max - min`` over groups, or the largest gap to the overall value."""
        values = self._values(metric, features)
        if not values.size:
            return float("nan")
        if method == "to_overall":
            return float(np.abs(values - self.overall.metrics[metric].value).max())
        return float(values.max() - values.min())

    def ratio(
        self,
        metric: str,
        features: str | Sequence[str] | None = None,
        method: Literal["between_groups", "to_overall"] = "between_groups",
    ) -> float:
        """``min / max`` over groups, or the smallest ratio to the overall value."""
        values = self._values(metric, features)
        if not values.size:
            return float("nan")
        if method == "to_overall":
            overall = self.overall.metrics[metric].value
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.minimum(values / overall, overall / values).min())
        high = values.max()
        return float(values.min() / high) if high else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": list(self.metrics),
            "features": list(self.features),
            "n_boot": self.n_boot,
            "confidence": self.confidence,
            "seed": self.seed,
            "overall": self.overall.to_dict(),
            "groups": [row.to_dict() for row in self.rows],
        }


def _resolve(
    spec: MetricSpec,
    y_true: NDArray[Any],
    y_pred: NDArray[Any] | None,
    y_score: NDArray[Any] | None,
    positive_label: Any,
) -> tuple[str, MetricFunction]:
    if callable(spec):
        name = getattr(spec, "__name__", type(spec).__name__)
        user = spec

        def call_user(t: NDArray[Any], p: NDArray[Any] | None, s: NDArray[Any] | None) -> float:
            return float(user(t, p if p is not None else s))

        return name, call_user
    if spec in FAIRNESS_RATES:
        rate = FAIRNESS_RATES[spec].compute
        if y_pred is None:
            raise InputError(f"metric {spec!r} needs y_pred")

        def call_rate(t: NDArray[Any], p: NDArray[Any] | None, s: NDArray[Any] | None) -> float:
            if p is None:
                return float("nan")
            _, truth = label_masks(t, positive_label, t.size, "y_true")
            _, predicted = label_masks(p, positive_label, p.size, "y_pred")
            return rate(truth, predicted)

        return spec, call_rate
    if spec not in METRICS:
        known = ", ".join([*FAIRNESS_RATES, *METRICS])
        raise UnknownMethodError(f"unknown metric {spec!r}; choose one of: {known}")
    metric = METRICS[spec]
    classes: list[Any] | None = None
    if metric.from_values is None:
        seen = y_true if y_pred is None else np.concatenate([y_true, y_pred])
        classes = sorted(set(seen.tolist()))
        if len(classes) == 2 and positive_label in classes and classes[1] != positive_label:
            classes = classes[::-1]

    def call_registered(t: NDArray[Any], p: NDArray[Any] | None, s: NDArray[Any] | None) -> float:
        return compute_metric(spec, t, p, s, classes=classes)

    return spec, call_registered


_Arrays = tuple[NDArray[Any], NDArray[Any] | None, NDArray[Any] | None]


def _take(arrays: _Arrays, rows: NDArray[np.intp]) -> _Arrays:
    truth, predicted, score = arrays
    return (
        truth[rows],
        None if predicted is None else predicted[rows],
        None if score is None else score[rows],
    )


def _interval(
    function: MetricFunction,
    arrays: _Arrays,
    rows: NDArray[np.intp],
    n_boot: int,
    confidence: float,
    rng: np.random.Generator,
) -> tuple[float | None, float | None]:
    if n_boot <= 0 or rows.size == 0:
        return None, None
    samples = rows[rng.integers(0, rows.size, size=(n_boot, rows.size))]
    values = np.empty(n_boot)
    with warnings.catch_warnings():
        # A resample with one class is expected now and then; its NaN is dropped below.
        warnings.simplefilter("ignore")
        for b in range(n_boot):
            pick = samples[b]
            values[b] = function(*_take(arrays, pick))
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None, None
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def group_metric_frame(
    y_true: ArrayLike,
    y_pred: ArrayLike | None = None,
    y_score: ArrayLike | None = None,
    *,
    sensitive_features: Any,
    metrics: MetricSpec | Sequence[MetricSpec] = ("selection_rate", "accuracy"),
    positive_label: Any = None,
    n_boot: int = DEFAULT_N_BOOT,
    confidence: float = 0.95,
    seed: int | None = 0,
    intersections: bool = True,
) -> GroupFrame:
    """Each metric overall, per group of each sensitive feature and per intersection.

    Rows whose label is missing (None, NaN) are left out. See the module docstring
    for the metrics accepted and the bootstrap.

    >>> rng = np.random.default_rng(1)
    >>> s = {"sex": rng.choice(["f", "m"], 300), "age": rng.choice(["old", "young"], 300)}
    >>> y = rng.integers(0, 2, 300)
    >>> frame = group_metric_frame(y, y, sensitive_features=s, metrics="recall", n_boot=20)
    >>> sorted({row.features for row in frame.rows})
    [('age',), ('sex',), ('sex', 'age')]
    >>> frame.overall.metrics["recall"].value
    1.0
    """
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    if n_boot < 0:
        raise InputError(f"n_boot must be 0 or more, got {n_boot}")
    truth = np.asarray(y_true)
    if truth.ndim != 1:
        raise InputError(f"y_true must be one-dimensional, got shape {truth.shape}")
    predicted = None if y_pred is None else np.asarray(y_pred)
    score = None if y_score is None else np.asarray(y_score)
    if predicted is None and score is None:
        raise InputError("give y_pred, y_score or both")
    for what, array in (("y_pred", predicted), ("y_score", score)):
        if array is not None and array.shape[0] != truth.size:
            raise InputError(f"{what} has {array.shape[0]} rows and y_true {truth.size}")
    columns = sensitive_columns(sensitive_features, truth.size)
    labelled, _ = label_masks(truth, None, truth.size, "y_true")
    if not labelled.all():
        keep = np.flatnonzero(labelled)
        truth = truth[keep]
        predicted = None if predicted is None else predicted[keep]
        score = None if score is None else score[keep]
        columns = {name: values[keep] for name, values in columns.items()}
        if truth.dtype == object:
            truth = np.asarray(truth.tolist())
    positive = resolve_positive_label(truth, predicted, positive_label)
    specs = [metrics] if isinstance(metrics, str) or callable(metrics) else list(metrics)
    resolved = dict(_resolve(spec, truth, predicted, score, positive) for spec in specs)
    arrays = (truth, predicted, score)
    rng = np.random.default_rng(seed)

    def row(features: tuple[str, ...], group: GroupKey, rows: NDArray[np.intp]) -> GroupRow:
        values: dict[str, MetricValue] = {}
        for name, function in resolved.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = function(*_take(arrays, rows)) if rows.size else float("nan")
            low, high = _interval(function, arrays, rows, n_boot, confidence, rng)
            values[name] = MetricValue(float(value), low, high)
        return GroupRow(features, group, int(rows.size), MappingProxyType(values))

    overall = row((), (), np.arange(truth.size))
    names = tuple(columns)
    sets: list[tuple[str, ...]] = [(name,) for name in names]
    if intersections:
        for size in range(2, len(names) + 1):
            sets.extend(combinations(names, size))
    rows: list[GroupRow] = []
    for features in sets:
        stacked = np.stack([columns[f] for f in features], axis=1)
        keys, codes = np.unique(stacked, axis=0, return_inverse=True)
        codes = codes.reshape(-1)
        for index, key in enumerate(keys.tolist()):
            rows.append(row(features, tuple(key), np.flatnonzero(codes == index)))
    return GroupFrame(
        metrics=tuple(resolved),
        features=names,
        overall=overall,
        rows=tuple(rows),
        n_boot=n_boot,
        confidence=confidence,
        seed=seed,
    )
