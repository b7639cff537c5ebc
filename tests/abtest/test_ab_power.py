"""Sample sizes against a textbook figure, a published rule of thumb and statsmodels' formula."""

from __future__ import annotations

import math

import pytest
from scipy import optimize, stats

from watchkeeper._exceptions import InputError
from watchkeeper.abtest import sample_size_means, sample_size_proportions

Z_975 = 1.959963984540054  # standard normal quantiles, from any table
Z_80 = 0.8416212335729143


def test_two_proportions_worked_example() -> None:
    # 10% vs 12% at alpha 0.05 (two-sided), power 0.8; Fleiss, Levin & Paik eq. 4.14 by hand:
    # pbar = 0.11; sqrt(2 * 0.11 * 0.89) = 0.442493; sqrt(0.09 + 0.1056) = 0.442267
    # n = (1.959964 * 0.442493 + 0.841621 * 0.442267)^2 / 0.02^2 = 3840.85 -> 3841 per arm
    hand = (
        Z_975 * math.sqrt(2 * 0.11 * 0.89) + Z_80 * math.sqrt(0.09 + 0.12 * 0.88)
    ) ** 2 / 0.02**2
    assert hand == pytest.approx(3840.85, abs=0.01)
    result = sample_size_proportions(0.10, 0.12)
    assert (result.n_a, result.n_b, result.total) == (3841, 3841, 7682)
    # Symmetric in the two rates.
    assert sample_size_proportions(0.12, 0.10).n_a == 3841


def test_two_proportions_near_other_approximations() -> None:
    n = sample_size_proportions(0.10, 0.12).n_a
    # Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments: n = 16 s^2 / delta^2.
    assert n == pytest.approx(16 * 0.10 * 0.90 / 0.02**2, rel=0.1)
    # statsmodels' NormalIndPower on Cohen's h (arcsine transform), written out: 3835.
    h = 2 * math.asin(math.sqrt(0.12)) - 2 * math.asin(math.sqrt(0.10))
    assert n == pytest.approx(2 * ((Z_975 + Z_80) / h) ** 2, rel=0.005)


def _normal_ind_power_nobs1(d: float, alpha: float, power: float, ratio: float) -> float:
    # statsmodels.stats.power.NormalIndPower().solve_power(effect_size=d, alpha, power,
    # ratio), written out: power(n) = Phi(d sqrt(n1 / (1 + 1/ratio)) - z) + Phi(-... - z).
    z = stats.norm.isf(alpha / 2)

    def gap(n1: float) -> float:
        shift = d * math.sqrt(n1 / (1 + 1 / ratio))
        return stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift) - power

    return float(optimize.brentq(gap, 2, 1e9))


@pytest.mark.parametrize(
    ("difference", "sd", "alpha", "power", "ratio"),
    [(0.5, 2.0, 0.05, 0.8, 1.0), (0.1, 1.0, 0.01, 0.9, 1.0), (3.0, 10.0, 0.05, 0.8, 0.25)],
)
def test_two_means_match_normal_ind_power(
    difference: float, sd: float, alpha: float, power: float, ratio: float
) -> None:
    result = sample_size_means(difference, sd, alpha=alpha, power=power, ratio=ratio)
    expected = _normal_ind_power_nobs1(difference / sd, alpha, power, ratio)
    assert result.n_a == math.ceil(expected)
    assert result.n_b == math.ceil(result.n_a * ratio) or result.n_b == math.ceil(expected * ratio)


def test_unequal_variances_add_up() -> None:
    # n_a = (z_a + z_b)^2 (sd_a^2 + sd_b^2 / r) / delta^2, by hand.
    r = sample_size_means(1.0, 2.0, 4.0, ratio=2.0)
    assert r.n_a == math.ceil((Z_975 + Z_80) ** 2 * (4.0 + 16.0 / 2.0) / 1.0)
    one_sided = sample_size_means(1.0, 2.0, 4.0, ratio=2.0, two_sided=False)
    assert one_sided.n_a < r.n_a


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InputError, match="p_a equals p_b"):
        sample_size_proportions(0.1, 0.1)
    with pytest.raises(InputError, match="strictly between 0 and 1"):
        sample_size_proportions(0.0, 0.1)
    with pytest.raises(InputError, match="power"):
        sample_size_means(1.0, 1.0, power=80)
    with pytest.raises(InputError, match="ratio"):
        sample_size_means(1.0, 1.0, ratio=0)
    with pytest.raises(InputError, match="standard deviations"):
        sample_size_means(1.0, -1.0)
