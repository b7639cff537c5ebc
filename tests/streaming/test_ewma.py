"""EWMA chart against hand computations."""

from __future__ import annotations

from watchkeeper.streaming import EWMAChart, detect


def test_hand_computed_limits() -> None:
    # lam = 0.5, L = 1, mean 0, std 1: the limit is
    # sqrt(1/3 (1 - 0.25**t)). z = 0, 0.5, 0.75 for 0, 1, 1; z**2 = 0.25 is inside
    # 1/3 (1 - 1/16) = 0.3125 at t = 2, and 0.5625 is outside 1/3 (1 - 1/64) = 0.328
    # at t = 3: index 2.
    chart = EWMAChart(lam=0.5, L=1.0, mean=0.0, std=1.0)
    assert detect(chart, [0.0, 1.0, 1.0]) == (2,)


def test_both_directions() -> None:
    chart = EWMAChart(lam=0.5, L=1.0, mean=0.0, std=1.0)
    assert detect(chart, [0.0, -1.0, -1.0]) == (2,)


def test_burn_in_is_not_charted() -> None:
    chart = EWMAChart(lam=0.5, L=1.0, min_instances=3)
    # Burn-in 1, 2, 3: mean 2, std 1; then the same steps as above, shifted by 2.
    assert detect(chart, [1.0, 2.0, 3.0, 2.0, 3.0, 3.0]) == (5,)
