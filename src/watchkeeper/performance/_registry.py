"""The registry of performance metrics, by name, with their metadata.

One table read by the chunked calculator, CBPE, DLE, the CLI, the docs and the tests.
Each :class:`Metric` says which problems it applies to, whether it needs predicted
labels or scores, which way is better and its natural range (used to clip thresholds
and bands). Direction is metadata, never guessed from the name.

For classification, the plain names ``precision``, ``recall``, ``f1`` and
``specificity`` mean the positive class (code 1) in a binary problem and the macro
average in a multiclass one; the ``_micro``, ``_macro`` and ``_weighted`` variants
say their average explicitly. ``true_positive`` and its three siblings are the cells
of the binary confusion matrix, as counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from watchkeeper._deprecation import deprecated_alias
from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.performance import _classification as cls
from watchkeeper.performance import _regression as reg
from watchkeeper.performance._warning_classes import warn_degenerate

__all__ = [
    "DEFAULT_METRICS",
    "METRICS",
    "PROBLEMS",
    "Metric",
    "available_metrics",
    "compute_metric",
    "get_metric",
    "metric_names",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
Problem = Literal["binary", "multiclass", "regression"]
PROBLEMS: tuple[str, ...] = ("binary", "multiclass", "regression")
_CLASSIFICATION = frozenset({"binary", "multiclass"})


@dataclass(frozen=True)
class Metric:
    """One registered metric and what it needs.

    >>> m = get_metric("f1")
    >>> (m.name, m.needs, m.higher_is_better, m.bounds)
    ('f1', 'predictions', True, (0.0, 1.0))
    """

    name: str
    problems: frozenset[str]
    needs: Literal["predictions", "scores"]
    higher_is_better: bool
    bounds: tuple[float | None, float | None]
    description: str
    # Exactly one of these is set: the metric as a function of a (possibly expected)
    # confusion matrix and the problem, of codes and probabilities, or of values.
    from_confusion: Callable[[FloatArray, str], float] | None = field(default=None, repr=False)
    from_scores: Callable[[IntArray, FloatArray], float] | None = field(default=None, repr=False)
    from_values: Callable[[FloatArray, FloatArray], float] | None = field(default=None, repr=False)

    def evaluate(
        self,
        problem: str,
        y_true: NDArray[Any],
        y_pred: NDArray[Any] | None,
        proba: FloatArray | None,
        n_classes: int = 2,
    ) -> float:
        """The metric on encoded inputs; NaN (with a warning) on an empty chunk."""
        if y_true.size == 0:
            warn_degenerate(self.name, "the chunk has no labelled rows")
            return float("nan")
        if self.from_scores is not None:
            if proba is None:
                raise InputError(f"metric {self.name!r} needs scores; pass the score column(s)")
            return self.from_scores(y_true, proba)
        if y_pred is None:
            raise InputError(f"metric {self.name!r} needs predictions; pass the prediction column")
        if self.from_values is not None:
            return self.from_values(y_true, y_pred)
        if self.from_confusion is None:
            raise InputError(f"metric {self.name!r} has no implementation")
        return self.from_confusion(cls.confusion_from_codes(y_true, y_pred, n_classes), problem)

    def clip(self, value: float | None) -> float | None:
        """``value`` moved inside the metric's natural range (None stays None)."""
        if value is None or np.isnan(value):
            return value
        lower, upper = self.bounds
        if lower is not None:
            value = max(value, lower)
        if upper is not None:
            value = min(value, upper)
        return value


def _rate(rate: str, average: str | None) -> Callable[[FloatArray, str], float]:
    def compute(confusion: FloatArray, problem: str) -> float:
        chosen = average or ("binary" if problem == "binary" else "macro")
        return cls.rate_from_confusion(confusion, rate, chosen)

    return compute


def _cell(row: int, column: int) -> Callable[[FloatArray, str], float]:
    return lambda confusion, problem: float(confusion[row, column])


def _accuracy(confusion: FloatArray, problem: str) -> float:
    return cls.accuracy_from_confusion(confusion)


def _build() -> dict[str, Metric]:
    unit = (0.0, 1.0)
    metrics = [
        Metric(
            "accuracy", _CLASSIFICATION, "predictions", True, unit,
            "share of rows predicted right", from_confusion=_accuracy,
        ),
    ]  # fmt: skip
    rates = {
        "precision": "share of predicted positives that are positive",
        "recall": "share of positives that are predicted positive (sensitivity)",
        "f1": "harmonic mean of precision and recall",
        "specificity": "share of negatives that are predicted negative",
    }
    for rate, description in rates.items():
        metrics.append(
            Metric(rate, _CLASSIFICATION, "predictions", True, unit,
                   f"{description}; positive class if binary, macro average if multiclass",
                   from_confusion=_rate(rate, None))
        )  # fmt: skip
        for average in ("micro", "macro", "weighted"):
            metrics.append(
                Metric(f"{rate}_{average}", _CLASSIFICATION, "predictions", True, unit,
                       f"{description}; {average} average over classes",
                       from_confusion=_rate(rate, average))
            )  # fmt: skip
    cells = {
        "true_positive": (1, 1, True),
        "false_positive": (0, 1, False),
        "false_negative": (1, 0, False),
        "true_negative": (0, 0, True),
    }
    for name, (row, column, better) in cells.items():
        metrics.append(
            Metric(name, frozenset({"binary"}), "predictions", better, (0.0, None),
                   f"number of {name.replace('_', ' ')} rows (binary confusion matrix)",
                   from_confusion=_cell(row, column))
        )  # fmt: skip
    metrics += [
        Metric("roc_auc", _CLASSIFICATION, "scores", True, unit,
               "area under the ROC curve; one-vs-rest macro average if multiclass",
               from_scores=cls.roc_auc),
        Metric("average_precision", _CLASSIFICATION, "scores", True, unit,
               "area under the precision-recall curve; one-vs-rest macro if multiclass",
               from_scores=cls.average_precision),
        Metric("log_loss", _CLASSIFICATION, "scores", False, (0.0, None),
               "mean negative log-likelihood of the true class", from_scores=cls.log_loss),
        Metric("brier_score", _CLASSIFICATION, "scores", False, (0.0, 2.0),
               "mean squared distance of probabilities to the one-hot truth",
               from_scores=cls.brier_score),
        Metric("expected_calibration_error", _CLASSIFICATION, "scores", False, unit,
               "mean gap between confidence and accuracy on 10 equal-width bins",
               from_scores=cls.expected_calibration_error),
    ]  # fmt: skip
    regression = frozenset({"regression"})
    errors = (0.0, None)
    metrics += [
        Metric("mae", regression, "predictions", False, errors, "mean absolute error",
               from_values=reg.mean_absolute_error),
        Metric("mse", regression, "predictions", False, errors, "mean squared error",
               from_values=reg.mean_squared_error),
        Metric("rmse", regression, "predictions", False, errors, "root mean squared error",
               from_values=reg.root_mean_squared_error),
        Metric("r2", regression, "predictions", True, (None, 1.0),
               "coefficient of determination", from_values=reg.r2_score),
        Metric("mape", regression, "predictions", False, errors,
               "mean absolute percentage error, as a fraction",
               from_values=reg.mean_absolute_percentage_error),
        Metric("median_absolute_error", regression, "predictions", False, errors,
               "median absolute error", from_values=reg.median_absolute_error),
        Metric("max_error", regression, "predictions", False, errors, "largest absolute error",
               from_values=reg.max_error),
    ]  # fmt: skip
    return {metric.name: metric for metric in metrics}


METRICS: Mapping[str, Metric] = MappingProxyType(_build())

DEFAULT_METRICS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "binary": ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy"),
        "multiclass": ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy"),
        "regression": ("mae", "mse", "rmse", "r2", "mape"),
    }
)


def get_metric(name: str, problem: str | None = None) -> Metric:
    """The registered metric called ``name``, checked against ``problem`` when given.

    >>> get_metric("rmse").higher_is_better
    False
    """
    try:
        metric = METRICS[name]
    except KeyError:
        raise UnknownMethodError(
            f"unknown metric {name!r}; choose one of: {', '.join(sorted(METRICS))}"
        ) from None
    if problem is not None and problem not in metric.problems:
        raise InputError(
            f"metric {name!r} does not apply to a {problem} problem; choose one of: "
            f"{', '.join(available_metrics(problem))}"
        )
    return metric


def available_metrics(problem: str | None = None) -> tuple[str, ...]:
    """Names of the registered metrics, for one problem or all, in registry order.

    >>> available_metrics("regression")
    ('mae', 'mse', 'rmse', 'r2', 'mape', 'median_absolute_error', 'max_error')
    """
    return tuple(name for name, m in METRICS.items() if problem is None or problem in m.problems)


metric_names = deprecated_alias(available_metrics, "metric_names")


def compute_metric(
    name: str,
    y_true: ArrayLike,
    y_pred: ArrayLike | None = None,
    y_score: ArrayLike | None = None,
    *,
    classes: Sequence[Any] | None = None,
) -> float:
    """One metric on one batch of rows, by name.

    For classification, ``classes`` (default: the sorted labels seen in ``y_true``
    and ``y_pred``) fixes the class order; with two classes the second is the
    positive one. ``y_score`` is the positive-class probability, shape ``(n,)``, for a
    binary problem, or an ``(n, k)`` matrix whose columns follow ``classes``.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 50)
    >>> p = np.clip(y * 0.6 + rng.uniform(0, 0.4, 50), 0, 1)
    >>> compute_metric("roc_auc", y, y_score=p)
    1.0
    >>> compute_metric("mae", [1.0, 2.0], [2.0, 2.0])
    0.5
    """
    metric = get_metric(name)
    truth = np.asarray(y_true)
    if metric.from_values is not None:
        if y_pred is None:
            raise InputError(f"metric {name!r} needs y_pred")
        return metric.evaluate(
            "regression", truth.astype(np.float64), np.asarray(y_pred, dtype=np.float64), None
        )
    predicted = None if y_pred is None else np.asarray(y_pred)
    if classes is None:
        seen = truth if predicted is None else np.concatenate([truth, predicted])
        classes = list(np.unique(seen))
    ordered = np.asarray(classes)
    if ordered.size < 2:
        raise InputError(f"metric {name!r} needs at least two classes; pass classes=[...]")
    problem = "binary" if ordered.size == 2 else "multiclass"
    metric = get_metric(name, problem)
    true_codes = _encode(truth, ordered, "y_true")
    pred_codes = None
    if predicted is not None:
        pred_codes = _encode(predicted, ordered, "y_pred")
    elif metric.needs == "predictions":
        raise InputError(f"metric {name!r} needs y_pred")
    proba = None
    if y_score is not None:
        score = np.asarray(y_score, dtype=np.float64)
        proba = np.column_stack([1.0 - score, score]) if score.ndim == 1 else score
    elif metric.needs == "scores":
        raise InputError(f"metric {name!r} needs y_score")
    return metric.evaluate(problem, true_codes, pred_codes, proba, ordered.size)


def _encode(values: NDArray[Any], classes: NDArray[Any], what: str) -> IntArray:
    sorter = np.argsort(classes)
    position = np.searchsorted(classes, values, sorter=sorter)
    codes: IntArray = sorter[np.minimum(position, classes.size - 1)]
    unknown = classes[codes] != values
    if unknown.any():
        raise InputError(
            f"{what} has {int(unknown.sum())} labels not in classes "
            f"(first: {values[unknown][0]!r}); add them to classes=[...]"
        )
    return codes
