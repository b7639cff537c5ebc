"""Regression metrics agree with scikit-learn to 1e-9 on randomised inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm

from watchkeeper.performance import DegenerateChunkWarning, compute_metric

RTOL = 1e-9

SKLEARN = {
    "mae": skm.mean_absolute_error,
    "mse": skm.mean_squared_error,
    "rmse": skm.root_mean_squared_error,
    "r2": skm.r2_score,
    "mape": skm.mean_absolute_percentage_error,
    "median_absolute_error": skm.median_absolute_error,
    "max_error": skm.max_error,
}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("name", sorted(SKLEARN))
def test_regression_metric_matches_sklearn(name: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 2000))
    y = rng.normal(10, 5, n)
    pred = y + rng.standard_t(3, n)
    assert compute_metric(name, y, pred) == pytest.approx(SKLEARN[name](y, pred), rel=RTOL)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 40), elements=finite), st.integers(0, 2**32 - 1))
def test_errors_match_sklearn_on_arbitrary_values(y: np.ndarray, seed: int) -> None:
    pred = y + np.random.default_rng(seed).normal(0, 3, y.size)
    for name in ("mae", "mse", "max_error", "median_absolute_error"):
        got = compute_metric(name, y, pred)
        assert got == pytest.approx(SKLEARN[name](y, pred), rel=RTOL, abs=1e-12)


def test_constant_target_r2_is_nan_with_a_warning() -> None:
    y = np.full(5, 3.0)
    with pytest.warns(DegenerateChunkWarning, match="constant"):
        assert np.isnan(compute_metric("r2", y, y + 1))
    # scikit-learn without its finite override agrees that it is undefined.
    assert not np.isfinite(skm.r2_score(y, y + 1, force_finite=False))


def test_empty_chunk_is_nan_with_a_warning() -> None:
    with pytest.warns(DegenerateChunkWarning):
        assert np.isnan(compute_metric("rmse", np.array([]), np.array([])))
