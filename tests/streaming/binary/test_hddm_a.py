"""HDDM-A against a hand computation and River's documented example."""

from __future__ import annotations

import math
import random

from watchkeeper.streaming import HDDM_A


def _run(detector: HDDM_A, stream: list[int]) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, x in enumerate(stream):
        detector.update(x)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def test_hand_computed_step() -> None:
    # 100 right predictions, then errors. The cut point stays at n_cut = 100 with mean
    # 0 (its bound only shrinks). After j errors, n = 100 + j and the mean is j / n;
    # drift when j / n >= sqrt(m / 2 ln(2 / 0.001)) with m = (n - 100) / (100 n).
    def first(confidence: float) -> int:
        j = 1
        while True:
            n = 100 + j
            m = (n - 100) / (100 * n)
            if j / n >= math.sqrt(m / 2 * math.log(2 / confidence)):
                return n - 1
            j += 1

    stream = [0] * 100 + [1] * 30
    drifts, warnings = _run(HDDM_A(), stream)
    assert drifts == [first(0.001)]
    assert warnings == list(range(first(0.005), first(0.001)))


def test_river_documented_example() -> None:
    # River's HDDM_A docstring (river 0.26): warning at 451, change at 1206.
    rng = random.Random(42)
    stream = rng.choices([0, 1], k=1000)
    stream = stream + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    drifts, warnings = _run(HDDM_A(), stream)
    assert drifts == [1206]
    assert warnings[0] == 451
