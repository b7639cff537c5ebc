"""Thresholds and the sampling error, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper.performance import (
    ConstantThreshold,
    RelativeThreshold,
    StandardDeviationThreshold,
)
from watchkeeper.performance._thresholds import sampling_error


def test_standard_deviation_threshold_by_hand() -> None:
    values = np.array([0.80, 0.82, 0.84])  # mean 0.82, sample std 0.02
    lower, upper = StandardDeviationThreshold(lower_k=2, upper_k=3).bounds(values, 0.82)
    assert lower == pytest.approx(0.78)
    assert upper == pytest.approx(0.88)


def test_relative_and_constant_thresholds() -> None:
    assert RelativeThreshold(0.1, 0.2).bounds(np.array([]), -2.0) == pytest.approx((-2.2, -1.6))
    assert ConstantThreshold(None, 5.0).bounds(np.array([1.0]), 1.0) == (None, 5.0)


def test_sampling_error_scales_with_one_over_sqrt_n() -> None:
    values = np.array([0.80, 0.82, 0.84])
    sizes = np.array([100.0, 100.0, 100.0])
    assert sampling_error(values, sizes, 100) == pytest.approx(0.02)
    assert sampling_error(values, sizes, 400) == pytest.approx(0.01)
    assert np.isnan(sampling_error(values[:1], sizes[:1], 100))


def test_sampling_error_of_accuracy_matches_binomial_theory() -> None:
    # Accuracy of chunks of n rows with p = 0.8 has standard error sqrt(p(1-p)/n).
    rng = np.random.default_rng(0)
    values = rng.binomial(400, 0.8, 400) / 400
    got = sampling_error(values, np.full(400, 400.0), 1600)
    assert got == pytest.approx(np.sqrt(0.8 * 0.2 / 1600), rel=0.1)
