"""Count, mean and sum of squared deviations, mergeable without losing precision.

Partial results combine by Chan, Golub and LeVeque's pairwise update (1979), which keeps
the variance accurate where the textbook ``sum(x**2) - n * mean**2`` cancels
catastrophically (values near 1e9 with a spread of 1). A larger variance is neither
better nor worse; it is a fact about the column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Moments"]


@dataclass(frozen=True, slots=True)
class Moments:
    """``n`` values, their ``mean`` and ``m2 = sum((x - mean) ** 2)``.

    >>> a = Moments.of(np.array([1.0, 2.0, 3.0]))
    >>> b = Moments.of(np.array([4.0, 5.0]))
    >>> m = a.merge(b)
    >>> m.n, m.mean, m.variance(ddof=1)
    (5, 3.0, 2.5)
    """

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, values: npt.NDArray[np.float64]) -> Moments:
        """The moments of finite ``values`` (two passes over the array, both vectorised)."""
        n = int(values.size)
        if n == 0:
            return cls()
        with np.errstate(over="ignore", invalid="ignore"):
            mean = float(values.mean())
            deviations = values - mean
            # einsum, not dot: BLAS threads cost more than they save on one batch.
            m2 = float(np.einsum("i,i->", deviations, deviations))
        return cls(n, mean, m2)

    def merge(self, other: Moments) -> Moments:
        """The moments of both samples together (Chan et al.)."""
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        # Weighting by the share of each side keeps the mean exact when one side is a
        # single value and stable when the sides differ by orders of magnitude.
        mean = self.mean + delta * (other.n / n)
        m2 = self.m2 + other.m2 + delta * delta * (self.n * other.n / n)
        return Moments(n, mean, m2)

    def variance(self, ddof: int = 0) -> float | None:
        """``m2 / (n - ddof)``, or None when there are not more than ``ddof`` values."""
        if self.n <= ddof:
            return None
        return self.m2 / (self.n - ddof)

    def std(self, ddof: int = 0) -> float | None:
        variance = self.variance(ddof)
        return None if variance is None else math.sqrt(max(variance, 0.0))
