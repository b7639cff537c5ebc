"""Model-agnostic permutation importance (Breiman 2001; Fisher, Rudin & Dominici 2019).

A feature's importance is how much the model's score drops when that feature's values
are shuffled across rows, breaking its link with the target while keeping its
distribution: ``importance = score(original) - score(shuffled)`` for a score where
higher is better, and ``loss(shuffled) - loss(original)`` for a loss, so that in both
cases larger means more important and about 0 means unused (it can be slightly
negative by chance).

The shuffles follow scikit-learn's ``permutation_importance`` draw for draw: one seed
is drawn from ``numpy.random.RandomState(seed)``, and each feature's ``n_repeats``
shuffles come from a ``RandomState`` of that seed, each shuffle applied on top of the
previous one. With the same model, data, metric and seed the two give the same
numbers, which lets a user check one against the other. Cost: ``1 + n_features *
n_repeats`` calls of ``predict`` on all rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from watchkeeper._exceptions import InputError
from watchkeeper.attribution._tables import Predict, as_columns
from watchkeeper.performance import compute_metric, get_metric

__all__ = ["PermutationImportance", "permutation_importance"]


@dataclass(frozen=True)
class PermutationImportance:
    """Importance per feature: the mean and standard deviation over repeats, and each repeat."""

    features: tuple[str, ...]
    baseline_score: float
    importances: NDArray[np.float64]  # (n_features, n_repeats)
    metric: str
    n_repeats: int
    seed: int | None

    @property
    def importances_mean(self) -> NDArray[np.float64]:
        mean: NDArray[np.float64] = self.importances.mean(axis=1)
        return mean

    @property
    def importances_std(self) -> NDArray[np.float64]:
        std: NDArray[np.float64] = self.importances.std(axis=1)
        return std

    def as_dict(self) -> dict[str, float]:
        """Mean importance by feature name."""
        return {f: float(v) for f, v in zip(self.features, self.importances_mean, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "baseline_score": self.baseline_score,
            "n_repeats": self.n_repeats,
            "seed": self.seed,
            "features": [
                {"feature": f, "mean": float(m), "std": float(s)}
                for f, m, s in zip(
                    self.features, self.importances_mean, self.importances_std, strict=True
                )
            ],
        }


def _scorer(
    metric: str | Callable[..., float], y: NDArray[Any], higher_is_better: bool | None
) -> tuple[str, Callable[[NDArray[Any]], float], bool]:
    if callable(metric):
        name = getattr(metric, "__name__", "metric")
        return name, lambda output: float(metric(y, output)), higher_is_better is not False
    registered = get_metric(metric)
    better = registered.higher_is_better if higher_is_better is None else higher_is_better
    if registered.from_values is not None:
        return metric, lambda output: compute_metric(metric, y, output), better
    classes = sorted(set(y.tolist()))
    if registered.needs == "scores":
        return (
            metric,
            lambda output: compute_metric(metric, y, y_score=output, classes=classes),
            better,
        )
    return metric, lambda output: compute_metric(metric, y, output, classes=classes), better


def permutation_importance(
    predict: Predict,
    data: Any,
    y: ArrayLike,
    *,
    metric: str | Callable[..., float] = "accuracy",
    n_repeats: int = 5,
    seed: int | None = 0,
    higher_is_better: bool | None = None,
) -> PermutationImportance:
    """Permutation importance of each feature of ``data`` for the model ``predict``.

    ``metric`` is a name from :data:`watchkeeper.performance.METRICS` (its direction
    is known; a score metric such as ``roc_auc`` gets ``predict``'s output as the
    positive-class score) or a callable ``metric(y, output)``, higher is better unless
    ``higher_is_better=False``.

    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> result = permutation_importance(lambda d: (d[:, 0] > 0).astype(int), X, y)
    >>> {k: round(v, 2) for k, v in result.as_dict().items()}
    {'x0': 0.49, 'x1': 0.0, 'x2': 0.0}
    """
    if n_repeats < 1:
        raise InputError(f"n_repeats must be 1 or more, got {n_repeats}")
    columns = as_columns(data)
    target = np.asarray(y)
    if target.shape[0] != columns.n_rows:
        raise InputError(f"y has {target.shape[0]} rows and data {columns.n_rows}")
    name, score, better = _scorer(metric, target, higher_is_better)
    sign = 1.0 if better else -1.0

    def evaluate(values: list[NDArray[Any]]) -> float:
        return score(np.asarray(predict(columns.rebuild(values))))

    baseline = evaluate(list(columns.values))
    # scikit-learn's scheme: one seed for every feature, each feature its own stream.
    feature_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    importances = np.empty((len(columns.names), n_repeats))
    for j in range(len(columns.names)):
        stream = np.random.RandomState(feature_seed)
        order = np.arange(columns.n_rows)
        values = list(columns.values)
        for r in range(n_repeats):
            stream.shuffle(order)
            values[j] = values[j][order]
            importances[j, r] = sign * (baseline - evaluate(values))
    return PermutationImportance(columns.names, baseline, importances, name, n_repeats, seed)
