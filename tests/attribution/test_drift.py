"""NDCG by hand (SageMaker's college-admission example) and attribution drift end to end."""

from __future__ import annotations

import math

import numpy as np
import pytest

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.attribution import attribution_drift, attribution_drift_from_values, ndcg


def test_ndcg_by_hand_on_sagemakers_example() -> None:
    train = {"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05}
    live = {"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70}
    # Reference order SAT, GPA, rank; live gains 0.10, 0.20, 0.70.
    dcg = 0.10 / math.log2(2) + 0.20 / math.log2(3) + 0.70 / math.log2(4)
    ideal = 0.70 / math.log2(2) + 0.20 / math.log2(3) + 0.10 / math.log2(4)
    assert ndcg(train, live) == pytest.approx(dcg / ideal, abs=1e-12)
    result = attribution_drift_from_values(train, live)
    assert result.drifted and result.threshold == 0.90
    assert [(f.feature, f.reference_rank, f.current_rank) for f in result.features] == [
        ("SAT score", 1, 3), ("GPA", 2, 2), ("Class rank", 3, 1),
    ]  # fmt: skip


def test_same_ranking_is_one_and_negative_gains_count_as_zero() -> None:
    assert ndcg({"a": 3.0, "b": 1.0}, {"a": 0.3, "b": 0.1}) == 1.0
    # Current: a = -0.2 (gain 0), b = 0.5. Reference order a, b: DCG = 0 + 0.5/log2(3).
    assert ndcg({"a": 3.0, "b": 1.0}, {"a": -0.2, "b": 0.5}) == pytest.approx(1 / math.log2(3))
    with pytest.raises(InputError, match="same features"):
        ndcg({"a": 1.0}, {"b": 1.0})


def _data(rng: np.random.Generator, scales: list[float], n: int = 300):  # type: ignore[no-untyped-def]
    X = rng.normal(size=(n, 3)) * scales
    return X, (X.sum(axis=1) > 0).astype(int)


def test_shapley_drift_flags_a_swap_and_not_the_same_data() -> None:
    rng = np.random.default_rng(0)
    ref, _ = _data(rng, [3.0, 1.0, 0.2])
    same, _ = _data(rng, [3.0, 1.0, 0.2])
    swapped, _ = _data(rng, [0.2, 1.0, 3.0])
    model = lambda d: d @ np.ones(3)  # noqa: E731
    assert not attribution_drift(model, ref, same, n_permutations=2, max_rows=60).drifted
    assert attribution_drift(model, ref, swapped, n_permutations=2, max_rows=60).drifted


def test_permutation_drift_needs_labels() -> None:
    rng = np.random.default_rng(1)
    (ref, y_ref), (cur, y_cur) = _data(rng, [3.0, 1.0, 0.2]), _data(rng, [0.2, 1.0, 3.0])
    model = lambda d: (d.sum(axis=1) > 0).astype(int)  # noqa: E731
    result = attribution_drift(
        model, ref, cur, method="permutation", y_reference=y_ref, y_current=y_cur, n_repeats=2
    )
    assert result.drifted and result.method == "permutation"
    with pytest.raises(InputError, match="needs labels"):
        attribution_drift(model, ref, cur, method="permutation")
    with pytest.raises(UnknownMethodError, match="unknown attribution method"):
        attribution_drift(model, ref, cur, method="lime")
