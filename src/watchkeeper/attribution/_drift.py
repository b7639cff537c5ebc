"""Feature attribution drift: has the model's ranking of its features changed?

As SageMaker Model Monitor's feature attribution drift monitor (developer guide,
"Monitor feature attribution drift for models in production",
https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-model-monitor-feature-attribution-drift.html):
let ``F = [f_1, ..., f_m]`` be the features sorted by their attribution on the
reference (largest first) and ``a(f)`` a feature's attribution on the current data;
``F'`` the features sorted by ``a``. Then

    DCG  = sum_i a(f_i)  / log2(i + 1)
    iDCG = sum_i a(f'_i) / log2(i + 1)
    NDCG = DCG / iDCG

NDCG is 1 when the current data ranks the features as the reference does, and lower
is worse; a drift is flagged below ``threshold`` (SageMaker's default, 0.90). A
feature that was important and has lost its place lowers NDCG more than a minor one.

Attributions are global: the mean absolute Shapley value per feature (as Clarify's
global SHAP) or the mean permutation importance; a negative importance (noise) counts
as 0 gain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper._tabular import Tabular
from watchkeeper.attribution._permutation import permutation_importance
from watchkeeper.attribution._shapley import sampling_shapley
from watchkeeper.attribution._tables import Predict, as_columns

__all__ = [
    "ATTRIBUTION_METHODS",
    "DEFAULT_NDCG_THRESHOLD",
    "AttributionDrift",
    "AttributionMethod",
    "FeatureAttributionChange",
    "attribution_drift",
    "attribution_drift_from_values",
    "ndcg",
]

DEFAULT_NDCG_THRESHOLD = 0.90


def ndcg(reference: Mapping[str, float], current: Mapping[str, float]) -> float:
    """SageMaker's NDCG of the current attributions against the reference ranking.

    >>> ref = {"sat": 0.70, "gpa": 0.50, "rank": 0.05}
    >>> round(ndcg(ref, {"sat": 0.10, "gpa": 0.20, "rank": 0.70}), 4)
    0.6576
    >>> ndcg(ref, ref)
    1.0
    """
    if set(reference) != set(current):
        raise InputError(
            f"reference features {sorted(reference)} differ from current {sorted(current)}; "
            "attribute the same features"
        )
    gain = {f: max(float(current[f]), 0.0) for f in current}
    # Ties are broken by feature name so that the result never depends on dict order.
    by_reference = sorted(reference, key=lambda f: (-reference[f], f))
    by_current = sorted(gain, key=lambda f: (-gain[f], f))
    discount = [1.0 / math.log2(i + 2) for i in range(len(gain))]
    dcg = sum(gain[f] * d for f, d in zip(by_reference, discount, strict=True))
    ideal = sum(gain[f] * d for f, d in zip(by_current, discount, strict=True))
    return dcg / ideal if ideal > 0 else 1.0


@dataclass(frozen=True, repr=False)
class FeatureAttributionChange(Tabular):
    """One feature's attribution on both data sets and its rank (1 = most important)."""

    feature: str
    reference: float
    current: float
    change: float
    reference_rank: int
    current_rank: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True, repr=False)
class AttributionDrift(Tabular):
    """NDCG of the current ranking against the reference, per-feature changes and the flag."""

    method: str
    ndcg: float
    threshold: float
    features: tuple[FeatureAttributionChange, ...]

    @property
    def drifted(self) -> bool:
        return self.ndcg < self.threshold

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per feature, in reference rank order."""
        return [f.to_dict() for f in self.features]

    def _headline(self) -> str:
        verdict = "drifted" if self.drifted else "no drift"
        return f"AttributionDrift ({self.method}): NDCG {self.ndcg:.4g} ({verdict})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "ndcg": self.ndcg,
            "threshold": self.threshold,
            "drifted": self.drifted,
            "features": [f.to_dict() for f in self.features],
        }


def _ranks(values: Mapping[str, float]) -> dict[str, int]:
    ordered = sorted(values, key=lambda f: (-values[f], f))
    return {f: i + 1 for i, f in enumerate(ordered)}


def attribution_drift_from_values(
    reference: Mapping[str, float],
    current: Mapping[str, float],
    *,
    threshold: float = DEFAULT_NDCG_THRESHOLD,
    method: str = "given",
) -> AttributionDrift:
    """Attribution drift from global attributions already computed.

    >>> d = attribution_drift_from_values({"a": 0.7, "b": 0.5, "c": 0.05},
    ...                                   {"a": 0.1, "b": 0.2, "c": 0.7})
    >>> round(d.ndcg, 4), d.drifted, [f.current_rank for f in d.features]
    (0.6576, True, [3, 2, 1])
    """
    score = ndcg(reference, current)
    ref_rank, cur_rank = _ranks(reference), _ranks(current)
    rows = tuple(
        FeatureAttributionChange(
            f, float(reference[f]), float(current[f]), float(current[f] - reference[f]),
            ref_rank[f], cur_rank[f],
        )
        for f in sorted(reference, key=lambda f: ref_rank[f])
    )  # fmt: skip
    return AttributionDrift(method, score, threshold, rows)


@dataclass(frozen=True)
class AttributionMethod:
    """A registered way of computing global attributions."""

    name: str
    needs_labels: bool
    description: str
    compute: Callable[..., dict[str, float]]


def _sample(data: Any, max_rows: int | None, rng: np.random.Generator) -> Any:
    columns = as_columns(data)
    if max_rows is None or columns.n_rows <= max_rows:
        return data
    keep = np.sort(rng.choice(columns.n_rows, max_rows, replace=False))
    return columns.rebuild([v[keep] for v in columns.values])


def _shapley(
    predict: Predict, data: Any, y: Any, background: Any, options: dict[str, Any]
) -> dict[str, float]:
    keys = ("n_permutations", "max_background", "seed")
    return sampling_shapley(
        predict, data, background, **{k: options[k] for k in keys if k in options}
    ).as_dict()


def _permutation(
    predict: Predict, data: Any, y: Any, background: Any, options: dict[str, Any]
) -> dict[str, float]:
    if y is None:
        raise InputError("permutation importance needs labels; pass y_reference and y_current")
    keys = ("metric", "n_repeats", "seed")
    return permutation_importance(
        predict, data, y, **{k: options[k] for k in keys if k in options}
    ).as_dict()


ATTRIBUTION_METHODS: Mapping[str, AttributionMethod] = MappingProxyType(
    {
        "shapley": AttributionMethod(
            "shapley", False, "mean |sampling Shapley value| per feature", _shapley
        ),
        "permutation": AttributionMethod(
            "permutation", True, "mean permutation importance per feature", _permutation
        ),
    }
)


def attribution_drift(
    predict: Predict,
    reference: Any,
    current: Any,
    *,
    method: str = "shapley",
    y_reference: ArrayLike | None = None,
    y_current: ArrayLike | None = None,
    background: Any = None,
    max_rows: int | None = 200,
    threshold: float = DEFAULT_NDCG_THRESHOLD,
    seed: int | None = 0,
    **options: Any,
) -> AttributionDrift:
    """Global attributions of ``predict`` on the reference and the current data, compared.

    ``method`` is ``"shapley"`` (no labels; the background defaults to the reference)
    or ``"permutation"`` (needs ``y_reference`` and ``y_current``). At most
    ``max_rows`` rows of each data set are used (a seeded sample) for Shapley values.
    ``options`` go to the method: ``n_permutations``, ``max_background`` (Shapley);
    ``metric``, ``n_repeats`` (permutation).

    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(200, 3)) * [3.0, 1.0, 0.2]
    >>> cur = rng.normal(size=(200, 3)) * [0.2, 1.0, 3.0]
    >>> model = lambda d: d @ np.array([1.0, 1.0, 1.0])
    >>> d = attribution_drift(model, ref, cur, n_permutations=2, max_rows=50)
    >>> round(d.ndcg, 3), d.drifted
    (0.625, True)
    """
    try:
        chosen = ATTRIBUTION_METHODS[method]
    except KeyError:
        raise UnknownMethodError(
            f"unknown attribution method {method!r}; "
            f"choose one of: {', '.join(ATTRIBUTION_METHODS)}"
        ) from None
    options["seed"] = seed
    rng = np.random.default_rng(seed)
    base = reference if background is None else background
    if chosen.needs_labels:
        before = chosen.compute(predict, reference, y_reference, base, options)
        after = chosen.compute(predict, current, y_current, base, options)
    else:
        before = chosen.compute(predict, _sample(reference, max_rows, rng), None, base, options)
        after = chosen.compute(predict, _sample(current, max_rows, rng), None, base, options)
    return attribution_drift_from_values(before, after, threshold=threshold, method=method)
