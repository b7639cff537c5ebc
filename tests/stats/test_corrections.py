"""p-value corrections against hand computations and scipy's Benjamini-Hochberg."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.stats import CORRECTION_METHODS, adjust_p_values

P = [0.01, 0.04, 0.03, 0.20]


def test_bonferroni_by_hand() -> None:
    # m = 4: every p-value times 4, capped at 1.
    assert adjust_p_values(P, "bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.80])
    assert adjust_p_values([0.3, 0.5], "bonferroni") == pytest.approx([0.6, 1.0])


def test_holm_by_hand() -> None:
    # Sorted: .01, .03, .04, .20 times 4, 3, 2, 1 -> .04, .09, .08, .20; the running
    # maximum makes them .04, .09, .09, .20; back in input order:
    assert adjust_p_values(P, "holm") == pytest.approx([0.04, 0.09, 0.09, 0.20])


def test_bh_by_hand() -> None:
    # Sorted: .01, .03, .04, .20 times 4/1, 4/2, 4/3, 4/4 -> .04, .06, .0533, .20; the
    # running minimum from the top makes them .04, .0533, .0533, .20; in input order:
    assert adjust_p_values(P, "bh") == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])


def test_none_returns_the_p_values() -> None:
    assert adjust_p_values(P, "none") == pytest.approx(P)


@pytest.mark.parametrize("seed", range(25))
def test_bh_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, int(rng.integers(1, 200))) ** 3  # many small ones
    if seed % 3 == 0:
        p[: p.size // 2] = p[0]  # ties
    expected = stats.false_discovery_control(p, method="bh")
    np.testing.assert_allclose(adjust_p_values(p, "bh"), expected, rtol=1e-12)


def test_missing_values_stay_missing_and_are_not_counted() -> None:
    with_gaps = adjust_p_values([0.01, None, 0.04, float("nan"), 0.03, 0.2], "bonferroni")
    assert np.isnan(with_gaps[[1, 3]]).all()
    assert with_gaps[[0, 2, 4, 5]] == pytest.approx([0.04, 0.16, 0.12, 0.80])
    assert np.isnan(adjust_p_values([None, None], "holm")).all()
    assert adjust_p_values([], "bh").shape == (0,)


def test_bad_input() -> None:
    with pytest.raises(UnknownMethodError, match="unknown p-value correction 'fdr'"):
        adjust_p_values(P, "fdr")
    with pytest.raises(InputError, match=r"must lie in \[0, 1\]; got 1.5 at position 1"):
        adjust_p_values([0.1, 1.5], "bh")


probabilities = st.lists(
    st.one_of(st.none(), st.floats(0.0, 1.0, allow_nan=False)), min_size=0, max_size=40
)


@settings(max_examples=200, deadline=None, database=None)
@given(probabilities, st.sampled_from(CORRECTION_METHODS))
def test_adjusted_p_values_are_valid(p_values: list[float | None], method: str) -> None:
    adjusted = adjust_p_values(p_values, method)
    raw = np.array([np.nan if p is None else p for p in p_values], dtype=float)
    present = ~np.isnan(raw)
    assert np.array_equal(np.isnan(adjusted), ~present)
    assert ((adjusted[present] >= 0.0) & (adjusted[present] <= 1.0)).all()
    assert (adjusted[present] >= raw[present] - 1e-15).all()  # never more significant
    order = np.argsort(raw[present], kind="stable")
    assert (np.diff(adjusted[present][order]) >= -1e-15).all()  # order is kept
    if method in ("holm", "bh"):  # never stricter than Bonferroni
        assert (adjusted <= adjust_p_values(p_values, "bonferroni") + 1e-15)[present].all()
