"""Sampling Shapley values: permutation sampling of feature contributions.

The Shapley value of feature ``j`` for row ``x`` averages, over every order of the
features, how much the model's output moves when ``j`` joins the features already
set to ``x``'s values (Štrumbelj & Kononenko, "Explaining prediction models and
individual predictions with feature contributions", KAIS 41, 2014; the walk along a
permutation is Castro, Gómez & Tejada's ApproShapley, 2009). The value of a set ``S``
of features is the mean output over background rows ``b`` with the features in ``S``
taken from ``x`` and the rest from ``b`` (the interventional value function, as
SageMaker Clarify's SHAP with a baseline, and shap's explainers).

Estimator: ``n_permutations`` random orders (drawn once from
``numpy.random.default_rng(seed)`` and shared by every row), each walked forwards and
backwards (antithetic sampling, as shap's ``PermutationExplainer``; Mitchell et al.,
"Sampling permutations for Shapley value estimation", JMLR 23, 2022); along each
walk, each feature's marginal contribution. Every walk gives each feature one sample,
so the estimate is unbiased, and the contributions of one walk add up to
``f(x) - mean f(background)`` exactly (efficiency holds for every row). With two
features the forward and backward walks cover every order: the values are exact.

Budget: ``2 * n_rows * n_permutations * (n_features - 1) * n_background`` model rows,
plus
one call on the background and one on the rows; ``predict`` is called on batches of
at most ``batch_size`` rows. ``max_background`` (default 50) rows are sampled from a
larger background. For a model linear in the features every order gives the exact
value ``coef_j * (x_j - mean(background_j))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from watchkeeper._exceptions import InputError
from watchkeeper.attribution._tables import Columns, Predict, as_columns, predict_rows

__all__ = ["ShapleyValues", "sampling_shapley"]


@dataclass(frozen=True)
class ShapleyValues:
    """Per-row contributions of each feature, and the base value they add up from."""

    features: tuple[str, ...]
    values: NDArray[np.float64]  # (n_rows, n_features)
    base_value: float
    n_permutations: int
    seed: int | None

    @property
    def global_importance(self) -> NDArray[np.float64]:
        """Mean absolute contribution per feature (SageMaker Clarify's global SHAP)."""
        mean: NDArray[np.float64] = np.abs(self.values).mean(axis=0)
        return mean

    def as_dict(self) -> dict[str, float]:
        """Global importance by feature name."""
        return {f: float(v) for f, v in zip(self.features, self.global_importance, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_value": self.base_value,
            "n_permutations": self.n_permutations,
            "seed": self.seed,
            "global_importance": self.as_dict(),
        }


def _compose(rows: Columns, background: Columns, masks: NDArray[np.bool_]) -> list[NDArray[Any]]:
    """Rows for every (mask, explained row, background row): x where masked, else b."""
    n, m, k = rows.n_rows, background.n_rows, masks.shape[0]
    out = []
    for j, (x_col, b_col) in enumerate(zip(rows.values, background.values, strict=True)):
        from_x = np.repeat(x_col, m)  # row i repeated for each background row
        from_b = np.tile(b_col, n)
        column = np.where(np.repeat(masks[:, j], n * m), np.tile(from_x, k), np.tile(from_b, k))
        out.append(column.astype(np.result_type(x_col, b_col), copy=False))
    return out


def sampling_shapley(
    predict: Predict,
    data: Any,
    background: Any,
    *,
    n_permutations: int = 10,
    max_background: int = 50,
    seed: int | None = 0,
    batch_size: int = 200_000,
) -> ShapleyValues:
    """Shapley value estimates of every feature for every row of ``data``.

    ``predict`` must return one number per row (a probability, score or value);
    ``background`` is data of the same form that stands for "feature unknown".

    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(5, 3))
    >>> phi = sampling_shapley(lambda d: d @ np.array([2.0, -1.0, 0.0]), X, X, n_permutations=3)
    >>> exact = np.array([2.0, -1.0, 0.0]) * (X[0] - X.mean(axis=0))
    >>> bool(np.allclose(phi.values[0], exact))
    True
    """
    if n_permutations < 1:
        raise InputError(f"n_permutations must be 1 or more, got {n_permutations}")
    rows, base = as_columns(data), as_columns(background)
    if rows.names != base.names:
        raise InputError(
            f"background columns {list(base.names)} differ from data columns "
            f"{list(rows.names)}; give the same columns"
        )
    if base.n_rows == 0 or rows.n_rows == 0:
        raise InputError("data and background need at least one row each")
    rng = np.random.default_rng(seed)
    if base.n_rows > max_background:
        keep = np.sort(rng.choice(base.n_rows, max_background, replace=False))
        base = Columns(base.names, tuple(v[keep] for v in base.values), base.rebuild)
    n, m, p = rows.n_rows, base.n_rows, len(rows.names)
    base_value = float(predict_rows(predict, base, list(base.values)).mean())
    full = predict_rows(predict, rows, list(rows.values))
    phi = np.zeros((n, p))
    orders = []
    for _ in range(n_permutations):
        order = rng.permutation(p)
        orders += [order, order[::-1]]
    per_mask = n * m
    masks_per_call = max(1, batch_size // per_mask)
    for order in orders:
        # Coalitions of the first k features of the order, k = 1 .. p-1; k = 0 and
        # k = p are the background mean and f(x), known already.
        masks = np.zeros((p - 1, p), dtype=bool)
        for k in range(1, p):
            masks[k - 1, order[:k]] = True
        values = np.empty((p + 1, n))
        values[0], values[p] = base_value, full
        for start in range(0, p - 1, masks_per_call):
            chunk = masks[start : start + masks_per_call]
            output = predict_rows(predict, rows, _compose(rows, base, chunk))
            values[start + 1 : start + 1 + chunk.shape[0]] = output.reshape(-1, n, m).mean(axis=2)
        phi[:, order] += np.diff(values, axis=0).T
    return ShapleyValues(rows.names, phi / len(orders), base_value, n_permutations, seed)
