"""DLE: close to the realized error when the loss depends on the features."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from watchkeeper.performance import DLE, SizeChunker


def _data(n: int, seed: int, low: float = -1.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, 1, n)
    y = x + rng.normal(0, 0.1 + 0.5 * (x > 0), n)
    return {"x": x, "pred": x, "y": y}


def test_dle_tracks_a_shift_to_where_the_model_errs() -> None:
    ref, shifted = _data(10_000, 0), _data(6000, 1, low=0.0)
    # One OpenMP thread: on a shared, busy machine the default spin-waiting threads make
    # this small fit many times slower.
    with threadpool_limits(1):
        _check_dle(ref, shifted)


def _check_dle(ref: dict[str, np.ndarray], shifted: dict[str, np.ndarray]) -> None:
    dle = DLE(features=["x"], y_pred="pred", y_true="y", metrics=["mae", "rmse"],
              chunker=SizeChunker(1000), model_params={"max_iter": 20}).fit(ref)  # fmt: skip
    result = dle.estimate(shifted)
    for name in ("mae", "rmse"):
        metric = result.metric(name)
        for chunk in metric.analysis:
            assert chunk.value == pytest.approx(chunk.realized, rel=0.1)
            assert chunk.alert  # errors about doubled, far beyond 3 sigma


def test_dle_without_scikit_learn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from watchkeeper import MissingDependency

    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    with pytest.raises(MissingDependency, match=r"watchkeeper\[ml\]"):
        DLE(features=["x"], y_pred="pred", y_true="y").fit(_data(100, 0))
