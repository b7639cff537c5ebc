"""ProfileBuilder.update's fast paths give the same profiles, byte for byte.

The expected SHA-256 of each case's ``.wkp`` bytes was computed with the builder as it
was before the fast paths (commit 3a76ad2); the invariants below do not depend on the
builder's code: counts equal ``numpy.searchsorted`` on the same edges (bins
``(e_i, e_i+1]``), the exact sums round to ``math.fsum`` of the same deviations, and
min/max equal numpy's.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.profile import Profile, ProfileBuilder, profile_source
from watchkeeper.profile._numeric import NumericProfile
from watchkeeper.profile._sums import ExactSums, exact_sum


def _reference(seed: int) -> Profile:
    rng = np.random.default_rng(seed)
    data = {f"f{i}": rng.normal(i, 1 + i, size=20_000) for i in range(6)}
    data["ints"] = rng.integers(-50, 50, size=20_000)
    data["const"] = np.full(20_000, 3.25)
    data["huge"] = rng.normal(0, 1e150, size=20_000)
    data["cat"] = rng.choice(["a", "b", "c"], size=20_000)
    return profile_source(data)


def _current(seed: int, reference: Profile, n: int) -> dict[str, pa.Array]:
    rng = np.random.default_rng(seed + 1)
    edges = reference.bins["f1"].edges
    columns: dict[str, pa.Array] = {}
    for i in range(6):
        values = rng.normal(i + 0.3, 1 + i, size=n)
        if i == 1:
            # Values exactly on the reference's edges, and on its range's ends.
            on_edges = rng.choice(edges, size=n // 3)
            values[: on_edges.size] = on_edges
            values[-2:] = [reference.bins["f1"].low, reference.bins["f1"].high]
        if i == 2:
            special = rng.random(n)
            values[special < 0.05] = np.nan
            values[(special >= 0.05) & (special < 0.08)] = np.inf
            values[(special >= 0.08) & (special < 0.1)] = -np.inf
        if i == 3:
            values[::7] = rng.choice(
                [1e150, -1e150, 1e-300, 5e-324, -0.0, 1e-20], size=values[::7].size
            )
        mask = None
        if i == 4:
            mask = rng.random(n) < 0.1
        columns[f"f{i}"] = pa.array(values, mask=mask)
    columns["ints"] = pa.array(rng.integers(-80, 80, size=n))
    columns["const"] = pa.array(np.full(n, 3.25))
    columns["huge"] = pa.array(rng.normal(0, 1e150, size=n))
    columns["cat"] = pa.array(rng.choice(["a", "b", "d"], size=n))
    return columns


def _chunks(columns: dict[str, pa.Array], sizes: list[int]) -> Iterator[pa.Table]:
    table = pa.table(columns)
    start = 0
    for size in sizes:
        yield table.slice(start, size)
        start += size


_N = 20_000
_CHUNKINGS = {
    "8192": [8192, 8192, _N - 16384],
    "uneven": [0, 1, 1, 5000, 0, 7, 14991],
    "ones": [1] * 40 + [_N - 40],
}

# Computed before the fast paths (see the module docstring); re-derive with
# `python tests/profile/test_builder_fast.py` only if the format itself changes.
_EXPECTED = {
    0: "9f1635ee1bd7732ca89c712ca620dd50187b3af19d44e1fabcf8c394e0283ec3",
    7: "ac8c0ced359c23b2ed3c287475a685404511e697bb30d33f0f178150fad3e963",
}


def _build(seed: int, chunking: str) -> Profile:
    reference = _reference(seed)
    builder = ProfileBuilder(reference.schema, bins_from=reference)
    for chunk in _chunks(_current(seed, reference, _N), _CHUNKINGS[chunking]):
        builder.update(chunk)
    return builder.build()


def _digest(profile: Profile) -> str:
    return hashlib.sha256(profile.to_bytes()).hexdigest()


@pytest.mark.parametrize("seed", sorted(_EXPECTED))
@pytest.mark.parametrize("chunking", sorted(_CHUNKINGS))
def test_bytes_as_before(seed: int, chunking: str) -> None:
    assert _digest(_build(seed, chunking)) == _EXPECTED[seed]


@pytest.mark.parametrize("seed", sorted(_EXPECTED))
def test_reference_bytes_as_before(seed: int) -> None:
    assert _digest(_reference(seed)) == _REFERENCE[seed]


_REFERENCE = {
    0: "888f9fe37c02121008c1eff4e78d60e84847793e3dafc7965a895ee7d273b057",
    7: "324d422e2676249affced53b38a102b4de0a4d6491303fc1ccf26586c7d365a2",
}


@pytest.mark.parametrize("seed", [0, 7])
def test_invariants(seed: int) -> None:
    reference = _reference(seed)
    profile = _build(seed, "uneven")
    columns = _current(seed, reference, _N)
    for name, array in columns.items():
        column = profile[name]
        if not isinstance(column, NumericProfile):
            continue
        raw = array.to_numpy(zero_copy_only=False).astype(np.float64)
        raw = raw[~np.asarray(array.is_null())] if array.null_count else raw
        finite = raw[np.isfinite(raw)]
        assert column.n_finite == finite.size
        assert column.n_nan == int(np.isnan(raw).sum())
        assert column.n_pos_inf == int(np.isposinf(raw).sum())
        assert column.n_neg_inf == int(np.isneginf(raw).sum())
        assert column.min == finite.min() and column.max == finite.max()
        bins = column.bins
        assert bins is not None and column.counts is not None
        positions = np.searchsorted(bins.edges, finite, side="left")
        expected = np.bincount(positions, minlength=bins.n_bins)
        np.testing.assert_array_equal(column.counts, expected)
        assert column.n_below == int((finite < bins.low).sum())
        assert column.n_above == int((finite > bins.high).sum())
        sums = column.sums
        assert sums is not None
        with np.errstate(over="ignore", invalid="ignore"):
            deviations = finite - sums.pivot
            squares = deviations * deviations
        if not np.isfinite(squares).all():
            assert sums.overflow
            continue
        unit = Fraction(1, 1 << 1126)
        assert float(sums.s1 * unit) == math.fsum(deviations)
        assert float(sums.s2 * unit) == math.fsum(squares)


@pytest.mark.parametrize("seed", range(6))
def test_exact_sum_is_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pieces = [
        rng.normal(size=1000),
        rng.normal(size=1000) * 10.0 ** rng.integers(-300, 300, size=1000),
        np.array([5e-324, -5e-324, 1.7e308, -1.7e308, 0.0, -0.0, 1.0, 2.0**-1074]),
        np.full(3000, 0.1),
        rng.normal(size=70_000),
    ]
    values = np.concatenate(pieces)
    rng.shuffle(values)
    expected = sum(Fraction(v) for v in values.tolist())
    assert Fraction(exact_sum(values), 1 << 1126) == expected
    for piece in pieces:
        assert Fraction(exact_sum(piece), 1 << 1126) == sum(Fraction(v) for v in piece.tolist())
    assert exact_sum(np.empty(0)) == 0
    small = np.concatenate((pieces[0], pieces[3], pieces[4]))
    split = ExactSums.of(small[:500], 0.5).merge(ExactSums.of(small[500:], 0.5))
    assert split == ExactSums.of(small, 0.5)


if __name__ == "__main__":
    for seed in sorted(_EXPECTED):
        print(seed, {c: _digest(_build(seed, c)) for c in _CHUNKINGS}, _digest(_reference(seed)))


@pytest.mark.parametrize(
    "edges",
    [
        np.linspace(-3.0, 3.0, 999),
        np.append(np.linspace(0.0, 1.0, 200), 1e300),  # edges crowd into one cell
        np.array([0.0, 0.0, 1e-300, 1e-300, 2.0, 2.0, 2.0]),  # repeated edges
        np.array([1.0, 1.0 + 2.0**-52, 1.0 + 2.0**-51, 5.0]),  # three edges in one cell
        np.array([7.0]),
    ],
)
def test_counts_are_searchsorted(edges: np.ndarray) -> None:
    from watchkeeper.profile._numeric import NumericBins

    rng = np.random.default_rng(3)
    values = np.concatenate(
        (
            rng.normal(0, 2, 5000),
            rng.choice(edges, 500),
            np.nextafter(rng.choice(edges, 500), np.inf),
            np.nextafter(rng.choice(edges, 500), -np.inf),
            [-1e308, 1e308, 0.0, -0.0, 5e-324],
        )
    )
    bins = NumericBins(edges, float(edges[0]) - 1.0, float(edges[-1]))
    counts, below, above = bins.count(values)
    expected = np.bincount(np.searchsorted(edges, values, side="left"), minlength=bins.n_bins)
    np.testing.assert_array_equal(counts, expected)
    assert below == int((values < bins.low).sum()) and above == int((values > bins.high).sum())


@pytest.mark.parametrize("seed", range(40))
def test_exact_sum_below_is_exact(seed: int) -> None:
    from watchkeeper.profile._sums import exact_sum_below

    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 3, 100, 8192, 70_000]))
    spread = int(rng.integers(0, 120))
    centre = int(rng.integers(-1070, 900))
    values = rng.random(n) * 2.0 ** (centre + rng.integers(-spread, 1, size=n).astype(float))
    values = values[values > 0] * rng.choice([-1.0, 1.0]) if seed % 2 else values[values > 0]
    if values.size == 0:
        return
    magnitudes = np.abs(values)
    top, bottom = float(magnitudes.max()), float(magnitudes.min())
    expected = sum(Fraction(v) for v in values.tolist()) * (1 << 1126)
    assert exact_sum_below(values, top, bottom) == expected
    assert exact_sum_below(values, top) == expected
    if math.isfinite(top * top):
        squares = values * values
        assert exact_sum_below(squares, top * top, bottom * bottom) == exact_sum(squares)
