"""CUSUM against hand computations."""

from __future__ import annotations

from watchkeeper.streaming import CUSUM, detect


def test_hand_computed_upper_sum() -> None:
    # mean 0, std 1, k = 0.5, h = 2: S+ = max(0, S+ + x - 0.5) gives 0, 0, 1.0, 2.0,
    # 3.0 for 0, 0, 1.5, 1.5, 1.5; 2.0 is not above h, 3.0 is: index 4.
    cusum = CUSUM(k=0.5, h=2.0, mean=0.0, std=1.0)
    assert detect(cusum, [0.0, 0.0, 1.5, 1.5, 1.5]) == (4,)


def test_hand_computed_lower_sum_resets_at_zero() -> None:
    # S- = max(0, S- - x - 0.5): 1.5, 0 (after +1.0), 1.5, 3.0 > 2 at index 3;
    # S+ only reaches 0.5.
    cusum = CUSUM(k=0.5, h=2.0, mean=0.0, std=1.0)
    assert detect(cusum, [-2.0, 1.0, -2.0, -2.0]) == (3,)


def test_burn_in_estimates_mean_and_sample_std() -> None:
    # Burn-in 1, 3 (mean 2, sample std sqrt(2)); then S+ grows by
    # x - 2 - 0.5 sqrt(2) and must exceed 2 sqrt(2) = 2.83: 4 gives 1.29,
    # 2.59, 3.88 -> index 4.
    cusum = CUSUM(k=0.5, h=2.0, min_instances=2)
    assert detect(cusum, [1.0, 3.0, 4.0, 4.0, 4.0]) == (4,)
