"""Mergeable score statistics: exact moments and extremes, bounded quartiles.

A :class:`ScoreSketch` keeps the count, mean and sum of squared deviations (merged with
Chan's update), the smallest and largest value and a histogram on fixed edges, so that
the service's score statistics (``score_mean``, ``score_std``, ``score_min``,
``score_max``, ``score_p25``, ``score_p50``, ``score_p75``) of a window can be computed
from profiles instead of raw scores. Merging adds them (associative, commutative).

*Exact* (to floating-point rounding): mean, sample standard deviation (``ddof=1``),
minimum and maximum. *Bounded*: a quartile (numpy's linear interpolation between the
ranks around it) lies between the lower edge of the bin holding the lower rank and the
upper edge of the bin holding the upper rank, clipped to the minimum and maximum; the
estimate is the middle. Neither direction of a score is bad in itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError
from watchkeeper.performance._profiles import BoundedScore, probability_edges
from watchkeeper.profile._moments import Moments

__all__ = ["ScoreSketch", "score_sketch", "signed_edges"]

_Floats = npt.NDArray[np.float64]
QUARTILES = (25, 50, 75)


def signed_edges(low: float = 1e-6, high: float = 1e6, bins: int = 1_000) -> _Floats:
    """Edges for values of either sign (regression predictions): ``bins`` log-spaced
    bins from ``low`` to ``high`` on each side of 0, and one bin across 0; values beyond
    ``high`` share the end bins (the bounds then reach the minimum or maximum).

    >>> signed_edges(1.0, 100.0, 2).tolist()
    [-100.0, -10.0, -1.0, 1.0, 10.0, 100.0]
    """
    if not 0 < low < high or bins < 1:
        raise InputError(f"signed edges need 0 < low < high and bins >= 1; got {low}, {high}")
    positive = np.geomspace(low, high, bins + 1)
    return np.concatenate([-positive[::-1], positive])


@dataclass(frozen=True, eq=False)
class ScoreSketch:
    """Moments, extremes and a histogram of one score series; add two with :meth:`merge`."""

    n: int
    mean: float
    m2: float
    minimum: float
    maximum: float
    edges: _Floats
    counts: npt.NDArray[np.int64]

    def merge(self, other: ScoreSketch) -> ScoreSketch:
        """The sketch of both sketches' values (same edges)."""
        if not np.array_equal(self.edges, other.edges):
            raise InputError("cannot merge score sketches with different edges")
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        moments = Moments(self.n, self.mean, self.m2).merge(Moments(other.n, other.mean, other.m2))
        return ScoreSketch(
            moments.n,
            moments.mean,
            moments.m2,
            min(self.minimum, other.minimum),
            max(self.maximum, other.maximum),
            self.edges,
            self.counts + other.counts,
        )

    def quartile(self, q: float) -> BoundedScore:
        """The ``q``-th percentile (numpy's linear interpolation) within its bins."""
        if self.n == 0:
            raise InputError("the score sketch is empty; percentiles are undefined")
        position = (self.n - 1) * q / 100.0
        cumulative = np.cumsum(self.counts)
        last = len(self.counts) - 1
        low_bin = int(np.searchsorted(cumulative, int(np.floor(position)), side="right"))
        high_bin = int(np.searchsorted(cumulative, int(np.ceil(position)), side="right"))
        lower = self.minimum if low_bin == 0 else max(float(self.edges[low_bin]), self.minimum)
        upper = (
            self.maximum if high_bin >= last else min(float(self.edges[high_bin + 1]), self.maximum)
        )
        return BoundedScore(estimate=(lower + upper) / 2, lower=lower, upper=upper)

    def statistics(self) -> tuple[dict[str, float], dict[str, BoundedScore]]:
        """``({metric: exact value}, {metric: bounded value})`` as the service names them
        (``score_std`` needs two values; nothing for an empty sketch).

        >>> exact, bounded = score_sketch([0.1, 0.4, 0.5, 0.9]).statistics()
        >>> {k: round(v, 3) for k, v in exact.items()}
        {'score_mean': 0.475, 'score_std': 0.33, 'score_min': 0.1, 'score_max': 0.9}
        >>> b = bounded["score_p50"]
        >>> round(b.lower, 3), round(b.upper, 3)
        (0.4, 0.501)
        """
        if self.n == 0:
            return {}, {}
        exact = {"score_mean": self.mean}
        if self.n > 1:
            exact["score_std"] = float(np.sqrt(self.m2 / (self.n - 1)))
        exact |= {"score_min": self.minimum, "score_max": self.maximum}
        return exact, {f"score_p{q}": self.quartile(q) for q in QUARTILES}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back."""
        return {
            "n": self.n, "mean": self.mean, "m2": self.m2, "min": self.minimum,
            "max": self.maximum, "edges": self.edges.tolist(), "counts": self.counts.tolist(),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreSketch:
        """The sketch that :meth:`to_dict` wrote, its shapes checked."""
        sketch = cls(
            int(data["n"]), float(data["mean"]), float(data["m2"]), float(data["min"]),
            float(data["max"]), np.asarray(data["edges"], dtype=np.float64),
            np.asarray(data["counts"], dtype=np.int64),
        )  # fmt: skip
        numbers = (sketch.mean, sketch.m2, sketch.minimum, sketch.maximum)
        if (
            sketch.edges.ndim != 1
            or sketch.counts.shape != (len(sketch.edges) - 1,)
            or int(sketch.counts.min(initial=0)) < 0
            or int(sketch.counts.sum()) != sketch.n
            or (sketch.n and not all(np.isfinite(v) for v in numbers))
        ):
            raise InputError(
                "a score sketch needs one count >= 0 per bin, summing to n, and finite moments"
            )
        return sketch


def score_sketch(values: npt.ArrayLike, edges: npt.ArrayLike | None = None) -> ScoreSketch:
    """The sketch of ``values`` on ``edges`` (default :func:`probability_edges`).

    >>> s = score_sketch([0.2, 0.4]).merge(score_sketch([0.6]))
    >>> s.n, round(s.mean, 6), s.minimum, s.maximum
    (3, 0.4, 0.2, 0.6)
    """
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    grid = probability_edges() if edges is None else np.asarray(edges, dtype=np.float64)
    if grid.ndim != 1 or len(grid) < 2 or not np.all(np.diff(grid) > 0):
        raise InputError("edges must be two or more strictly increasing numbers")
    if not np.all(np.isfinite(array)):
        raise InputError("scores hold NaN or infinite values; drop those rows first")
    n = int(array.size)
    mean = float(array.mean()) if n else 0.0
    index = np.clip(np.searchsorted(grid, array, side="right") - 1, 0, len(grid) - 2)
    return ScoreSketch(
        n,
        mean,
        float(((array - mean) ** 2).sum()),
        float(array.min()) if n else float("inf"),
        float(array.max()) if n else float("-inf"),
        grid,
        np.bincount(index, minlength=len(grid) - 1).astype(np.int64),
    )
