"""The profile of a numeric column: counts, extremes, moments, a quantile sketch and an
exact histogram on bins fixed by the reference.

Every count and the histogram are exact and merge by addition; the mean and variance
merge by Chan et al.'s update; the quantile sketch is Apache DataSketches' KLL, whose
rank error is stated by :meth:`NumericProfile.rank_error`. Values outside the
reference's ``[min, max]`` are counted exactly too, because current data built with
``bins_from=reference`` knows the reference's range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from watchkeeper._exceptions import ColumnError, MissingDependency
from watchkeeper.io._columns import _as_float
from watchkeeper.profile._moments import Moments

__all__ = [
    "DEFAULT_KLL_K",
    "FINE_BINS",
    "NumericAccumulator",
    "NumericBins",
    "NumericProfile",
    "merge_types",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# k=200 is DataSketches' default: about 1.3% normalized rank error (single-sided,
# 99% confidence) in about 5 KB whatever the number of rows.
DEFAULT_KLL_K = 200
# Quantile bins of the reference for KS and the chart; binned statistics use a coarser
# grid made of a subset of these edges, so their counts are sums of these exact counts.
FINE_BINS = 1000
# Cells of the lookup grid that spares most values a binary search over the edges.
_GRID_CELLS = 1 << 16


def sketches() -> Any:
    """The ``datasketches`` module, or :class:`MissingDependency` naming the extra."""
    try:
        import datasketches
    except ImportError:
        raise MissingDependency("datasketches", "sketches") from None
    return datasketches


def _kll(k: int, data: bytes | None = None):  # type: ignore[no-untyped-def]  # datasketches has no stubs
    kll_doubles_sketch = sketches().kll_doubles_sketch
    if data:
        return kll_doubles_sketch.deserialize(data)
    return kll_doubles_sketch(k)


def merge_types(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """The Arrow types seen on either side, sorted, so merging is commutative; ``null``
    (a batch with no value, or without the column) is dropped beside a real type.

    >>> merge_types(("int64",), ("double", "int64", "null"))
    ('double', 'int64')
    """
    seen = set(a) | set(b)
    if len(seen) > 1:
        seen.discard("null")
    return tuple(sorted(seen))


def _min_text(a: str | None, b: str | None) -> str | None:
    # The smaller of two examples rather than "the first": merge order must not matter.
    if a is None or b is None:
        return a if b is None else b
    return min(a, b)


@dataclass(frozen=True, eq=False)
class NumericBins:
    """Bin edges fixed by a reference: inner ``edges`` (bins ``(-inf, e0], (e0, e1], ...,
    (e_last, inf)``) and the reference's finite ``[low, high]`` range.

    >>> bins = NumericBins(np.array([1.0, 2.0]), 0.0, 3.0)
    >>> bins.n_bins, bins == NumericBins(np.array([1.0, 2.0]), 0.0, 3.0)
    (3, True)
    """

    edges: FloatArray
    low: float
    high: float

    @property
    def n_bins(self) -> int:
        return int(self.edges.size) + 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NumericBins):
            return NotImplemented
        return (
            self.low == other.low
            and self.high == other.high
            and np.array_equal(self.edges, other.edges)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-array contents; never a dict key

    @cached_property
    def _lookup(self) -> tuple[float, float, int, npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
        """A uniform grid over the edges' span: per cell, the number of edges in cells
        before it, and whether an edge falls in it (only those values need a search)."""
        lo, span = float(self.edges[0]), float(self.edges[-1] - self.edges[0])
        scale = _GRID_CELLS / span if span > 0 and math.isfinite(span) else 0.0
        edge_cells = _cells(self.edges, lo, scale, _GRID_CELLS + 1)
        before = np.zeros(_GRID_CELLS + 3, dtype=np.int32)
        np.add.at(before, edge_cells + 1, 1)
        has_edge = before > 0
        return lo, scale, _GRID_CELLS + 1, np.cumsum(before, dtype=np.int32) - before, has_edge

    def count(self, finite: FloatArray) -> tuple[IntArray, int, int]:
        """Counts per bin, and of values below ``low`` and above ``high``."""
        lo, scale, top, before, has_edge = self._lookup
        cells = _cells(finite, lo, scale, top) + 1
        positions = before[cells].astype(np.intp)
        ambiguous = has_edge[cells]
        if ambiguous.any():
            # Values in a cell that holds an edge: the exact binary search decides.
            positions[ambiguous] = np.searchsorted(self.edges, finite[ambiguous], side="left")
        counts = np.bincount(positions, minlength=self.n_bins).astype(np.int64, copy=False)
        below = int(np.count_nonzero(finite < self.low))
        above = int(np.count_nonzero(finite > self.high))
        return counts, below, above


def _cells(values: FloatArray, lo: float, scale: float, top: int) -> npt.NDArray[np.intp]:
    """``floor((v - lo) * scale)`` clipped to ``[-1, top]``. Each step rounds
    monotonically, so ``v <= e`` implies ``cell(v) <= cell(e)``: a value whose cell holds
    no edge is above exactly the edges of the cells before it."""
    scaled = (values - lo) * scale
    np.clip(scaled, -1.0, float(top), out=scaled)
    return np.floor(scaled, out=scaled).astype(np.intp)


@dataclass(frozen=True, eq=False)
class NumericProfile:
    """What a profile keeps of a numeric column.

    ``n_rows = n_null + n_nan + n_pos_inf + n_neg_inf + n_type_mismatch + n_finite``.
    ``counts`` (with ``n_below``/``n_above``) exists when ``bins`` does.
    """

    name: str
    n_rows: int
    n_null: int
    n_nan: int
    n_pos_inf: int
    n_neg_inf: int
    n_type_mismatch: int
    first_mismatch: str | None
    moments: Moments
    min: float | None
    max: float | None
    sketch: bytes
    kll_k: int = DEFAULT_KLL_K
    arrow_types: tuple[str, ...] = ()
    bins: NumericBins | None = None
    counts: IntArray | None = None
    n_below: int = 0
    n_above: int = 0
    kind: str = field(default="numeric", init=False)

    @property
    def n_finite(self) -> int:
        return self.moments.n

    @property
    def n_missing(self) -> int:
        return self.n_null + self.n_nan

    def kll(self) -> Any:
        # datasketches ships no type stubs: the sketch is Any.
        """The KLL sketch of the finite values (a new object each call)."""
        return _kll(self.kll_k, self.sketch)

    def rank_error(self) -> float:
        """The sketch's normalized rank error (single-sided, 99% confidence)."""
        kll = sketches().kll_doubles_sketch
        return float(kll.get_normalized_rank_error(self.kll_k, False))

    def quantile(self, q: float) -> float | None:
        """An approximate quantile from the sketch (None without finite values).

        Its rank is within :meth:`rank_error` of ``q``; DataSketches compacts at random,
        so repeated profiling of the same data may move it within that bound. Reports
        read quantiles from the exact histogram instead (see docs/profiles.md).
        """
        if self.n_finite == 0:
            return None
        return float(self.kll().get_quantile(q))

    def merge(self, other: NumericProfile) -> NumericProfile:
        if self.bins != other.bins:
            raise ColumnError(
                self.name,
                "has different bin edges in the profiles being merged",
                "profile every part with bins_from= the same reference profile",
            )
        sketch = self.kll()
        sketch.merge(other.kll())
        counts = None
        if self.counts is not None and other.counts is not None:
            counts = self.counts + other.counts
        return NumericProfile(
            name=self.name,
            n_rows=self.n_rows + other.n_rows,
            n_null=self.n_null + other.n_null,
            n_nan=self.n_nan + other.n_nan,
            n_pos_inf=self.n_pos_inf + other.n_pos_inf,
            n_neg_inf=self.n_neg_inf + other.n_neg_inf,
            n_type_mismatch=self.n_type_mismatch + other.n_type_mismatch,
            first_mismatch=_min_text(self.first_mismatch, other.first_mismatch),
            moments=self.moments.merge(other.moments),
            min=_extreme(min, self.min, other.min),
            max=_extreme(max, self.max, other.max),
            sketch=bytes(sketch.serialize()),
            kll_k=min(self.kll_k, other.kll_k),
            arrow_types=merge_types(self.arrow_types, other.arrow_types),
            bins=self.bins,
            counts=counts,
            n_below=self.n_below + other.n_below,
            n_above=self.n_above + other.n_above,
        )


def _extreme(
    pick: Callable[[float, float], float], a: float | None, b: float | None
) -> float | None:
    if a is None or b is None:
        return a if b is None else b
    return float(pick(a, b))


class NumericAccumulator:
    """The mutable state of a numeric column while batches stream through.

    ``sketch`` may be given (a KLL filled by an earlier pass); it is then not updated.
    """

    def __init__(
        self,
        name: str,
        *,
        bins: NumericBins | None = None,
        kll_k: int = DEFAULT_KLL_K,
        sketch: bytes | None = None,
    ) -> None:
        self.name = name
        self.bins = bins
        self.kll_k = kll_k
        self._fixed_sketch = sketch is not None
        self._sketch = _kll(kll_k, sketch)
        self._counts = None if bins is None else np.zeros(bins.n_bins, dtype=np.int64)
        self._n = [0, 0, 0, 0, 0, 0, 0, 0]  # rows, null, nan, +inf, -inf, bad, below, above
        self._first_bad: str | None = None
        self._moments = Moments()
        self._min: float | None = None
        self._max: float | None = None
        self._types: set[str] = set()

    def update(self, column: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(column, pa.Array):
            column = pa.chunked_array([column])
        self._types.add(str(column.type))
        as_float, n_bad, first_bad = _as_float(column)
        n = self._n
        n[0] += len(column)
        n[1] += as_float.null_count - n_bad
        n[5] += n_bad
        if first_bad is not None:
            self._first_bad = _min_text(self._first_bad, str(first_bad))
        chunks = [c.to_numpy(zero_copy_only=False) for c in as_float.chunks]
        raw = chunks[0] if len(chunks) == 1 else np.concatenate(chunks or [np.empty(0)])
        raw = np.asarray(raw, dtype=np.float64)
        finite_mask = np.isfinite(raw)
        if finite_mask.all():
            finite = raw
        else:
            finite = raw[finite_mask]
            # Arrow turns nulls into NaN on the way to numpy; they are counted as nulls.
            n[2] += int(np.count_nonzero(np.isnan(raw))) - as_float.null_count
            n[3] += int(np.count_nonzero(np.isposinf(raw)))
            n[4] += int(np.count_nonzero(np.isneginf(raw)))
        if finite.size == 0:
            return
        self._moments = self._moments.merge(Moments.of(finite))
        low, high = float(finite.min()), float(finite.max())
        self._min = low if self._min is None else min(self._min, low)
        self._max = high if self._max is None else max(self._max, high)
        if not self._fixed_sketch:
            # The binding takes writable arrays only; Arrow's zero-copy views are not.
            self._sketch.update(finite if finite.flags.writeable else finite.copy())
        if self.bins is not None and self._counts is not None:
            counts, below, above = self.bins.count(finite)
            self._counts += counts
            n[6] += below
            n[7] += above

    def result(self) -> NumericProfile:
        n = self._n
        return NumericProfile(
            name=self.name,
            n_rows=n[0],
            n_null=n[1],
            n_nan=n[2],
            n_pos_inf=n[3],
            n_neg_inf=n[4],
            n_type_mismatch=n[5],
            first_mismatch=self._first_bad,
            moments=self._moments,
            min=self._min,
            max=self._max,
            sketch=bytes(self._sketch.serialize()),
            kll_k=self.kll_k,
            arrow_types=merge_types(tuple(self._types), ()),
            bins=self.bins,
            counts=None if self._counts is None else self._counts.copy(),
            n_below=n[6],
            n_above=n[7],
        )
