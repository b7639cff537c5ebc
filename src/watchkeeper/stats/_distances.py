"""Distances and divergences between two distributions: a *larger* value is worse.

Two input forms (see :mod:`watchkeeper.stats._registry`):

- on raw numeric samples: Wasserstein (earth mover's) distance, raw and normalised by
  the reference's spread, and the energy distance. All three integrate the gap between
  the two empirical CDFs; on sorted input the pooled order is one linear merge, so they
  cost ``O(n)`` instead of scipy's ``O(n log n)`` sorts and agree with scipy to rounding.
- on two aligned count arrays (category counts, or numeric values binned on the
  reference's quantiles): population stability index, Jensen-Shannon distance,
  Hellinger distance, Kullback-Leibler divergence, total variation and L-infinity.
  Counts are turned into shares of their side's total first.

**Empty bins and unseen categories.** PSI and Kullback-Leibler divide by shares, so a
share of exactly zero (a bin the current data never reaches, a category unseen in the
reference) is replaced by :data:`SHARE_FLOOR` (1e-4) and the shares are renormalised to
sum to one (the floor Evidently and most credit-risk practice use, made a proper
distribution). Positive shares are never raised, so a rare category keeps its weight.
The other count distances need no floor: they are defined for zero shares.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import special

from watchkeeper.stats._registry import TestResult, register_method
from watchkeeper.stats._validation import as_counts, as_samples, rescaled

__all__ = [
    "SHARE_FLOOR",
    "SYMMETRIC_METHODS",
    "energy_distance",
    "floored_shares",
    "hellinger_distance",
    "jensen_shannon_distance",
    "kl_divergence",
    "l_infinity_distance",
    "normed_wasserstein_distance",
    "population_stability_index",
    "total_variation_distance",
    "wasserstein_distance",
]

FloatArray = npt.NDArray[np.float64]

#: The share given to an empty bin or category by PSI and Kullback-Leibler.
SHARE_FLOOR = 1e-4

#: Registered names whose statistic does not change when reference and current swap.
SYMMETRIC_METHODS = frozenset(
    {
        "wasserstein",
        "energy",
        "psi",
        "jensen_shannon",
        "hellinger",
        "total_variation",
        "l_infinity",
    }
)


def _cdf_gaps(ref: FloatArray, cur: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``|F_ref - F_cur|`` on each interval between consecutive pooled values, and widths.

    A stable argsort of two concatenated sorted runs is a single merge (timsort finds
    the runs), far cheaper than scipy's sorts; integer steps keep the CDF gap exact
    until the one division.
    """
    n1, n2 = ref.size, cur.size
    pooled = np.concatenate((ref, cur))
    order = np.argsort(pooled, kind="stable")
    widths = np.diff(pooled[order])
    steps = np.where(order[:-1] < n1, n2, -n1)
    gaps = np.abs(np.cumsum(steps)) / (float(n1) * float(n2))
    return gaps, widths


def _wasserstein(ref: FloatArray, cur: FloatArray) -> float:
    gaps, widths = _cdf_gaps(ref, cur)
    return float(np.dot(gaps, widths))


def wasserstein_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Wasserstein-1 (earth mover's) distance, in the column's own units.

    Equals ``scipy.stats.wasserstein_distance(reference, current)``. Because it is in
    the column's units, its default threshold (0.1) only suits columns on a unit scale;
    prefer ``wasserstein_norm`` for a threshold that means the same on every column.

    >>> rng = np.random.default_rng(0)
    >>> round(wasserstein_distance(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    ...       .statistic, 4)
    0.3476
    """
    ref, cur = as_samples(reference, current, "wasserstein")
    return TestResult(_wasserstein(ref, cur))


def normed_wasserstein_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Wasserstein-1 distance divided by the reference's standard deviation.

    The scale is ``np.std(reference)`` (population, ``ddof=0``), so the value reads as
    "how many reference standard deviations the distribution moved"; a shift of the
    mean by ``s`` standard deviations scores ``s``. **Zero-variance rule**: when the
    reference is constant the scale is the standard deviation of both samples pooled;
    when both samples are the same constant the distance is 0. The result is never
    infinite or NaN. Not symmetric: the reference sets the scale.

    >>> rng = np.random.default_rng(0)
    >>> round(normed_wasserstein_distance(rng.normal(size=300),
    ...                                   rng.normal(0.3, 1.0, size=200)).statistic, 4)
    0.3416
    >>> normed_wasserstein_distance([5.0, 5.0], [5.0, 5.0, 5.0])
    TestResult(statistic=0.0, p_value=None)
    """
    # The ratio is scale-free; rescaling keeps np.std from overflowing on huge values.
    ref, cur = rescaled(*as_samples(reference, current, "wasserstein_norm"))
    distance = _wasserstein(ref, cur)
    if distance == 0.0:
        return TestResult(0.0)
    scale = float(np.std(ref))
    if scale == 0.0:
        scale = float(np.std(np.concatenate((ref, cur))))
    return TestResult(distance / scale)


def energy_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Energy distance: ``sqrt(2)`` times the L2 distance between the two CDFs.

    Equals ``scipy.stats.energy_distance(reference, current)``; in the column's units.

    >>> rng = np.random.default_rng(0)
    >>> round(energy_distance(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    ...       .statistic, 4)
    0.2681
    """
    ref, cur = as_samples(reference, current, "energy")
    gaps, widths = _cdf_gaps(ref, cur)
    return TestResult(float(np.sqrt(2.0 * np.dot(gaps * gaps, widths))))


def _shares(counts: FloatArray) -> FloatArray:
    shares: FloatArray = counts / counts.sum()
    return shares


def floored_shares(counts: npt.ArrayLike) -> FloatArray:
    """Shares of ``counts`` with zero shares raised to :data:`SHARE_FLOOR`, renormalised.

    >>> floored_shares([3, 1, 0]).round(6).tolist()
    [0.749925, 0.249975, 0.0001]
    """
    shares = _shares(np.asarray(counts, dtype=np.float64))
    shares = np.where(shares == 0.0, SHARE_FLOOR, shares)
    return _shares(shares)


def population_stability_index(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Population stability index: ``sum((q - p) * ln(q / p))`` over bins or categories.

    ``p`` and ``q`` are the reference and current shares after the empty-bin floor
    (see the module docstring), so PSI is finite and symmetric, and 0 only when the
    shares are equal. Common reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major.

    >>> round(population_stability_index([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.0629
    """
    ref, cur = as_counts(reference, current, "psi")
    p, q = floored_shares(ref), floored_shares(cur)
    return TestResult(max(float(np.sum((q - p) * np.log(q / p))), 0.0))


def kl_divergence(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Kullback-Leibler divergence ``KL(reference || current)`` in nats, with the floor.

    Equals ``scipy.stats.entropy(floored_shares(reference), floored_shares(current))``.
    Not symmetric: it weighs the gaps by the reference's shares.

    >>> round(kl_divergence([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.0305
    """
    ref, cur = as_counts(reference, current, "kl_divergence")
    p, q = floored_shares(ref), floored_shares(cur)
    return TestResult(max(float(np.sum(special.rel_entr(p, q))), 0.0))


def jensen_shannon_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Jensen-Shannon distance in base 2: between 0 (same shares) and 1 (disjoint).

    Equals ``scipy.spatial.distance.jensenshannon(reference, current, base=2)``; it is
    the square root of the Jensen-Shannon divergence, and needs no floor.

    >>> round(jensen_shannon_distance([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.1062
    >>> jensen_shannon_distance([1, 0], [0, 1]).statistic
    1.0
    """
    ref, cur = as_counts(reference, current, "jensen_shannon")
    p, q = _shares(ref), _shares(cur)
    # Same operations as scipy's jensenshannon, so the two agree to rounding.
    m = (p + q) / 2.0
    divergence = (np.sum(special.rel_entr(p, m)) + np.sum(special.rel_entr(q, m))) / np.log(2.0)
    return TestResult(float(np.clip(np.sqrt(max(divergence / 2.0, 0.0)), 0.0, 1.0)))


def hellinger_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Hellinger distance ``sqrt(sum((sqrt(p) - sqrt(q))**2) / 2)``: between 0 and 1.

    Computed from the differences of square roots rather than as
    ``sqrt(1 - sum(sqrt(p * q)))``, which loses all precision for close distributions.

    >>> round(hellinger_distance([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.0885
    """
    ref, cur = as_counts(reference, current, "hellinger")
    gap = np.sqrt(_shares(ref)) - np.sqrt(_shares(cur))
    return TestResult(float(min(np.sqrt(np.dot(gap, gap) / 2.0), 1.0)))


def total_variation_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Total variation distance ``sum(|p - q|) / 2``: the share of mass that moved, 0..1.

    >>> round(total_variation_distance([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.1
    """
    ref, cur = as_counts(reference, current, "total_variation")
    return TestResult(float(min(np.sum(np.abs(_shares(ref) - _shares(cur))) / 2.0, 1.0)))


def l_infinity_distance(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """L-infinity distance ``max(|p - q|)``: the largest change of any one share, 0..1.

    >>> round(l_infinity_distance([50, 30, 20], [40, 30, 30]).statistic, 4)
    0.1
    """
    ref, cur = as_counts(reference, current, "l_infinity")
    return TestResult(float(np.max(np.abs(_shares(ref) - _shares(cur)))))


# name, function, aliases, description
_Entry = tuple[str, Callable[[npt.ArrayLike, npt.ArrayLike], TestResult], tuple[str, ...], str]

_SAMPLE_DISTANCES: tuple[_Entry, ...] = (
    ("wasserstein", wasserstein_distance, ("earth_movers",), "Wasserstein-1 distance"),
    (
        "wasserstein_norm",
        normed_wasserstein_distance,
        ("normed_wasserstein",),
        "Wasserstein-1 distance in reference standard deviations",
    ),
    ("energy", energy_distance, ("energy_distance",), "Energy distance"),
)
_COUNT_DISTANCES: tuple[_Entry, ...] = (
    ("psi", population_stability_index, ("population_stability_index",), "PSI"),
    ("jensen_shannon", jensen_shannon_distance, ("js",), "Jensen-Shannon distance (base 2)"),
    ("hellinger", hellinger_distance, (), "Hellinger distance"),
    ("kl_divergence", kl_divergence, ("kl",), "Kullback-Leibler divergence KL(ref || cur)"),
    ("total_variation", total_variation_distance, ("tvd",), "Total variation distance"),
    ("l_infinity", l_infinity_distance, ("linf",), "L-infinity distance between shares"),
)

for _name, _func, _aliases, _description in _SAMPLE_DISTANCES:
    register_method(
        _name,
        _func,
        kinds=["numeric"],
        input="samples",
        output="distance",
        default_threshold=0.1,
        description=_description,
        aliases=_aliases,
        replace=True,
    )
for _name, _func, _aliases, _description in _COUNT_DISTANCES:
    register_method(
        _name,
        _func,
        kinds=["numeric", "categorical"],
        input="counts",
        output="distance",
        default_threshold=0.1,
        description=_description,
        aliases=_aliases,
        replace=True,
    )
