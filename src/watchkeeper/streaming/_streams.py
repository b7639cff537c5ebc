"""Synthetic streams with known change points, for the evaluation harness.

Real-valued streams are normal noise around a mean that steps up by ``shift`` at each
change point; binary streams are error indicators (True = the model was wrong) whose
error rate rises at each change point. A drift is ``"abrupt"`` (the new concept
starts at the change point), ``"gradual"`` (over ``width`` values each value comes
from the new concept with a probability rising linearly from 0 to 1) or ``"none"``.
Everything is drawn from ``numpy.random.default_rng(seed)``, so a seed gives the same
stream on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError
from watchkeeper.streaming._base import InputKind

__all__ = ["DriftKind", "Stream", "binary_stream", "real_stream"]

DriftKind = Literal["abrupt", "gradual", "none"]
_DRIFTS = ("abrupt", "gradual", "none")


@dataclass(frozen=True)
class Stream:
    """A synthetic stream and where its changes start.

    ``values`` is float64 for real streams and bool for binary ones;
    ``change_points[i]`` is the index of the first value of concept ``i + 1``
    (for a gradual drift, the first index where the new concept may appear).
    """

    name: str
    kind: InputKind
    drift: DriftKind
    values: npt.NDArray[np.float64] | npt.NDArray[np.bool_]
    change_points: tuple[int, ...]
    width: int
    seed: int


def _concepts(
    n: int, drift: str, change_points: Sequence[int] | None, width: int, seed: int
) -> tuple[tuple[int, ...], npt.NDArray[np.intp], np.random.Generator]:
    """The concept index of every position, and the generator to draw values with."""
    if drift not in _DRIFTS:
        raise InputError(f"drift {drift!r} is not one of {', '.join(_DRIFTS)}")
    if drift == "none":
        if change_points:
            raise InputError("a stream with drift='none' cannot have change points")
        points: tuple[int, ...] = ()
    else:
        points = tuple(int(c) for c in (change_points if change_points else (n // 2,)))
    bounds = (0, *points, n)
    if any(b <= a for a, b in pairwise(bounds)):
        raise InputError(f"change points {points} must increase strictly within 1..{n - 1}")
    span = width if drift == "gradual" else 0
    if span and any(b - a < span for a, b in zip(points, (*points[1:], n), strict=True)):
        raise InputError(f"a gradual drift of width {width} does not fit between {points}")
    rng = np.random.default_rng(seed)
    concept = np.searchsorted(np.asarray(points, dtype=np.intp), np.arange(n), side="right")
    if span:
        draws = rng.random(n)
        for c in points:
            ramp = slice(c, c + span)
            # Position c + j belongs to the new concept with probability (j + 1) / (span + 1).
            still_old = draws[ramp] >= np.arange(1, span + 1) / (span + 1)
            concept[ramp] -= still_old
    return points, concept, rng


def real_stream(
    *,
    n: int = 10_000,
    drift: DriftKind = "abrupt",
    change_points: Sequence[int] | None = None,
    shift: float = 1.0,
    std: float = 1.0,
    width: int = 500,
    seed: int = 0,
) -> Stream:
    """Normal values whose mean rises by ``shift`` at each change point.

    Without ``change_points`` a drifting stream changes once, in the middle.

    >>> s = real_stream(n=1000, change_points=[400], shift=2.0, seed=1)
    >>> s.change_points, round(float(s.values[:400].mean()), 1)
    ((400,), 0.0)
    >>> round(float(s.values[400:].mean()), 1)
    2.0
    """
    points, concept, rng = _concepts(n, drift, change_points, width, seed)
    values = shift * concept + std * rng.standard_normal(n)
    name = f"real-{drift}-seed{seed}"
    return Stream(name, "real", drift, values, points, width if drift == "gradual" else 0, seed)


def binary_stream(
    *,
    n: int = 10_000,
    drift: DriftKind = "abrupt",
    change_points: Sequence[int] | None = None,
    rates: Sequence[float] | None = None,
    width: int = 500,
    seed: int = 0,
) -> Stream:
    """Error indicators whose error rate is ``rates[i]`` in concept ``i``.

    By default the rate starts at 0.1 and rises by 0.15 at each change point.

    >>> s = binary_stream(n=2000, change_points=[1000], seed=1)
    >>> s.values.dtype.name, round(float(s.values[:1000].mean()), 2)
    ('bool', 0.1)
    >>> round(float(s.values[1000:].mean()), 2)
    0.26
    """
    points, concept, rng = _concepts(n, drift, change_points, width, seed)
    if rates is None:
        rates = [min(0.1 + 0.15 * i, 0.95) for i in range(len(points) + 1)]
    if len(rates) != len(points) + 1 or not all(0.0 <= r <= 1.0 for r in rates):
        raise InputError(
            f"binary_stream needs {len(points) + 1} error rates in [0, 1] "
            f"(one per concept), got {list(rates)}"
        )
    values = rng.random(n) < np.asarray(rates, dtype=np.float64)[concept]
    name = f"binary-{drift}-seed{seed}"
    return Stream(name, "binary", drift, values, points, width if drift == "gradual" else 0, seed)
