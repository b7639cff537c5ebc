"""Finite values far from the reference (beyond about 1e154, where a square overflows)
never lose a profile and never make it depend on how the rows were chunked.

Expected moments come from Fractions: the mean is the pivot plus the exact mean of the
deviations ``fl(v - pivot)`` (each rounded once, as for ordinary data), and the standard
deviation is the square root of the exact variance of those deviations.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.profile import Profile, ProfileBuilder, merge_all, profile_source
from watchkeeper.profile._numeric import NumericProfile
from watchkeeper.profile._sums import ExactSums

MAX = np.finfo(np.float64).max


def _reference() -> Profile:
    rng = np.random.default_rng(7)
    return profile_source({"x": rng.normal(0.0, 1.0, size=2_000), "y": rng.normal(size=2_000)})


def _extreme(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(0.0, 1.0, size=n)
    picks = rng.choice([1e200, -1e200, 3.5e250, -2e154, 1e154, MAX, -MAX, 1e-300], size=n // 3)
    values[: picks.size] = picks
    rng.shuffle(values)
    return values


def _sdk_profile(reference: Profile, chunks: list[np.ndarray]) -> Profile:
    """As client/_profile_mode.py does: one builder on the reference's bins, a table a flush."""
    builder = ProfileBuilder(reference.schema, bins_from=reference)
    for chunk in chunks:
        builder.update(pa.table({"x": chunk, "y": np.zeros(chunk.size)}))
    return builder.build()


def _splits(values: np.ndarray) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(3)
    cuts = np.sort(rng.choice(np.arange(1, values.size), size=6, replace=False))
    return [
        [values],
        np.array_split(values, 2),
        [values[i : i + 1] for i in range(values.size)],
        np.split(values, cuts),
    ]


def _expected(values: np.ndarray, pivot: float) -> tuple[float, float]:
    deviations: list[Fraction] = []
    for v in values.tolist():
        d = v - pivot
        deviations.append(Fraction(d) if math.isfinite(d) else Fraction(v) - Fraction(pivot))
    n = len(deviations)
    mean_d = sum(deviations, Fraction(0)) / n
    variance = sum(((d - mean_d) ** 2 for d in deviations), Fraction(0)) / (n - 1)
    k = (variance.numerator.bit_length() - variance.denominator.bit_length()) // 2
    std = math.ldexp(math.sqrt(float(variance / Fraction(4) ** k)), k)
    return float(Fraction(pivot) + mean_d), std


def test_extreme_values_profile_round_trips_and_does_not_depend_on_chunking() -> None:
    reference = _reference()
    values = _extreme(60)
    profiles = [_sdk_profile(reference, chunks) for chunks in _splits(values)]
    merged = [
        merge_all(_sdk_profile(reference, [chunk]) for chunk in chunks)
        for chunks in _splits(values)
    ]
    data = profiles[0].to_bytes()
    first = profiles[0]["x"]
    assert isinstance(first, NumericProfile)
    for profile in profiles + merged:
        assert profile.to_bytes() == data
        # Merge-equal: the same exact sums, moments and histogram in memory too.
        col = profile["x"]
        assert isinstance(col, NumericProfile)
        assert col.sums == first.sums and col.moments == first.moments
        assert col.counts is not None and first.counts is not None
        assert np.array_equal(col.counts, first.counts)
    back = Profile.from_bytes(data)
    assert back.to_bytes() == data
    col = back["x"]
    assert isinstance(col, NumericProfile)
    assert col.sums is not None and not col.sums.overflow
    mean, std = _expected(values, col.sums.pivot)
    for c in (col, profiles[0]["x"], merged[2]["x"]):
        assert isinstance(c, NumericProfile)
        assert c.moments.mean == mean
        assert not math.isnan(c.moments.m2)
        got = c.moments.std(ddof=1)
        assert got is not None and math.isclose(got, std, rel_tol=1e-15)
    # The mean is close to the true one (each deviation rounded once).
    true_mean = float(sum(map(Fraction, values.tolist()), Fraction(0)) / values.size)
    assert abs(mean - true_mean) <= MAX * 2.0**-52
    assert col.n_finite == values.size and col.max == MAX and col.min == -MAX


def test_values_near_1e200_have_a_finite_m2_only_when_it_fits() -> None:
    reference = _reference()
    values = np.array([1e200, -1e200, 1.0, 2.0, 1e200])
    profile = _sdk_profile(reference, [values])
    col = profile["x"]
    assert isinstance(col, NumericProfile)
    # m2 (about 2.7e400) exceeds the float range: written "inf", std still exact.
    assert math.isinf(col.moments.m2)
    back = Profile.from_bytes(profile.to_bytes())["x"]
    assert isinstance(back, NumericProfile)
    assert col.sums is not None
    mean, std = _expected(values, col.sums.pivot)
    assert back.moments.mean == col.moments.mean == mean
    assert back.moments.std(ddof=1) == col.moments.std(ddof=1)
    assert math.isclose(col.moments.std(ddof=1) or 0.0, std, rel_tol=1e-15)
    assert back.moments.variance(ddof=1) == math.inf  # about 7e399: beyond the float range


@pytest.mark.parametrize("scale", [1e155, 1e200, 1e300])
def test_reference_of_extreme_values(scale: float) -> None:
    rng = np.random.default_rng(11)
    values = rng.normal(0.0, 1.0, size=500) * scale
    whole = profile_source({"x": values})
    data = whole.to_bytes()
    assert Profile.from_bytes(data).to_bytes() == data
    parts = [profile_source({"x": part}, bins_from=whole) for part in np.array_split(values, 7)]
    again = profile_source({"x": values}, bins_from=whole)
    assert merge_all(parts).to_bytes() == again.to_bytes()
    col = whole["x"]
    assert isinstance(col, NumericProfile) and col.sums is not None
    mean, std = _expected(values, col.sums.pivot)
    assert col.moments.mean == mean
    assert math.isclose(col.moments.std(ddof=1) or 0.0, std, rel_tol=1e-15)


def test_deviations_beyond_the_float_range_are_summed_exactly() -> None:
    # Pivot -MAX: MAX - pivot overflows, so that deviation and its square are exact integers.
    values = np.array([MAX, 1.0, -5e300, 2e200, MAX, -MAX])
    pivot = float(-MAX)
    whole = ExactSums.of(values, pivot)
    assert whole == ExactSums.of(values, pivot, (float(values.min()), float(values.max())))
    parts = [ExactSums.of(values[i : i + 1], pivot) for i in range(values.size)]
    merged = parts[0]
    for part in parts[1:]:
        step = merged.merge(part)
        assert step is not None
        merged = step
    assert merged == whole and not whole.overflow
    deviations = []
    for v in values.tolist():
        d = v - pivot
        deviations.append(Fraction(d) if math.isfinite(d) else Fraction(v) - Fraction(pivot))
    assert Fraction(whole.s1, 2**1126) == sum(deviations, Fraction(0))
    assert Fraction(whole.s2, 2**1126) == sum((d * d for d in deviations), Fraction(0))
    mean, std = _expected(values, pivot)
    moments = whole.moments()
    assert moments.mean == mean
    assert math.isclose(moments.std(ddof=1) or 0.0, std, rel_tol=1e-15)


def test_reference_near_the_float_range_and_current_at_its_ends() -> None:
    # The reference's minimum -1e307 is the pivot: MAX - pivot overflows (exact integers).
    rng = np.random.default_rng(5)
    ref_values = rng.normal(size=1_000)
    ref_values[:2] = [-1e307, 1e307]
    reference = profile_source({"x": ref_values, "y": rng.normal(size=1_000)})
    values = rng.normal(size=90)
    values[::3], values[1::3] = MAX, -MAX
    data = _sdk_profile(reference, [values]).to_bytes()
    for chunks in _splits(values):
        assert _sdk_profile(reference, chunks).to_bytes() == data
        assert merge_all(_sdk_profile(reference, [c]) for c in chunks).to_bytes() == data
    col = Profile.from_bytes(data)["x"]
    assert isinstance(col, NumericProfile) and col.sums is not None
    mean, std = _expected(values, float(col.sums.pivot))
    assert col.moments.mean == mean
    assert math.isclose(col.moments.std(ddof=1) or 0.0, std, rel_tol=1e-15)
    assert (col.n_below, col.n_above) == (30, 30)


def test_a_reference_wider_than_the_doubles_is_binned_and_compared() -> None:
    # min -MAX and max MAX: the range itself overflows a double (its grid used to
    # compute NaN cells and fail in numpy.bincount).
    rng = np.random.default_rng(6)
    ref_values = np.concatenate([rng.normal(size=1_000), [-MAX, MAX]])
    reference = profile_source({"x": ref_values})
    col = reference["x"]
    assert isinstance(col, NumericProfile)
    assert col.moments.n == 1_002
    values = np.concatenate([rng.normal(size=500), [MAX, -MAX, 1e300]])
    data = _sdk_profile(reference, [values]).to_bytes()
    for chunks in _splits(values):
        assert _sdk_profile(reference, chunks).to_bytes() == data
    current = Profile.from_bytes(data)["x"]
    assert isinstance(current, NumericProfile)
    assert current.moments.n == 503
    assert current.moments.mean == float(sum(map(Fraction, values.tolist())) / 503)
