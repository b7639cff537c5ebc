"""HDDM-W against a hand computation and River's documented example."""

from __future__ import annotations

import math
import random

from watchkeeper.streaming import HDDM_W


def test_hand_computed_first_values() -> None:
    # lambda 0.5. After 0 then 1, 1, ...: the whole-stream estimator starts at 0
    # with squared-weight sum 1, so its bound sqrt(1 * ln(1000) / 2) = 1.858 sets the
    # cut at 0 + 1.858. The next values (1, 1, ...) raise the total's estimate, so
    # the cut stays and the "since the cut" estimator holds the ones: mean 1,
    # weights 1. Drift needs 1 - 0 > sqrt((1 + 1) ln(1000) / 2) = 2.628: never.
    hddm = HDDM_W(lambda_val=0.5)
    for x in [0, 1, 1, 1, 1, 1]:
        hddm.update(x)
        assert not hddm.drift_detected
    assert math.isclose(math.sqrt(2 * math.log(1000) / 2), 2.628, abs_tol=1e-3)


def test_river_documented_example() -> None:
    # River's HDDM_W docstring (river 0.26): warning at 451, change at 1077.
    rng = random.Random(42)
    stream = rng.choices([0, 1], k=1000)
    stream = stream + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    hddm = HDDM_W()
    drifts, warnings = [], []
    for i, x in enumerate(stream):
        hddm.update(x)
        if hddm.drift_detected:
            drifts.append(i)
        if hddm.warning_detected:
            warnings.append(i)
    assert drifts == [1077]
    assert warnings[0] == 451
