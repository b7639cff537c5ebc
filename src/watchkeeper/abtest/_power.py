"""How many observations an A/B test needs: sample size per arm for a given effect.

Both formulas are the normal approximation; more observations than the answer only
add power. ``ratio`` is ``n_b / n_a`` (1 for an even split; 0.1 when a challenger gets
a tenth of the champion's traffic, say).
"""

from __future__ import annotations

import math

from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.abtest._results import SampleSizeResult

__all__ = ["sample_size_means", "sample_size_proportions"]


def _quantiles(alpha: float, power: float, two_sided: bool) -> tuple[float, float]:
    if not 0.0 < alpha < 1.0:
        raise InputError(f"alpha is {alpha}; give a number between 0 and 1, e.g. 0.05")
    if not 0.0 < power < 1.0:
        raise InputError(f"power is {power}; give a number between 0 and 1, e.g. 0.8")
    z_alpha = float(stats.norm.ppf(1.0 - (alpha / 2.0 if two_sided else alpha)))
    return z_alpha, float(stats.norm.ppf(power))


def _check_ratio(ratio: float) -> None:
    if not ratio > 0 or not math.isfinite(ratio):
        raise InputError(f"ratio is {ratio}; give n_b / n_a as a positive number, e.g. 1")


def sample_size_proportions(
    p_a: float,
    p_b: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    two_sided: bool = True,
) -> SampleSizeResult:
    """Observations per arm for a two-proportion z-test to tell ``p_a`` from ``p_b``.

    Fleiss, Levin and Paik (2003, eq. 4.14, without continuity correction)::

        n_a = (z_a sqrt(pbar qbar (1 + 1/r)) + z_b sqrt(p_a q_a + p_b q_b / r))^2 / (p_b - p_a)^2

    with ``pbar = (p_a + r p_b) / (1 + r)`` and ``n_b = r n_a``, rounded up.

    >>> sample_size_proportions(0.10, 0.12).n_a
    3841
    >>> sample_size_proportions(0.10, 0.12, ratio=0.5).to_dict()["n_b"]
    2850
    """
    z_alpha, z_beta = _quantiles(alpha, power, two_sided)
    _check_ratio(ratio)
    for name, p in (("p_a", p_a), ("p_b", p_b)):
        if not 0.0 < p < 1.0:
            raise InputError(f"{name} is {p}; a rate for sample size is strictly between 0 and 1")
    if p_a == p_b:
        raise InputError("p_a equals p_b; give the smallest difference worth detecting")
    pbar = (p_a + ratio * p_b) / (1.0 + ratio)
    root = z_alpha * math.sqrt(pbar * (1.0 - pbar) * (1.0 + 1.0 / ratio)) + z_beta * math.sqrt(
        p_a * (1.0 - p_a) + p_b * (1.0 - p_b) / ratio
    )
    n_a = root**2 / (p_b - p_a) ** 2
    return SampleSizeResult(
        method="two_proportions",
        n_a=math.ceil(n_a),
        n_b=math.ceil(n_a * ratio),
        effect=p_b - p_a,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
    )


def sample_size_means(
    difference: float,
    sd_a: float,
    sd_b: float | None = None,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    two_sided: bool = True,
) -> SampleSizeResult:
    """Observations per arm for Welch's test to detect a difference of means.

    The normal approximation with unequal variances::

        n_a = (z_a + z_b)^2 (sd_a^2 + sd_b^2 / r) / difference^2,   n_b = r n_a

    (with ``sd_b = sd_a`` it is statsmodels' ``NormalIndPower`` for Cohen's
    ``d = difference / sd``). For a handful of observations per arm the t
    distribution would ask for one or two more.

    >>> sample_size_means(0.5, 2.0).n_a
    252
    >>> sample_size_means(0.5, 2.0, 3.0, ratio=2.0).n_b
    534
    """
    z_alpha, z_beta = _quantiles(alpha, power, two_sided)
    _check_ratio(ratio)
    sd_b = sd_a if sd_b is None else sd_b
    if not (sd_a > 0 and sd_b > 0):
        raise InputError(f"standard deviations must be positive; got {sd_a} and {sd_b}")
    if difference == 0 or not math.isfinite(difference):
        raise InputError(f"difference is {difference}; give the smallest effect worth detecting")
    n_a = (z_alpha + z_beta) ** 2 * (sd_a**2 + sd_b**2 / ratio) / difference**2
    return SampleSizeResult(
        method="two_means",
        n_a=math.ceil(n_a),
        n_b=math.ceil(n_a * ratio),
        effect=difference,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
    )
