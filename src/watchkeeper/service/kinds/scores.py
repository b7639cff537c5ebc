"""Score statistics per window (as ML Watcher draws them): ``score_mean``,
``score_std`` (sample, ``ddof=1``), ``score_min``, ``score_max`` and the quartiles
``score_p25``, ``score_p50``, ``score_p75`` (numpy's linear interpolation).

Binary classification: the positive class's score (``score``), no feature label.
Multiclass: one series per class, its name as the feature label (``score.<class>``).
Regression: the predicted value. Neither direction is bad in itself: a monitor says
which change matters (a mean that moves, a spread that collapses).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import MonitorKind, WindowInput, problem_of

__all__ = ["KIND", "ScoreStatistics", "score_statistics"]


def score_statistics(values: Sequence[float], feature: str | None = None) -> list[Value]:
    """The seven statistics of ``values`` (the mean and quartiles need one value, the
    standard deviation two).

    >>> [(m, round(v, 3)) for m, _, v in score_statistics([0.1, 0.4, 0.5, 0.9])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('score_mean', 0.475), ('score_std', 0.33), ('score_min', 0.1), ('score_max', 0.9),
     ('score_p25', 0.325), ('score_p50', 0.45), ('score_p75', 0.6)]
    """
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return []
    p25, p50, p75 = np.percentile(array, [25, 50, 75])
    out: list[Value] = [("score_mean", feature, float(array.mean()))]
    if array.size > 1:
        out.append(("score_std", feature, float(array.std(ddof=1))))
    out += [
        ("score_min", feature, float(array.min())),
        ("score_max", feature, float(array.max())),
        ("score_p25", feature, float(p25)),
        ("score_p50", feature, float(p50)),
        ("score_p75", feature, float(p75)),
    ]
    return out


class ScoreStatistics(MonitorKind):
    """Statistics of the scores (or regression predictions) of each window."""

    name = "score_statistics"

    def window_values(self, window: WindowInput) -> list[Value]:
        data = window.data
        problem = problem_of(window.task)
        if problem == "regression":
            predicted = [float(p) for p in data.predictions if isinstance(p, int | float)]
            return score_statistics(predicted)
        if problem == "binary":
            return score_statistics([s for s in data.scores if s is not None])
        by_class: dict[str, list[float]] = {}
        for given in data.class_scores:
            for name, value in (given or {}).items():
                by_class.setdefault(str(name), []).append(float(value))
        out: list[Value] = []
        for name in sorted(by_class):
            out += score_statistics(by_class[name], name)
        return out


KIND = ScoreStatistics()
