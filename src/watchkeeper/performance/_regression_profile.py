"""Mergeable performance profiles of a regressor: exact error sums, bounded median.

A :class:`RegressionProfile` keeps the row count, the sums of errors, absolute errors,
squared errors and absolute percentage errors, the target's mean and sum of squared
deviations (merged with Chan's pairwise update, which stays accurate where
``sum(y**2) - n * mean**2`` would cancel), and a histogram of absolute errors on fixed
edges. Merging adds them.

*Exact* (to floating-point rounding): mean absolute error, mean squared error, its root,
mean absolute percentage error and R^2 (errors: larger is worse; R^2: higher is better;
R^2 of a constant target is scikit-learn's: 1.0 when every prediction is right, else
0.0). *Bounded*: the median absolute error lies between the edges of the bins holding
the middle ranks, clipped to the smallest and largest absolute errors seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError
from watchkeeper.performance._profiles import BoundedScore

__all__ = ["RegressionProfile", "error_edges", "regression_profile"]

_Floats = npt.NDArray[np.float64]


def error_edges(low: float = 1e-6, high: float = 1e6, bins: int = 1_000) -> _Floats:
    """Absolute-error edges: 0, then ``bins`` log-spaced edges from ``low`` to ``high``
    (each bin about 2.8 % wide by default); errors above ``high`` share the last bin.

    >>> error_edges(1.0, 100.0, 2).tolist()
    [0.0, 1.0, 10.0, 100.0]
    """
    if not 0 < low < high or bins < 1:
        raise InputError(
            f"error edges need 0 < low < high and bins >= 1; got {low}, {high}, {bins}"
        )
    return np.concatenate([[0.0], np.geomspace(low, high, bins + 1)])


@dataclass(frozen=True, eq=False)
class RegressionProfile:
    """Sums and an absolute-error histogram; add two with :meth:`merge`.

    Build one with :func:`regression_profile`.
    """

    n_rows: int
    sum_error: float
    sum_abs_error: float
    sum_squared_error: float
    target_mean: float
    target_m2: float
    min_abs_error: float
    max_abs_error: float
    edges: _Floats
    counts: npt.NDArray[np.int64]
    # sum of |error| / max(|target|, eps) (scikit-learn's MAPE); None in a profile
    # written before it was kept, which then has no MAPE.
    sum_abs_percentage_error: float | None = None

    def merge(self, other: RegressionProfile) -> RegressionProfile:
        """The profile of both profiles' rows (same edges)."""
        if not np.array_equal(self.edges, other.edges):
            raise InputError("cannot merge regression profiles with different error edges")
        n = self.n_rows + other.n_rows
        if n == 0:
            return self
        delta = other.target_mean - self.target_mean
        mean = self.target_mean + delta * other.n_rows / n
        m2 = self.target_m2 + other.target_m2 + delta**2 * self.n_rows * other.n_rows / n
        return RegressionProfile(
            n,
            self.sum_error + other.sum_error,
            self.sum_abs_error + other.sum_abs_error,
            self.sum_squared_error + other.sum_squared_error,
            mean,
            m2,
            min(self.min_abs_error, other.min_abs_error),
            max(self.max_abs_error, other.max_abs_error),
            self.edges,
            self.counts + other.counts,
            None
            if self.sum_abs_percentage_error is None or other.sum_abs_percentage_error is None
            else self.sum_abs_percentage_error + other.sum_abs_percentage_error,
        )

    def _need_rows(self) -> None:
        if self.n_rows == 0:
            raise InputError("the regression profile has no rows; errors are undefined")

    @property
    def mean_absolute_error(self) -> float:
        """Mean of ``|target - prediction|`` (exact)."""
        self._need_rows()
        return self.sum_abs_error / self.n_rows

    @property
    def mean_squared_error(self) -> float:
        """Mean of ``(target - prediction)**2`` (exact)."""
        self._need_rows()
        return self.sum_squared_error / self.n_rows

    @property
    def root_mean_squared_error(self) -> float:
        """Square root of :attr:`mean_squared_error` (exact)."""
        return float(np.sqrt(self.mean_squared_error))

    @property
    def mean_absolute_percentage_error(self) -> float:
        """Mean of ``|target - prediction| / max(|target|, eps)``, as a fraction (exact)."""
        self._need_rows()
        if self.sum_abs_percentage_error is None:
            raise InputError(
                "the regression profile was written without percentage errors; rebuild it "
                "with this version of watchkeeper"
            )
        return self.sum_abs_percentage_error / self.n_rows

    @property
    def r2_score(self) -> float:
        """``1 - SS_res / SS_tot`` (exact; scikit-learn's values for a constant target)."""
        self._need_rows()
        if self.target_m2 == 0:
            return 1.0 if self.sum_squared_error == 0 else 0.0
        return 1.0 - self.sum_squared_error / self.target_m2

    @property
    def median_absolute_error(self) -> BoundedScore:
        """The median of ``|target - prediction|`` within its bins' edges."""
        self._need_rows()
        cumulative = np.cumsum(self.counts)
        n = self.n_rows
        # The median averages ranks (n-1)//2 and n//2 (0-based) of the sorted errors.
        low_bin = int(np.searchsorted(cumulative, (n - 1) // 2, side="right"))
        high_bin = int(np.searchsorted(cumulative, n // 2, side="right"))
        lower = max(float(self.edges[low_bin]), self.min_abs_error)
        upper = self.max_abs_error
        if high_bin + 1 < len(self.edges) - 1:
            upper = min(float(self.edges[high_bin + 1]), self.max_abs_error)
        return BoundedScore(estimate=(lower + upper) / 2, lower=lower, upper=upper)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back."""
        percentage = {}
        if self.sum_abs_percentage_error is not None:
            percentage = {"sum_abs_percentage_error": self.sum_abs_percentage_error}
        return {
            **percentage,
            "kind": "regression",
            "version": 1,
            "n_rows": self.n_rows,
            "sum_error": self.sum_error,
            "sum_abs_error": self.sum_abs_error,
            "sum_squared_error": self.sum_squared_error,
            "target_mean": self.target_mean,
            "target_m2": self.target_m2,
            "min_abs_error": self.min_abs_error,
            "max_abs_error": self.max_abs_error,
            "edges": self.edges.tolist(),
            "counts": self.counts.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegressionProfile:
        """The profile that :meth:`to_dict` wrote."""
        if data.get("kind") != "regression" or data.get("version") != 1:
            raise InputError(
                f"not a version-1 regression performance profile (kind "
                f"{data.get('kind')!r}, version {data.get('version')!r})"
            )
        return cls(
            n_rows=int(data["n_rows"]),
            sum_error=float(data["sum_error"]),
            sum_abs_error=float(data["sum_abs_error"]),
            sum_squared_error=float(data["sum_squared_error"]),
            target_mean=float(data["target_mean"]),
            target_m2=float(data["target_m2"]),
            min_abs_error=float(data["min_abs_error"]),
            max_abs_error=float(data["max_abs_error"]),
            edges=np.asarray(data["edges"], dtype=np.float64),
            counts=np.asarray(data["counts"], dtype=np.int64),
            sum_abs_percentage_error=None
            if data.get("sum_abs_percentage_error") is None
            else float(data["sum_abs_percentage_error"]),
        )


def regression_profile(
    target: npt.ArrayLike, prediction: npt.ArrayLike, *, edges: npt.ArrayLike | None = None
) -> RegressionProfile:
    """The performance profile of a regressor's predictions against their targets.

    ``edges`` are increasing absolute-error edges starting at 0, by default
    :func:`error_edges` (1e-6 to 1e6, 1,000 log-spaced bins).

    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(10, 2, 1_000)
    >>> yhat = y + rng.normal(0, 0.5, 1_000)
    >>> whole = regression_profile(y[:400], yhat[:400]).merge(
    ...     regression_profile(y[400:], yhat[400:]))
    >>> round(whole.mean_absolute_error, 4), round(whole.r2_score, 4)
    (0.4124, 0.9315)
    >>> median = whole.median_absolute_error
    >>> round(median.lower, 4), round(median.upper, 4)
    (0.3499, 0.3597)
    """
    y = np.asarray(target, dtype=np.float64)
    yhat = np.asarray(prediction, dtype=np.float64)
    if y.ndim != 1 or y.shape != yhat.shape:
        raise InputError(f"target has shape {y.shape} and prediction {yhat.shape}; give two 1-D")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(yhat))):
        raise InputError("target or prediction holds NaN or infinite values; drop those rows")
    grid = error_edges() if edges is None else np.asarray(edges, dtype=np.float64)
    if grid.ndim != 1 or len(grid) < 2 or grid[0] != 0 or not np.all(np.diff(grid) > 0):
        raise InputError("error edges must start at 0 and increase strictly")
    error = y - yhat
    absolute = np.abs(error)
    n = len(y)
    mean = float(y.mean()) if n else 0.0
    percentage = absolute / np.maximum(np.abs(y), np.finfo(np.float64).eps)
    index = np.clip(np.searchsorted(grid, absolute, side="right") - 1, 0, len(grid) - 2)
    return RegressionProfile(
        n,
        float(error.sum()),
        float(absolute.sum()),
        float((error**2).sum()),
        mean,
        float(((y - mean) ** 2).sum()),
        float(absolute.min()) if n else float("inf"),
        float(absolute.max()) if n else 0.0,
        grid,
        np.bincount(index, minlength=len(grid) - 1).astype(np.int64),
        float(percentage.sum()),
    )
