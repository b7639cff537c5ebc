"""Sampling Shapley values: exact on linear models, efficient, seeded."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.attribution import sampling_shapley


def test_linear_model_gives_the_closed_form() -> None:
    # For f(x) = w.x + c with independent background, phi_j = w_j (x_j - mean_j).
    rng = np.random.default_rng(0)
    w = np.array([1.5, -2.0, 0.0, 0.7])
    X = rng.normal(size=(30, 4))
    background = rng.normal(loc=1.0, size=(40, 4))
    phi = sampling_shapley(lambda d: d @ w + 3.0, X, background, n_permutations=5, seed=1)
    expected = w * (X - background.mean(axis=0))
    np.testing.assert_allclose(phi.values, expected, atol=1e-12)
    assert phi.base_value == pytest.approx(float((background @ w + 3.0).mean()), abs=1e-12)


def test_interaction_model_by_hand() -> None:
    # f = x0 * x1 with one background row (0, 0): v({}) = 0, v({0}) = 0, v({1}) = 0,
    # v({0,1}) = x0 x1, so each feature gets half of x0 x1 whatever the order.
    X = np.array([[2.0, 3.0], [1.0, -4.0]])
    phi = sampling_shapley(lambda d: d[:, 0] * d[:, 1], X, np.zeros((1, 2)), n_permutations=4)
    np.testing.assert_allclose(phi.values, [[3.0, 3.0], [-2.0, -2.0]], atol=1e-12)


def test_efficiency_holds_for_any_model() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 5))
    background = rng.normal(size=(20, 5))

    def model(d):  # type: ignore[no-untyped-def]
        return np.tanh(d[:, 0] * d[:, 1]) + np.sin(d[:, 2]) + d[:, 3] ** 2

    phi = sampling_shapley(model, X, background, n_permutations=3, seed=4, batch_size=500)
    np.testing.assert_allclose(phi.values.sum(axis=1) + phi.base_value, model(X), atol=1e-10)
    again = sampling_shapley(model, X, background, n_permutations=3, seed=4)
    np.testing.assert_allclose(phi.values, again.values, atol=1e-12)  # batching changes nothing


def test_pandas_frames() -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(10, 2)), columns=["a", "b"])
    phi = sampling_shapley(lambda d: 2 * d["a"].to_numpy(), frame, frame, n_permutations=2)
    assert phi.features == ("a", "b")
    np.testing.assert_allclose(phi.values[:, 1], 0.0, atol=1e-12)
    assert phi.as_dict()["a"] > 0


def test_errors() -> None:
    with pytest.raises(InputError, match="n_permutations"):
        sampling_shapley(lambda d: d[:, 0], np.zeros((2, 2)), np.zeros((2, 2)), n_permutations=0)
    with pytest.raises(InputError, match="one number per row"):
        sampling_shapley(lambda d: d, np.zeros((2, 2)), np.zeros((2, 2)))
