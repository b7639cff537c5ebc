"""Maximum mean discrepancy (MMD) with a Gaussian (RBF) kernel: larger is worse.

``mmd_test`` is the exact test: the unbiased estimate of MMD^2 (Gretton et al., 2012,
eq. 3) with ``k(x, y) = exp(-||x - y||^2 / (2 sigma^2))`` and a permutation p-value
``(1 + #{permuted >= observed}) / (1 + n_permutations)``. It holds the pooled kernel
matrix, so it refuses more than ``EXACT_MAX_ROWS`` pooled rows unless ``max_rows`` asks
for a seeded subsample of each side.

``mmd_rff_test`` stays fast at millions of rows: random Fourier features (Rahimi and
Recht, 2007) ``phi(x) = [cos(w x), sin(w x)] / sqrt(D)`` with ``D = n_features``
frequencies ``w ~ N(0, I / sigma^2)`` make ``phi(x) . phi(y)`` an unbiased estimate of
``k(x, y)`` (standard deviation at most ``1 / sqrt(2 D)``, 0.0625 for the default 128).
The MMD^2 of that kernel is the squared distance between the two feature means, computed
in one pass over the rows in batches. Its p-value is analytic: by the central limit
theorem the mean difference is Gaussian with covariance ``S_ref / m + S_cur / n`` (each
side's feature covariance, estimated on at most ``COVARIANCE_ROWS`` evenly spaced rows),
so the squared distance is a weighted sum of chi-squares, whose tail is computed by
Imhof's (1961) integral. The approximation changes which alternatives the test sees
(its power), not its false-alarm rate. ``bench/bench_multivariate.py`` reports its
distance from the exact statistic.

Both standardise the features with the reference mean and standard deviation first
(``standardize=True``; a constant column is only centred) and encode categories one-hot
(rules in ``watchkeeper.multivariate._encode``). The bandwidth ``sigma`` is the median
heuristic: the median Euclidean distance between distinct pooled rows (for the fast
test, between at most ``BANDWIDTH_ROWS`` evenly spaced rows of each side); when that
median is 0 (mostly repeated rows) the mean of the positive distances is used.

Random numbers (permutations, subsamples, frequencies) come from
``numpy.random.default_rng(random_state)`` with ``random_state=0`` by default, so a
result never changes between runs unless you change the seed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import integrate, stats

from watchkeeper._exceptions import InputError
from watchkeeper.multivariate._encode import encode_pair
from watchkeeper.multivariate._results import MMDResult

__all__ = [
    "BANDWIDTH_ROWS",
    "COVARIANCE_ROWS",
    "EXACT_MAX_ROWS",
    "chi2_mixture_sf",
    "mmd_rff_test",
    "mmd_test",
]

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]
EXACT_MAX_ROWS = 5_000
BANDWIDTH_ROWS = 1_000
COVARIANCE_ROWS = 5_000
_PERMUTATION_BATCH = 64


def _standardize(ref: Matrix, cur: Matrix, enabled: bool) -> tuple[Matrix, Matrix]:
    if not enabled:
        return ref, cur
    mean = ref.mean(axis=0)
    scale = ref.std(axis=0)
    scale[scale == 0] = 1.0
    return (ref - mean) / scale, (cur - mean) / scale


def _squared_distances(z: Matrix) -> Matrix:
    norms = np.einsum("ij,ij->i", z, z)
    d2: Matrix = norms[:, None] + norms[None, :] - 2.0 * (z @ z.T)
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
    return d2


def _median_bandwidth(d2: Matrix) -> float:
    distances = np.sqrt(d2[np.triu_indices(len(d2), k=1)])
    median = float(np.median(distances))
    if median > 0:
        return median
    positive = distances[distances > 0]
    return float(positive.mean()) if positive.size else 1.0


def _check_bandwidth(bandwidth: float | None) -> None:
    if bandwidth is not None and not (np.isfinite(bandwidth) and bandwidth > 0):
        raise InputError(f"bandwidth={bandwidth} must be a positive number (or None)")


def _unbiased(s_xx: Any, s_yy: Any, s_xy: Any, m: int, n: int) -> Any:
    # Kernel sums include the diagonal, where an RBF kernel is exactly 1.
    return (s_xx - m) / (m * (m - 1)) + (s_yy - n) / (n * (n - 1)) - 2.0 * s_xy / (m * n)


def mmd_test(
    reference: Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    bandwidth: float | None = None,
    n_permutations: int = 500,
    standardize: bool = True,
    alpha: float = 0.05,
    max_rows: int | None = None,
    random_state: int = 0,
) -> MMDResult:
    """Unbiased MMD^2 with an RBF kernel and its permutation p-value.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(200, 2))
    >>> same = mmd_test(ref, rng.normal(size=(200, 2)))
    >>> shifted = mmd_test(ref, rng.normal(size=(200, 2)) + [0.5, 0.0])
    >>> same.drifted, shifted.drifted, round(shifted.p_value, 3)
    (False, True, 0.002)
    """
    _check_bandwidth(bandwidth)
    if n_permutations < 1:
        raise InputError(f"n_permutations={n_permutations} must be at least 1")
    pair = encode_pair(reference, current, columns=columns, categorical=categorical)
    rng = np.random.default_rng(random_state)
    ref, cur = pair.reference, pair.current
    if max_rows is not None:
        if max_rows < 2:
            raise InputError(f"max_rows={max_rows} must be at least 2")
        ref, cur = (
            side[np.sort(rng.choice(len(side), max_rows, replace=False))]
            if len(side) > max_rows
            else side
            for side in (ref, cur)
        )
    m, n = len(ref), len(cur)
    if m + n > EXACT_MAX_ROWS:
        raise InputError(
            f"{m + n} pooled rows exceed the exact test's {EXACT_MAX_ROWS} (its kernel matrix "
            f"needs {(m + n) ** 2 * 8 / 1e9:.1f} GB); pass max_rows= for a seeded subsample "
            "of each side, or use mmd_rff_test"
        )
    ref, cur = _standardize(ref, cur, standardize)
    kernel = _squared_distances(np.vstack([ref, cur]))
    sigma = _median_bandwidth(kernel) if bandwidth is None else float(bandwidth)
    kernel *= -1.0 / (2.0 * sigma**2)
    np.exp(kernel, out=kernel)

    row_sums = kernel.sum(axis=1)
    total = float(row_sums.sum())
    s_xx = float(kernel[:m, :m].sum())
    s_xy = float(kernel[:m, m:].sum())
    observed = float(_unbiased(s_xx, total - s_xx - 2 * s_xy, s_xy, m, n))

    exceed = 0
    done = 0
    while done < n_permutations:
        size = min(_PERMUTATION_BATCH, n_permutations - done)
        # Column b marks the rows that permutation b assigns to the reference side.
        member = np.zeros((m + n, size))
        for b in range(size):
            member[rng.permutation(m + n)[:m], b] = 1.0
        p_xx = np.einsum("ib,ib->b", member, kernel @ member)
        p_xy = member.T @ row_sums - p_xx
        permuted = _unbiased(p_xx, total - p_xx - 2 * p_xy, p_xy, m, n)
        # A relative tolerance keeps exact ties (identical samples) counted as ties.
        exceed += int(np.sum(permuted >= observed - 1e-12 * max(1.0, abs(observed))))
        done += size
    p_value = (1 + exceed) / (1 + n_permutations)
    return MMDResult(
        method="permutation",
        statistic=observed,
        p_value=p_value,
        bandwidth=sigma,
        n_reference=m,
        n_current=n,
        alpha=alpha,
        n_permutations=n_permutations,
        n_features=None,
    )


def _liu_tang_zhang_sf(x: float, lam: Vector) -> float:
    # Liu, Tang and Zhang (2009): a (non-central) chi-square with the mixture's first
    # four cumulants; exact when the weights are equal.
    c1, c2, c3, c4 = (float((lam**k).sum()) for k in (1, 2, 3, 4))
    s1, s2 = c3 / c2**1.5, c4 / c2**2
    if s1**2 > s2:
        a = 1.0 / (s1 - np.sqrt(s1**2 - s2))
        delta = s1 * a**3 - a**2
        dof = a**2 - 2 * delta
    else:
        delta, dof = 0.0, 1.0 / s1**2
    t = (x - c1) / np.sqrt(2 * c2)
    q = t * np.sqrt(2 * (dof + 2 * delta)) + dof + delta
    tail = stats.ncx2.sf(q, dof, delta) if delta > 0 else stats.chi2.sf(q, dof)
    return float(tail)


def chi2_mixture_sf(x: float, weights: Sequence[float] | Vector) -> float:
    """``P(sum_j w_j Z_j^2 > x)`` for independent standard normal ``Z_j``.

    Imhof's (1961) integral; when numerical integration does not reach an absolute
    error of 1e-6 (a few dominant weights make the integrand oscillate slowly), the
    Liu-Tang-Zhang (2009) four-cumulant approximation is used instead.

    >>> from scipy import stats
    >>> round(chi2_mixture_sf(7.0, [1.0, 1.0, 1.0]), 6), round(float(stats.chi2.sf(7.0, 3)), 6)
    (0.071898, 0.071898)
    """
    lam = np.asarray(weights, dtype=np.float64)
    lam = lam[lam > 0]
    if lam.size == 0:
        return 1.0 if x < 0 else 0.0
    if x <= 0:
        return 1.0
    # Scaling by the largest weight keeps the integrand's range moderate.
    top = float(lam.max())
    lam, x = lam / top, x / top

    def integrand(u: float) -> float:
        theta = 0.5 * float(np.arctan(lam * u).sum()) - 0.5 * x * u
        rho = float(np.exp(0.25 * np.log1p((lam * u) ** 2).sum()))
        return float(np.sin(theta) / (u * rho))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, error = integrate.quad(integrand, 0.0, np.inf, limit=200)
    if not np.isfinite(value) or error > 1e-6:
        return _liu_tang_zhang_sf(x, lam)
    return float(min(1.0, max(0.0, 0.5 + value / np.pi)))


def _evenly_spaced(n_rows: int, count: int) -> npt.NDArray[np.intp]:
    if n_rows <= count:
        return np.arange(n_rows)
    return np.linspace(0, n_rows - 1, count).round().astype(np.intp)


def _feature_sums(
    rows: Matrix, omega: npt.NDArray[np.float32], batch_rows: int
) -> npt.NDArray[np.float64]:
    total = np.zeros(2 * omega.shape[1])
    for start in range(0, len(rows), batch_rows):
        # float32 halves memory traffic and is several times faster for cos/sin; the
        # sums are kept in float64.
        theta = rows[start : start + batch_rows].astype(np.float32) @ omega
        total[: omega.shape[1]] += np.cos(theta).sum(axis=0, dtype=np.float64)
        total[omega.shape[1] :] += np.sin(theta).sum(axis=0, dtype=np.float64)
    return total


def _features(rows: Matrix, omega: npt.NDArray[np.float32]) -> Matrix:
    theta = (rows @ omega.astype(np.float64)).astype(np.float64)
    return np.hstack([np.cos(theta), np.sin(theta)])


def mmd_rff_test(
    reference: Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    bandwidth: float | None = None,
    n_features: int = 128,
    standardize: bool = True,
    alpha: float = 0.05,
    batch_rows: int = 65_536,
    random_state: int = 0,
) -> MMDResult:
    """MMD^2 of a random-Fourier-feature RBF kernel, with an analytic p-value.

    Linear in the number of rows; see the module docstring for the method and its error.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(20_000, 3))
    >>> same = mmd_rff_test(ref, rng.normal(size=(20_000, 3)))
    >>> shifted = mmd_rff_test(ref, rng.normal(size=(20_000, 3)) + [0.05, 0.0, 0.0])
    >>> same.drifted, shifted.drifted
    (False, True)
    """
    _check_bandwidth(bandwidth)
    if n_features < 1:
        raise InputError(f"n_features={n_features} must be at least 1")
    if batch_rows < 1:
        raise InputError(f"batch_rows={batch_rows} must be at least 1")
    pair = encode_pair(reference, current, columns=columns, categorical=categorical)
    ref, cur = _standardize(pair.reference, pair.current, standardize)
    m, n = len(ref), len(cur)
    if bandwidth is None:
        sample = np.vstack(
            [ref[_evenly_spaced(m, BANDWIDTH_ROWS)], cur[_evenly_spaced(n, BANDWIDTH_ROWS)]]
        )
        sigma = _median_bandwidth(_squared_distances(sample))
    else:
        sigma = float(bandwidth)
    rng = np.random.default_rng(random_state)
    omega = (rng.standard_normal((ref.shape[1], n_features)) / sigma).astype(np.float32)
    scale = 1.0 / np.sqrt(n_features)
    s_x = _feature_sums(ref, omega, batch_rows) * scale
    s_y = _feature_sums(cur, omega, batch_rows) * scale
    # ||phi(x)||^2 = sum(cos^2 + sin^2) / D = 1, exactly as the RBF kernel's diagonal.
    statistic = float(_unbiased(s_x @ s_x, s_y @ s_y, s_x @ s_y, m, n))
    difference = s_x / m - s_y / n
    covariance = np.zeros((2 * n_features, 2 * n_features))
    for rows, size in ((ref, m), (cur, n)):
        features = _features(rows[_evenly_spaced(size, COVARIANCE_ROWS)], omega) * scale
        covariance += np.cov(features, rowvar=False) / size
    weights = np.asarray(np.linalg.eigvalsh(covariance), dtype=np.float64)
    p_value = chi2_mixture_sf(float(difference @ difference), weights)
    return MMDResult(
        method="random_fourier_features",
        statistic=statistic,
        p_value=p_value,
        bandwidth=sigma,
        n_reference=m,
        n_current=n,
        alpha=alpha,
        n_permutations=None,
        n_features=n_features,
    )
