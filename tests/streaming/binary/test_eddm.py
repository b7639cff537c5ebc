"""EDDM against a hand computation."""

from __future__ import annotations

from watchkeeper.streaming import EDDM


def test_hand_computed_distances() -> None:
    # warm_start 2. Errors at n = 10, 20, 30, 40 (distance 10), then every 2nd.
    # With mean and population std of the distances, level = mean + 2 std:
    # n = 10..40: level 10 (the maximum so far)
    # n = 42: mean 8.4, std 3.2, level 14.8 (new maximum)
    # n = 44: mean 7.3333, std 3.7712, level 14.8758 (new maximum)
    # n = 46: level 14.489, ratio 0.974: nothing
    # n = 48: mean 6, std 4, level 14, ratio 0.9411 < 0.95: warning
    # n = 50: level 13.5062, ratio 0.9079: warning
    # n = 52: mean 5.2, std 3.9192, level 13.0384, ratio 0.8765 < 0.9: drift
    errors_at = {10, 20, 30, 40, 42, 44, 46, 48, 50, 52}
    stream = [n in errors_at for n in range(1, 53)]
    eddm = EDDM(warm_start=2)
    drifts, warnings = [], []
    for i, x in enumerate(stream):
        eddm.update(x)
        if eddm.drift_detected:
            drifts.append(i)
        if eddm.warning_detected:
            warnings.append(i)
    assert drifts == [51]
    # The warning holds from the error at n = 48 until the drift.
    assert warnings == [47, 48, 49, 50]
