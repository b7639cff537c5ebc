"""Exact, mergeable sums of floats: moments that do not depend on how rows were split.

Float addition is not associative, so a mean merged from partitions (Chan et al.) can
differ in its last bits from the single-pass mean, and a profile's bytes would depend
on the partitioning. :class:`ExactSums` adds every ``d = v - pivot`` and ``d * d``
exactly, as integers: ``frexp`` splits each double into a 53-bit integer and a power of
two, the integers of one power are added by ``bincount`` (halves of 26 and 27 bits, so
float sums of up to 2**26 of them stay exact), and the groups are shifted into one
Python integer. The mean and ``m2`` are then rounded once from the exact rational
values. ``pivot`` (the reference's minimum, or 0) keeps ``d * d`` small so the rounding
of each square costs no precision for data far from zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from watchkeeper.profile._moments import Moments

__all__ = ["ExactSums"]

FloatArray = npt.NDArray[np.float64]

# frexp's exponent of a double is at least -1073; with 53 mantissa bits every finite
# double is an integer times 2**-1126, the unit of the sums.
_SHIFT = 1126
_CHUNK = 1 << 24
# Levels of the fixed-point split tried before the exponent grouping takes the rest.
_LEVELS = 3


def exact_sum(values: FloatArray) -> int:
    """``sum(values)`` exactly, in units of ``2**-1126``.

    >>> exact_sum(np.array([0.1, 0.2, -0.3])) == exact_sum(np.array([-0.3, 0.2, 0.1]))
    True
    """
    total = 0
    for start in range(0, values.size, _CHUNK):
        mantissa, exponent = np.frexp(values[start : start + _CHUNK])
        # mantissa * 2**53 is a 53-bit integer: its top 27 bits and (scaled) the rest.
        top = np.multiply(mantissa, 2.0**27, out=mantissa)
        high = np.floor(top)
        rest = np.subtract(top, high, out=top)
        lowest = int(exponent.min())
        index = np.subtract(exponent, lowest, dtype=np.intp)
        high_sums = np.bincount(index, weights=high)
        rest_sums = np.bincount(index, weights=rest) * 2.0**26
        for k in np.flatnonzero((high_sums != 0) | (rest_sums != 0)).tolist():
            shift = lowest + k - 53 + _SHIFT
            total += (int(high_sums[k]) << (shift + 26)) + (int(rest_sums[k]) << shift)
    return total


def exact_sum_below(values: FloatArray, top: float, bottom: float = 0.0) -> int:
    """:func:`exact_sum` of ``values`` whose magnitudes are at most ``top`` (and, when
    ``bottom > 0``, each zero or at least ``bottom``), in fewer passes for the usual
    narrow range: scaled by a power of two (exact), each level's split (trunc) takes
    integers below ``2**bits`` whose float sum is exact (``n`` of them stay below
    ``2**53``), and the fraction, scaled up by ``2**bits``, is the next level's. A
    ``bottom`` bounds the lowest bit (``2**(exponent(bottom) - 53)``): the level that
    reaches it is whole and is only summed. What is left after :data:`_LEVELS` levels
    goes to :func:`exact_sum`.

    >>> v = np.array([0.1, 2.5, -3.0e-9])
    >>> exact_sum_below(v, 2.5) == exact_sum(v) == exact_sum_below(v, 2.5, 3.0e-9)
    True
    """
    n = values.size
    bits = 53 - n.bit_length()
    scale = math.frexp(top)[1] - bits
    if n == 0 or top == 0.0:
        return 0
    if not -1000 < scale <= 0 or bits < 20 or not math.isfinite(top):
        # Scaling down could lose bits of tiny values (subnormal results); 2**-scale
        # must be a double.
        return exact_sum(values)
    # Every nonzero value is a whole multiple of 2**lowest (None: not known).
    lowest = math.frexp(bottom)[1] - 53 if bottom > 0.0 else None
    # Scaling up by a power of two is exact: every |x| < 2**bits.
    x = values * math.ldexp(1.0, -scale)
    ints = np.empty_like(x)
    total = 0
    step = math.ldexp(1.0, bits)
    for _ in range(_LEVELS):
        if lowest is not None and scale <= lowest:
            # x holds whole numbers only: the last level.
            return total + _shifted(int(x.sum()), scale + _SHIFT)
        # trunc and the subtraction are exact (numpy's modf is several times slower).
        np.trunc(x, out=ints)
        total += _shifted(int(ints.sum()), scale + _SHIFT)
        np.subtract(x, ints, out=x)
        if lowest is None and not x.any():
            return total
        x *= step
        scale -= bits
    # The rest is x * 2**scale; its bits are whole units of 2**-1074, so the shift is exact.
    return total + _shifted(exact_sum(x), scale)


# A square overflows only for |d| >= 2**511; scaled by 2**-_WIDE it is exact and its
# square (at most 2**848) stays a normal double.
_WIDE = 600
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's split of a double into two 26-bit halves


def _wide_sums(values: FloatArray, pivot: float) -> tuple[int, int]:
    """``sum(d)`` and ``sum(d * d)`` when some squares exceed the float range, each
    value counted as it would be alone (so the sums do not depend on the batches):
    ``d = v - pivot`` rounded and ``fl(d * d)`` where that is finite, as in the usual
    path; the exact ``d * d`` where the rounded square overflows (Dekker's exact product
    on ``d * 2**-600``); the exact ``v - pivot`` and its square where even the
    deviation overflows (both are whole numbers then).

    >>> from fractions import Fraction
    >>> s1, s2 = _wide_sums(np.array([1e200, -3e200, 2.0]), 0.0)
    >>> Fraction(s2, 1 << _SHIFT) == Fraction(1e200) ** 2 + Fraction(3e200) ** 2 + 4
    True
    """
    with np.errstate(over="ignore", invalid="ignore"):
        deviations = values - pivot
        squares = deviations * deviations
    small = np.isfinite(squares)
    s1 = exact_sum(deviations[small])
    s2 = exact_sum(squares[small])
    finite = np.isfinite(deviations)
    wide = deviations[finite & ~small]
    if wide.size:
        s1 += exact_sum(wide)
        a = wide * math.ldexp(1.0, -_WIDE)
        square = a * a
        c = a * _SPLIT
        high = c - (c - a)
        low = a - high
        error = low * low - (((square - high * high) - low * high) - high * low)
        s2 += (exact_sum(square) + exact_sum(error)) << (2 * _WIDE)
    for value in values[~finite].tolist():
        deviation = int(value) - int(pivot)
        s1 += deviation << _SHIFT
        s2 += (deviation * deviation) << _SHIFT
    return s1, s2


def _shifted(value: int, shift: int) -> int:
    """``value * 2**shift``, for a ``value`` known to be a multiple of ``2**-shift``."""
    return value << shift if shift >= 0 else value >> -shift


@dataclass(frozen=True, slots=True)
class ExactSums:
    """``n`` values' exact ``sum(v - pivot)`` and ``sum((v - pivot) ** 2)``.

    >>> a = ExactSums.of(np.array([1.0, 2.0]), 1.0)
    >>> b = ExactSums.of(np.array([3.0, 4.0]), 1.0)
    >>> a.merge(b).moments()
    Moments(n=4, mean=2.5, m2=5.0)
    """

    pivot: float
    n: int = 0
    s1: int = 0
    s2: int = 0
    #: Kept for reading: never set now (squares beyond the float range are summed
    #: exactly, see :func:`_wide_sums`); a part that has it has NaN moments.
    overflow: bool = False

    @classmethod
    def of(
        cls, values: FloatArray, pivot: float, bounds: tuple[float, float] | None = None
    ) -> ExactSums:
        """The sums of finite ``values``; ``bounds`` (their min and max, when known)
        spares a pass: rounding is monotonic, so the largest deviation and square are
        those of the bounds."""
        if bounds is None:
            with np.errstate(over="ignore", invalid="ignore"):
                deviations = values - pivot
                squares = deviations * deviations
            if not np.isfinite(squares).all():
                return cls(pivot, int(values.size), *_wide_sums(values, pivot))
            return cls(pivot, int(values.size), exact_sum(deviations), exact_sum(squares))
        # Python floats: an overflow gives inf without a numpy warning.
        low, high = float(bounds[0]) - float(pivot), float(bounds[1]) - float(pivot)
        top = max(abs(low), abs(high))
        if not math.isfinite(top * top):
            return cls(pivot, int(values.size), *_wide_sums(values, pivot))
        # Nothing overflows now (no errstate needed).
        deviations = values - pivot
        squares = deviations * deviations
        # Deviations of one sign are at least the nearer bound's (else unknown: 0).
        bottom = low if low > 0.0 else (-high if high < 0.0 else 0.0)
        s1 = exact_sum_below(deviations, top, bottom)
        s2 = exact_sum_below(squares, top * top, bottom * bottom)
        return cls(pivot, int(values.size), s1, s2)

    def merge(self, other: ExactSums) -> ExactSums | None:
        """Both together, or None when the pivots differ (the sums do not add)."""
        if self.pivot != other.pivot:
            return None
        return ExactSums(
            self.pivot,
            self.n + other.n,
            self.s1 + other.s1,
            self.s2 + other.s2,
            self.overflow or other.overflow,
        )

    def moments(self) -> Moments:
        """The count, mean and ``m2``, each rounded once from the exact sums."""
        if self.n == 0:
            return Moments()
        if self.overflow:
            return Moments(self.n, math.nan, math.inf)
        unit = Fraction(1, 1 << _SHIFT)
        s1, s2 = self.s1 * unit, self.s2 * unit
        # Within [min, max]: always a double.
        mean = float(Fraction(self.pivot) + s1 / self.n)
        exact = max(s2 - s1 * s1 / self.n, Fraction(0))
        try:
            return Moments(self.n, mean, float(exact))
        except OverflowError:
            # m2 beyond the float range: infinite, with the exact value for std().
            return Moments(self.n, mean, math.inf, exact)

    def to_list(self) -> list[object]:
        """A JSON-ready form (the integers as hexadecimal text)."""
        return [self.pivot, self.n, hex(self.s1), hex(self.s2), self.overflow]

    @classmethod
    def from_list(cls, items: list[object]) -> ExactSums:
        pivot, n, s1, s2, overflow = items
        return cls(
            float(str(pivot)), int(str(n)), int(str(s1), 16), int(str(s2), 16), overflow is True
        )
