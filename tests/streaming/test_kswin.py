"""KSWIN: its statistic and decision against scipy.stats.ks_2samp, and River's example."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp

from watchkeeper.streaming import KSWIN, detect
from watchkeeper.streaming._kswin import ks_count, ks_critical_count

samples = st.lists(st.integers(0, 8).map(float), min_size=30, max_size=30)


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(a=samples, b=samples)
def test_statistic_matches_scipy_with_ties(a: list[float], b: list[float]) -> None:
    assert ks_count(a, b) / 30 == pytest.approx(ks_2samp(a, b).statistic, abs=1e-12)


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(a=samples, b=samples, alpha=st.sampled_from([0.0001, 0.005, 0.05]))
def test_decision_matches_scipy_p_value(a: list[float], b: list[float], alpha: float) -> None:
    ours = ks_count(a, b) >= ks_critical_count(30, alpha)
    assert ours == (ks_2samp(a, b).pvalue <= alpha)


def test_critical_counts_are_scipy_boundaries() -> None:
    base = list(range(30))
    j = ks_critical_count(30, 0.005)
    assert ks_2samp(base, [v + j for v in base]).pvalue <= 0.005
    assert ks_2samp(base, [v + j - 1 for v in base]).pvalue > 0.005


def test_river_documented_example() -> None:
    # River's KSWIN docstring (river 0.26, seed 42, alpha 0.0001): change at index 1016.
    # The older sample is drawn the way River draws it, so equal seeds agree.
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert detect(KSWIN(alpha=0.0001, seed=42), stream) == (1016,)
