"""Count, mean and sum of squared deviations, mergeable without losing precision.

Partial results combine by Chan, Golub and LeVeque's pairwise update (1979), which keeps
the variance accurate where the textbook ``sum(x**2) - n * mean**2`` cancels
catastrophically (values near 1e9 with a spread of 1). A larger variance is neither
better nor worse; it is a fact about the column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

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
    #: The exact ``m2`` when it exceeds the float range (``m2`` is then infinite), from
    #: exact sums: :meth:`std` stays correct. Not part of equality or the file.
    exact_m2: Fraction | None = field(default=None, compare=False, repr=False)

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
        if not math.isfinite(delta):
            # Means of opposite signs near the float range: weighted halves instead.
            mean = self.mean * (self.n / n) + other.mean * (other.n / n)
        m2 = self.m2 + other.m2 + delta * delta * (self.n * other.n / n)
        return Moments(n, mean, m2)

    def variance(self, ddof: int = 0) -> float | None:
        """``m2 / (n - ddof)``, or None when there are not more than ``ddof`` values
        or ``m2`` exceeds the float range without its exact value (after merging parts
        whose exact sums do not add). A variance itself beyond the float range is inf.
        """
        if self.n <= ddof:
            return None
        if math.isinf(self.m2):
            if self.exact_m2 is None:
                return None
            try:
                return float(self.exact_m2 / (self.n - ddof))
            except OverflowError:
                return math.inf
        return self.m2 / (self.n - ddof)

    def std(self, ddof: int = 0) -> float | None:
        """The standard deviation; None as for :meth:`variance`.

        >>> Moments(2, 0.0, math.inf, Fraction(2 * 10**400)).std()
        1e+200
        """
        if math.isinf(self.m2) and self.exact_m2 is not None and self.n > ddof:
            # sqrt(v) = 2**k * sqrt(v / 4**k), with v / 4**k near 1 (exact scaling).
            exact = self.exact_m2 / (self.n - ddof)
            k = (exact.numerator.bit_length() - exact.denominator.bit_length()) // 2
            scaled = exact / Fraction(4) ** k if k >= 0 else exact * Fraction(4) ** -k
            return math.ldexp(math.sqrt(float(scaled)), k)
        variance = self.variance(ddof)
        return None if variance is None else math.sqrt(max(variance, 0.0))
