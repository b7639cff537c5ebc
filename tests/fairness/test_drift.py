"""Bias drift: the z-test by hand, no alarm on identical data, alarms on a real shift."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from watchkeeper.fairness import bias_drift, count_groups


def _window(rng: np.random.Generator, n: int, rate_d: float):  # type: ignore[no-untyped-def]
    sex = rng.choice(["f", "m"], n)
    y = rng.integers(0, 2, n)
    p = (rng.random(n) < np.where(sex == "f", rate_d, 0.5)).astype(int)
    return count_groups(y, p, sensitive_features={"sex": sex})


def test_dppl_z_test_by_hand() -> None:
    rng = np.random.default_rng(4)
    base, now = _window(rng, 3000, 0.5), _window(rng, 1500, 0.35)
    result = bias_drift(base, now, facet="f", metrics=["DPPL"])
    row = result.metrics[0]

    def parts(c):  # type: ignore[no-untyped-def]
        a, d = c.groups[("m",)], c.groups[("f",)]
        qa, qd = a.predicted_positive / a.n, d.predicted_positive / d.n
        return qa - qd, qa * (1 - qa) / a.n + qd * (1 - qd) / d.n

    (v0, var0), (v1, var1) = parts(base), parts(now)
    z = (v1 - v0) / math.sqrt(var0 + var1)
    assert row.change == pytest.approx(v1 - v0, abs=1e-12)
    assert row.z == pytest.approx(z, abs=1e-12)
    assert row.p_value == pytest.approx(2 * norm.sf(abs(z)), abs=1e-12)
    assert row.drifted and result.drifted


def test_no_drift_on_the_same_distribution() -> None:
    rng = np.random.default_rng(8)
    result = bias_drift(_window(rng, 4000, 0.4), _window(rng, 4000, 0.4), facet="f")
    assert not result.drifted
    assert {m.metric for m in result.metrics} >= {"DPPL", "DI", "AD"}


def test_small_window_large_change_is_not_significant() -> None:
    rng = np.random.default_rng(2)
    result = bias_drift(
        _window(rng, 4000, 0.5), _window(rng, 20, 0.5), facet="f", metrics=["DPPL"], threshold=0.0
    )
    row = result.metrics[0]
    assert row.p_value is not None and row.p_value > 0.05
    assert not row.drifted


def test_per_metric_threshold_and_dict() -> None:
    rng = np.random.default_rng(3)
    result = bias_drift(
        _window(rng, 3000, 0.5),
        _window(rng, 3000, 0.3),
        facet="f",
        metrics=["DPPL", "DI"],
        threshold={"DPPL": 0.5, "DI": 0.1},
    )
    flags = {m.metric: m.drifted for m in result.metrics}
    assert flags == {"DPPL": False, "DI": True}
    assert result.to_dict()["metrics"][1]["z"] is None  # DI has no z-test
