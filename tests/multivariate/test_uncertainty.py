"""Entropy and margin against scipy and hand computations; their drift against scipy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from watchkeeper import InputError
from watchkeeper.multivariate import (
    prediction_entropy,
    prediction_margin,
    uncertainty_drift,
    validate_probabilities,
)


def test_entropy_matches_scipy() -> None:
    p = np.random.default_rng(0).dirichlet([1.0, 2.0, 0.5, 3.0], size=200)
    np.testing.assert_allclose(prediction_entropy(p), stats.entropy(p, axis=1), atol=1e-12)
    np.testing.assert_allclose(
        prediction_entropy(p, normalize=True), stats.entropy(p, axis=1) / np.log(4), atol=1e-12
    )


def test_binary_score_is_two_columns() -> None:
    s = np.array([0.0, 0.1, 0.5, 0.97])
    two = np.column_stack([1 - s, s])
    np.testing.assert_allclose(prediction_entropy(s), stats.entropy(two, axis=1), atol=1e-12)
    # margin of [1 - s, s] is |2 s - 1|
    np.testing.assert_allclose(prediction_margin(s), np.abs(2 * s - 1), atol=1e-12)


def test_margin_by_hand() -> None:
    p = [[0.1, 0.6, 0.3], [0.4, 0.4, 0.2], [0.0, 0.0, 1.0]]
    assert prediction_margin(p).tolist() == pytest.approx([0.3, 0.0, 1.0])


def test_arrow_and_single_column_inputs() -> None:
    table = pa.table({"a": [0.2, 0.5], "b": [0.8, 0.5]})
    np.testing.assert_allclose(prediction_margin(table), [0.6, 0.0])
    np.testing.assert_allclose(prediction_margin(np.array([[0.9], [0.2]])), [0.8, 0.6])


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([[0.5, 0.5], [0.7, 0.7]], "row 1 of the probabilities sums to 1.4"),
        ([0.2, 1.3], r"row 1 of the probabilities has \[1.3\]"),
        ([0.2, np.nan], "row 1 .* missing"),
        ([[0.5, 0.5], [-0.1, 1.1]], "row 1 .*outside"),
        (np.zeros((2, 2, 2)), "shape"),
        ([["a", "b"]], "numbers"),
    ],
)
def test_bad_probabilities_name_the_row(scores: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_probabilities(scores)


def test_tolerance_is_documented_and_adjustable() -> None:
    rows = [[0.3333, 0.3333, 0.3333]]  # rounded to 4 decimals: sums to 0.9999
    assert validate_probabilities(rows).shape == (1, 3)
    with pytest.raises(InputError, match="tolerance 1e-06"):
        validate_probabilities(rows, tolerance=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 8), st.integers(1, 30), st.integers(0, 10_000))
def test_descriptor_ranges(k: int, n: int, seed: int) -> None:
    p = np.random.default_rng(seed).dirichlet(np.ones(k) * 0.3, size=n)
    entropy, margin = prediction_entropy(p), prediction_margin(p)
    assert np.all((entropy >= 0) & (entropy <= np.log(k) + 1e-12))
    assert np.all((margin >= 0) & (margin <= 1 + 1e-12))
    assert np.all(prediction_entropy(p, normalize=True) <= 1 + 1e-12)


def test_drift_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    ref = rng.dirichlet([5.0, 1.0, 1.0], size=1500)
    cur = rng.dirichlet([2.0, 1.0, 1.0], size=1200)
    result = uncertainty_drift(ref, cur)
    e_ref, e_cur = stats.entropy(ref, axis=1), stats.entropy(cur, axis=1)
    ks = stats.ks_2samp(e_ref, e_cur)
    assert result.entropy.ks_statistic == pytest.approx(ks.statistic)
    assert result.entropy.ks_p_value == pytest.approx(ks.pvalue)
    expected = stats.wasserstein_distance(e_ref, e_cur) / e_ref.std()
    assert result.entropy.wasserstein_normalized == pytest.approx(expected)
    m_ref = np.sort(ref, axis=1)[:, -1] - np.sort(ref, axis=1)[:, -2]
    m_cur = np.sort(cur, axis=1)[:, -1] - np.sort(cur, axis=1)[:, -2]
    assert result.margin.ks_statistic == pytest.approx(stats.ks_2samp(m_ref, m_cur).statistic)
    assert result.drifted
    assert result.to_dict()["margin"]["drifted"] is True


def test_no_drift_on_the_same_model() -> None:
    rng = np.random.default_rng(2)
    result = uncertainty_drift(rng.beta(5, 2, 3000), rng.beta(5, 2, 3000))
    assert not result.drifted
    assert result.entropy.wasserstein_normalized < 0.1


def test_drift_needs_matching_classes() -> None:
    with pytest.raises(InputError, match="current has 3"):
        uncertainty_drift([[0.5, 0.5]] * 3, [[0.2, 0.3, 0.5]] * 3)
    with pytest.raises(InputError, match="alpha"):
        uncertainty_drift([0.5] * 3, [0.5] * 3, alpha=1.5)
