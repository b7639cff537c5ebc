"""The metrics an A/B test knows by name: which test fits, which way is better.

One table read by :func:`compare_arms`, the service comparison, the CLI and the docs.
``kind`` picks the test: ``proportion`` (a rate of 0/1 outcomes: z-test, McNemar when
paired), ``auc`` (bootstrap) or ``mean`` (a continuous per-row error or latency: Welch,
paired t when paired). ``needs`` says what each row must carry: ``labels`` (target and
prediction), ``target`` (the outcome only), ``scores`` (target and score) or
``values`` (one number per row, e.g. a latency or a 0/1 error flag).
``service_count`` names the window count that is the rate's denominator in the
store (``n_labels`` or ``n_records``), so windows can be pooled exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.abtest._results import ABTestResult
from watchkeeper.abtest._tests import (
    bootstrap_auc_test,
    paired_proportion_test,
    paired_ttest,
    two_proportion_ztest,
    welch_ttest,
)

__all__ = [
    "AB_METRICS",
    "ABMetric",
    "Arm",
    "available_ab_metrics",
    "compare_arms",
    "get_ab_metric",
]

FloatArray = NDArray[np.float64]
RowValue = Callable[["Arm"], FloatArray]


@dataclass(frozen=True)
class Arm:
    """One arm's rows: whichever of target, prediction, score and values the metric needs.

    >>> Arm(y_true=[1, 0], y_pred=[1, 1]).n
    2
    """

    y_true: ArrayLike | None = None
    y_pred: ArrayLike | None = None
    score: ArrayLike | None = None
    values: ArrayLike | None = None

    @property
    def n(self) -> int:
        for given in (self.y_true, self.values, self.score, self.y_pred):
            if given is not None:
                return int(np.asarray(given).size)
        return 0


@dataclass(frozen=True)
class ABMetric:
    """One metric an A/B test can compare, and how."""

    name: str
    kind: Literal["proportion", "auc", "mean"]
    needs: Literal["labels", "target", "scores", "values"]
    higher_is_better: bool
    description: str
    row_value: RowValue | None = None
    service_count: Literal["n_labels", "n_records"] | None = None


def _need(arm: Arm, field: str, metric: str) -> NDArray[Any]:
    given = getattr(arm, field)
    if given is None:
        raise InputError(f"metric {metric!r} needs {field} for both arms; pass it")
    return np.asarray(given).ravel()


def _labels(arm: Arm, metric: str) -> tuple[NDArray[Any], NDArray[Any]]:
    y_true, y_pred = _need(arm, "y_true", metric), _need(arm, "y_pred", metric)
    if y_true.size != y_pred.size:
        raise InputError(
            f"metric {metric!r}: {y_true.size} targets but {y_pred.size} predictions; "
            "give one prediction per row"
        )
    return y_true, y_pred


def _correct(arm: Arm) -> FloatArray:
    y_true, y_pred = _labels(arm, "accuracy")
    correct: FloatArray = np.equal(y_true, y_pred).astype(np.float64)
    return correct


def _wrong(arm: Arm) -> FloatArray:
    y_true, y_pred = _labels(arm, "misclassification_rate")
    wrong: FloatArray = np.not_equal(y_true, y_pred).astype(np.float64)
    return wrong


def _outcome(arm: Arm) -> FloatArray:
    return _need(arm, "y_true", "conversion_rate").astype(np.float64)


def _flag(arm: Arm) -> FloatArray:
    return _need(arm, "values", "error_rate").astype(np.float64)


def _absolute_error(arm: Arm) -> FloatArray:
    y_true, y_pred = _labels(arm, "mae")
    return np.abs(y_true.astype(np.float64) - y_pred.astype(np.float64))


def _squared_error(arm: Arm) -> FloatArray:
    y_true, y_pred = _labels(arm, "mse")
    return (y_true.astype(np.float64) - y_pred.astype(np.float64)) ** 2


def _value(arm: Arm) -> FloatArray:
    return _need(arm, "values", "latency_ms").astype(np.float64)


def _registry(*metrics: ABMetric) -> Mapping[str, ABMetric]:
    return MappingProxyType({m.name: m for m in metrics})


AB_METRICS: Mapping[str, ABMetric] = _registry(
    ABMetric("accuracy", "proportion", "labels", True, "share of rows predicted right",
             _correct, "n_labels"),
    ABMetric("misclassification_rate", "proportion", "labels", False,
             "share of rows predicted wrong", _wrong),
    ABMetric("conversion_rate", "proportion", "target", True,
             "share of rows whose outcome (target) is positive, e.g. a click", _outcome),
    ABMetric("error_rate", "proportion", "values", False,
             "share of requests that failed (values: 1 failed, 0 served)", _flag, "n_records"),
    ABMetric("roc_auc", "auc", "scores", True, "area under the ROC curve of the score"),
    ABMetric("mae", "mean", "labels", False, "mean absolute error", _absolute_error),
    ABMetric("mse", "mean", "labels", False, "mean squared error", _squared_error),
    ABMetric("latency_ms", "mean", "values", False, "mean latency per request", _value),
)  # fmt: skip


def available_ab_metrics() -> list[str]:
    """Registered A/B metric names, in registry order.

    >>> available_ab_metrics()[:3]
    ['accuracy', 'misclassification_rate', 'conversion_rate']
    """
    return list(AB_METRICS)


def get_ab_metric(name: str) -> ABMetric:
    """The registered A/B metric called ``name``.

    >>> get_ab_metric("mae").kind
    'mean'
    """
    try:
        return AB_METRICS[name]
    except KeyError:
        raise UnknownMethodError(
            f"A/B metric {name!r} is not known; use one of {', '.join(sorted(AB_METRICS))}"
        ) from None


def compare_arms(
    metric: str,
    a: Arm,
    b: Arm,
    *,
    paired: bool = False,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> ABTestResult:
    """Compare arm B with arm A on ``metric`` with the test its kind calls for.

    ``paired`` means both arms are the same rows scored by two versions (shadow
    traffic): row ``i`` of A and row ``i`` of B are one request.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> a = Arm(y_true=y, y_pred=np.where(rng.random(2000) < 0.80, y, 1 - y))
    >>> b = Arm(y_true=y, y_pred=np.where(rng.random(2000) < 0.84, y, 1 - y))
    >>> r = compare_arms("accuracy", a, b, paired=True)
    >>> r.method, round(r.difference, 4), round(r.p_value, 4), r.winner
    ('mcnemar_z', 0.0435, 0.0003, 'b')
    """
    spec = get_ab_metric(metric)
    if paired and a.n != b.n:
        raise InputError(
            f"paired comparison needs the same rows: A has {a.n}, B has {b.n}; "
            "align the rows by request id or drop --paired"
        )
    if spec.kind == "auc":
        return bootstrap_auc_test(
            _need(a, "y_true", metric),
            _need(a, "score", metric),
            _need(b, "y_true", metric),
            _need(b, "score", metric),
            paired=paired,
            n_boot=n_boot,
            seed=seed,
            confidence=confidence,
            metric=metric,
        )
    assert spec.row_value is not None  # every non-AUC metric is registered with one
    x_a, x_b = spec.row_value(a), spec.row_value(b)
    direction = spec.higher_is_better
    if spec.kind == "proportion":
        for name, x in (("A", x_a), ("B", x_b)):
            if not np.isin(x, (0.0, 1.0)).all():
                raise InputError(
                    f"metric {metric!r} needs 0/1 outcomes; arm {name} has other values "
                    "(map the positive outcome to 1)"
                )
        if paired:
            return paired_proportion_test(
                x_a, x_b, confidence=confidence, metric=metric, higher_is_better=direction
            )
        if x_a.size == 0 or x_b.size == 0:
            raise InputError(
                f"metric {metric!r} needs rows in both arms; A has {x_a.size}, B {x_b.size}"
            )
        return two_proportion_ztest(
            int(x_a.sum()), x_a.size, int(x_b.sum()), x_b.size,
            confidence=confidence, metric=metric, higher_is_better=direction,
        )  # fmt: skip
    test = paired_ttest if paired else welch_ttest
    return test(x_a, x_b, confidence=confidence, metric=metric, higher_is_better=direction)
