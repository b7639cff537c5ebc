"""Re-binning: numeric profiles on different edges brought onto common ones.

Parts profiled independently (``profile a.parquet``, ``profile b.parquet``) each carry
their own reference edges. They still merge: each side's distribution is read as a
piecewise-linear CDF through its fine histogram (between its exact min and max), or
exactly from its kept values, evaluated on the grid of the merged exact range, and the
merged grid goes through the same edge rule as a reference profiled in one piece
(:func:`watchkeeper.stats._binning.edges_from_grid`). Inside one fine bin the true CDF
can differ from the linear one by at most that bin's share, so the merged profile
records ``approximate``: a bound on the error of any cumulative share read from its
counts. Counts, extremes, moments and kept values stay exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from watchkeeper.profile._numeric import NumericBins, NumericProfile
from watchkeeper.profile._sums import ExactSums
from watchkeeper.stats._binning import GRID_CELLS, edges_from_grid, grid_counts

__all__ = ["cdf_knots", "merge_rebinned", "rebin"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def cdf_knots(col: NumericProfile) -> tuple[FloatArray, FloatArray]:
    """The piecewise-linear CDF of a binned numeric profile: positions and cumulative
    shares, from its exact min through its fine edges to its exact max."""
    assert col.bins is not None and col.counts is not None
    assert col.min is not None and col.max is not None
    x = np.concatenate(([col.min], np.clip(col.bins.edges, col.min, col.max), [col.max]))
    shares = np.concatenate(([0.0], np.cumsum(col.counts) / max(int(col.counts.sum()), 1)))
    return x, shares


def _error(col: NumericProfile) -> float:
    """The largest error of a cumulative share read linearly from ``col``'s histogram."""
    if col.values is not None or col.min == col.max:
        return 0.0
    assert col.counts is not None
    return float(col.counts.max()) / max(col.n_finite, 1) + col.approximate


def _counts_at(col: NumericProfile, upper: FloatArray) -> IntArray:
    """Counts of ``col`` in the bins ``(-inf, u0], (u0, u1], ..., (u_last, inf)``:
    exact from kept values, else from the linear CDF, rounded so they add to n."""
    if col.values is not None:
        positions = np.searchsorted(col.values, upper, side="right")
    elif col.min is not None and col.min == col.max:
        # A constant: every value sits at the one point, exactly.
        positions = np.where(upper >= col.min, col.n_finite, 0)
    else:
        x, shares = cdf_knots(col)
        cdf = np.interp(upper, x, shares, left=0.0, right=1.0)
        positions = np.floor(cdf * col.n_finite + 0.5).astype(np.int64)
        positions = np.maximum.accumulate(np.clip(positions, 0, col.n_finite))
    bounds = np.concatenate(([0], positions, [col.n_finite]))
    return np.diff(bounds).astype(np.int64)


def _grid_of(col: NumericProfile, low: float, high: float) -> IntArray:
    if col.values is not None:
        return grid_counts(col.values, low, high)
    span = high - low
    upper = low + np.arange(1, GRID_CELLS, dtype=np.float64) * (span / GRID_CELLS)
    return _counts_at(col, upper)


def _usable(col: NumericProfile) -> bool:
    return col.values is not None or (col.bins is not None and col.counts is not None)


def merge_rebinned(a: NumericProfile, b: NumericProfile) -> NumericProfile:
    """The merge of two numeric profiles on different edges (see the module docstring).

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=40_000)
    >>> whole = profile_source({"x": x})["x"]
    >>> a, b = profile_source({"x": x[:20_000]})["x"], profile_source({"x": x[20_000:]})["x"]
    >>> merged = a.merge(b)
    >>> merged.n_finite, merged.min == whole.min, merged.bins.low == whole.bins.low
    (40000, True, True)
    >>> 0 < merged.approximate < 0.01
    True
    """
    if a.n_finite == 0 or b.n_finite == 0:
        keep = b if a.n_finite == 0 else a
        return a.combine(
            b,
            bins=keep.bins,
            counts=None if keep.counts is None else keep.counts.copy(),
            n_below=keep.n_below,
            n_above=keep.n_above,
            approximate=keep.approximate,
        )
    if not (_usable(a) and _usable(b)):
        # One side has no histogram and too many values to keep: nothing to re-bin.
        return a.combine(b, bins=None, counts=None, n_below=0, n_above=0, approximate=0.0)
    assert a.min is not None and b.min is not None and a.max is not None and b.max is not None
    low, high = min(a.min, b.min), max(a.max, b.max)
    grid = _grid_of(a, low, high) + _grid_of(b, low, high)
    edges, counts = edges_from_grid(grid, low, high)
    n = a.n_finite + b.n_finite
    error = 0.0
    if a.values is None or b.values is None:
        # Rounding to whole rows adds at most one row per side.
        error = (a.n_finite * _error(a) + b.n_finite * _error(b) + 2.0) / n
    return a.combine(
        b,
        bins=NumericBins(edges, low, high),
        counts=counts,
        n_below=0,
        n_above=0,
        approximate=min(error, 1.0),
    )


def rebin(col: NumericProfile, bins: NumericBins) -> NumericProfile:
    """``col`` counted on ``bins`` instead of its own edges: exact from kept values,
    else through its linear CDF (``approximate`` then bounds the error)."""
    counts = _counts_at(col, bins.edges)
    if col.values is not None:
        below = int(np.searchsorted(col.values, bins.low, side="left"))
        above = col.n_finite - int(np.searchsorted(col.values, bins.high, side="right"))
        error = 0.0
    elif col.min == col.max:
        assert col.min is not None
        below = col.n_finite if col.min < bins.low else 0
        above = col.n_finite if col.min > bins.high else 0
        error = 0.0
    else:
        x, shares = cdf_knots(col)
        below = round(float(np.interp(bins.low, x, shares)) * col.n_finite)
        above = col.n_finite - round(float(np.interp(bins.high, x, shares)) * col.n_finite)
        error = min(_error(col) + 1.0 / max(col.n_finite, 1), 1.0)
    empty = NumericProfile(
        name=col.name,
        n_rows=0,
        n_null=0,
        n_nan=0,
        n_pos_inf=0,
        n_neg_inf=0,
        n_type_mismatch=0,
        first_mismatch=None,
        moments=type(col.moments)(),
        min=None,
        max=None,
        values=np.empty(0),
        sums=None if col.sums is None else ExactSums(col.sums.pivot),
    )
    return col.combine(
        empty, bins=bins, counts=counts, n_below=below, n_above=above, approximate=error
    )
