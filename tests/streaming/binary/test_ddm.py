"""DDM against a hand computation and River's documented example."""

from __future__ import annotations

import random

from watchkeeper.streaming import DDM


def _run(detector: DDM, stream: list[int]) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, x in enumerate(stream):
        detector.update(x)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def test_hand_computed_warning_then_drift() -> None:
    # warm_start 5, so the test starts at n = 6. One error then nine right:
    # p + s = p + sqrt(p (1 - p) / n) falls to its minimum at n = 10:
    # p_min = 0.1, s_min = sqrt(0.09 / 10) = 0.09487; warning above
    # 0.1 + 2 s_min = 0.2897, drift above 0.1 + 3 s_min = 0.3846.
    # n = 11, 2 errors: 0.1818 + 0.1163 = 0.2981 -> warning
    # n = 12, 3 errors: 0.25 + 0.125 = 0.375 -> warning
    # n = 13, 4 errors: 0.3077 + 0.1280 = 0.4357 -> drift (index 12)
    stream = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    drifts, warnings = _run(DDM(warm_start=5), stream)
    assert drifts == [12]
    assert warnings == [10, 11]


def test_river_documented_example() -> None:
    # River's DDM docstring (river 0.26): warning at 1084, change at 1334, warning at 1492.
    rng = random.Random(42)
    stream = rng.choices([0, 1], k=1000)
    stream = stream + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    drifts, warnings = _run(DDM(), stream)
    assert drifts == [1334]
    first_warning = warnings[0]
    after_drift = [w for w in warnings if w > 1334]
    assert (first_warning, after_drift[0]) == (1084, 1492)
