"""ADWIN against the published test written out by brute force, and River's documented example."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.streaming import ADWIN, detect


def _first_cut_brute_force(
    values: list[float], delta: float, min_len: int, grace: int
) -> int | None:
    """The first index where ADWIN (Bifet & Gavaldà 2007, as in MOA) finds a cut.

    No histogram: with ``clock=1`` and buckets that never merge, every split of the
    window into W0 (older) and W1 (newer) is a cut. The window is everything seen,
    ``m = 1/(n0 - l + 1) + 1/(n1 - l + 1)``, ``d = ln(2 ln W / delta)``, ``s2`` the
    population variance of the window, ``eps = sqrt(2 m s2 d) + 2/3 m d``; a cut
    with both sides of at least ``l`` values and ``|mean0 - mean1| > eps`` is a drift.
    """
    for t in range(len(values)):
        window = values[: t + 1]
        w = len(window)
        if w <= grace:
            continue
        mean = sum(window) / w
        s2 = sum((v - mean) ** 2 for v in window) / w
        d = math.log(2 * math.log(w) / delta)
        for n0 in range(min_len, w - min_len + 1):
            n1 = w - n0
            diff = sum(window[:n0]) / n0 - sum(window[n0:]) / n1
            m = 1 / (n0 - min_len + 1) + 1 / (n1 - min_len + 1)
            if abs(diff) > math.sqrt(2 * m * s2 * d) + 2 / 3 * m * d:
                return t
    return None


def test_hand_computed_step() -> None:
    # 20 zeros then ones, clock 1, no bucket merging. The best cut is at the step
    # (|mean0 - mean1| = 1). At index 70 (W = 71, 51 ones): s2 = (51/71)(20/71) = 0.2023,
    # d = ln(2 ln 71 / 0.002) = 8.3577, m = 1/16 + 1/47 = 0.08378, so
    # eps = sqrt(2 m s2 d) + 2/3 m d = 0.5323 + 0.4668 = 0.9991 < 1: a cut.
    # At index 69 (W = 70): s2 = 0.2041, d = 8.3543, m = 1/16 + 1/46 = 0.08424,
    # eps = 0.5360 + 0.4692 = 1.0052 > 1: not yet.
    stream = [0.0] * 20 + [1.0] * 60
    assert _first_cut_brute_force(stream, delta=0.002, min_len=5, grace=10) == 70
    assert detect(ADWIN(clock=1, max_buckets=10_000), stream)[:1] == (70,)


@settings(max_examples=40, deadline=None)
@given(
    before=st.lists(st.floats(0, 1), min_size=15, max_size=60),
    after=st.lists(st.floats(0, 4), min_size=5, max_size=60),
    delta=st.sampled_from([0.002, 0.05, 0.3]),
)
def test_any_stream_matches_the_brute_force_test(
    before: list[float], after: list[float], delta: float
) -> None:
    stream = before + after
    expected = _first_cut_brute_force(stream, delta=delta, min_len=5, grace=10)
    hits = detect(ADWIN(delta=delta, clock=1, max_buckets=10_000), stream)
    assert (hits[0] if hits else None) == expected


def test_river_documented_example() -> None:
    # River's ADWIN docstring (river 0.26): "Change detected at index 1023, input value: 4".
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert detect(ADWIN(), stream) == (1023,)


def test_histogram_keeps_few_buckets_and_exact_sums() -> None:
    rng = random.Random(5)
    values = [rng.gauss(3.0, 2.0) for _ in range(10_000)]
    adwin = ADWIN(delta=1e-9)
    for x in values:
        adwin.update(x)
    assert adwin.width == 10_000
    assert math.isclose(adwin.estimation, sum(values) / len(values), rel_tol=1e-12)
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert math.isclose(adwin.variance, variance, rel_tol=1e-9)
    # At most max_buckets buckets of each power of two.
    assert len(adwin._ends_n) <= 5 * math.ceil(math.log2(10_000))


def test_variance_stays_precise_far_from_zero() -> None:
    rng = random.Random(6)
    values = [1e8 + rng.gauss(0.0, 1.0) for _ in range(5000)]
    adwin = ADWIN()
    for x in values:
        adwin.update(x)
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert math.isclose(adwin.variance, variance, rel_tol=1e-6)


def test_clock_only_changes_when_cuts_are_tested() -> None:
    stream = [0.0] * 200 + [10.0] * 200
    every = detect(ADWIN(clock=1), stream)
    sparse = detect(ADWIN(clock=32), stream)
    assert every[0] <= sparse[0]
    assert (sparse[0] + 1) % 32 == 0
