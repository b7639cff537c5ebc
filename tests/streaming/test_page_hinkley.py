"""Page-Hinkley against a hand computation and River's documented example."""

from __future__ import annotations

import random

from watchkeeper.streaming import PageHinkley, detect


def test_hand_computed_step() -> None:
    # alpha = 1, delta = 0, 100 zeros then ones. Before the change every deviation
    # is 0, so the sums and their minimum are 0. After j ones (n = 100 + j) the mean
    # is j / n and the deviation 100 / (100 + j); the upward sum is
    # 100/101 + 100/102 + ... = 0.990, 1.970, 2.941, 3.903, 4.855 (j = 5) and
    # 5.799 (j = 6) > 5, so the alarm is on the sixth one, index 105. The downward
    # sum equals the upward one, so max - current stays 0 on that side.
    stream = [0.0] * 100 + [1.0] * 20
    ph = PageHinkley(min_instances=1, delta=0.0, threshold=5.0, alpha=1.0)
    assert detect(ph, stream) == (105,)
    down = PageHinkley(min_instances=1, delta=0.0, threshold=5.0, alpha=1.0, mode="down")
    assert detect(down, stream) == ()
    mirrored = [-x for x in stream]
    assert detect(down, mirrored) == (105,)


def test_min_instances_delays_the_test() -> None:
    stream = [0.0] * 100 + [1.0] * 20
    ph = PageHinkley(min_instances=107, delta=0.0, threshold=5.0, alpha=1.0)
    # The statistic is above 5 from index 105 on; the first test is at n = 107.
    assert detect(ph, stream)[:1] == (106,)


def test_river_documented_example() -> None:
    # River's PageHinkley docstring (river 0.26): "Change detected at index 1006".
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert detect(PageHinkley(), stream) == (1006,)
