"""Profiles keep their promise: the same rows give the same bytes and the same numbers,
whatever the run, the batch size or the partitioning, and every path bins alike."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from watchkeeper.drift import DriftPolicy, detect_drift
from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.profile import NumericBins, Profile, ProfileBuilder, merge_all, profile_source
from watchkeeper.profile._sums import ExactSums, exact_sum
from watchkeeper.stats import bin_counts, quantile_edges
from watchkeeper.stats._binning import GRID_CELLS, grid_cells, reference_edges

BINNED = ["psi", "jensen_shannon", "hellinger", "kl_divergence"]


def _table(rng: np.random.Generator, n: int, shift: float = 0.0) -> pa.Table:
    x = rng.lognormal(shift, 1.0, n)
    x[rng.random(n) < 0.01] = np.nan
    words = np.array(["alpha", "beta", "gamma"])
    return pa.table(
        {
            "x": x,
            "y": rng.normal(1e6 + shift, 1.0, n),
            "i": rng.integers(0, 50, n),
            "c": rng.choice(["a", "b", "c", "d"], n),
            "t": [" ".join(words[: k % 3 + 1]) for k in range(n)],
        }
    )


def test_two_runs_on_one_file_give_byte_identical_profiles(
    rng: np.random.Generator, tmp_path: Path
) -> None:
    path = tmp_path / "ref.parquet"
    pq.write_table(_table(rng, 50_000), path, row_group_size=7_000)
    first = profile_source(str(path)).to_bytes()
    assert profile_source(str(path)).to_bytes() == first
    # Batches of another size (and so other moment merges) give the same bytes too.
    assert profile_source(str(path), batch_size=3_001).to_bytes() == first


def test_any_partitioning_merges_to_the_same_bytes(rng: np.random.Generator) -> None:
    reference = _table(rng, 30_000)
    ref = profile_source(reference)
    current = _table(rng, 40_000, shift=0.2)
    whole = ProfileBuilder(bins_from=ref)
    whole.update(current)
    for cuts in ((0, 40_000), (0, 1, 17_000, 40_000), (0, 9_999, 10_000, 33_333, 40_000)):
        parts = [
            profile_source(current.slice(a, b - a), bins_from=ref)
            for a, b in itertools.pairwise(cuts)
        ]
        assert merge_all(parts).to_bytes() == whole.build().to_bytes(), cuts


def test_every_edge_is_the_last_float_of_its_cell(rng: np.random.Generator) -> None:
    # The property that makes counting by edges and counting by grid cells agree.
    values = np.sort(rng.standard_cauchy(20_000))
    low, high = float(values[0]), float(values[-1])
    edges, counts = reference_edges(values)
    cells = grid_cells(edges, low, high)
    after = grid_cells(np.nextafter(edges, np.inf), low, high)
    assert np.all(after == cells + 1) and np.all(cells < GRID_CELLS - 1)
    assert bin_counts(values, edges).tolist() == counts.tolist()
    recount, _, _ = NumericBins(edges, low, high).count(values)
    assert recount.tolist() == counts.tolist()


@pytest.mark.parametrize("n", [300, 200_000])
@pytest.mark.parametrize("method", BINNED)
def test_binned_statistics_are_equal_on_the_raw_and_profile_paths(
    rng: np.random.Generator, n: int, method: str
) -> None:
    reference, current = _table(rng, n), _table(rng, n, shift=0.05)
    policy = DriftPolicy.from_options(numeric_method=method)
    raw = detect_drift(reference.to_pandas(), current.to_pandas(), policy=policy)
    ref = profile_source(reference)
    prof = compare_profiles(ref, profile_source(current, bins_from=ref), policy)
    for name in ("x", "y", "i"):
        assert prof[name].statistic == pytest.approx(raw[name].statistic, rel=1e-12, abs=1e-15)
        assert prof[name].drifted == raw[name].drifted
        assert prof[name].comparison == "exact"
    assert prof.drifted_columns == raw.drifted_columns


def test_raw_edges_come_from_the_documented_rule_not_numpy_quantiles() -> None:
    # 1..10 cut in 5: the edge after the 2nd, 4th, 6th, 8th value, each the last float
    # of its grid cell (a hand computation: cell width 9 / 65536).
    edges = quantile_edges(np.arange(1.0, 11.0), n_bins=5)
    width = 9 / 65536
    expected = [1 + (np.floor((v - 1) / width) + 1) * width for v in (2.0, 4.0, 6.0, 8.0)]
    assert edges.tolist() == pytest.approx(expected, abs=1e-12)


def test_small_samples_use_scipys_exact_ks_on_every_path(rng: np.random.Generator) -> None:
    ref_x, cur_x = rng.normal(size=300), rng.normal(0.25, 1.0, size=250)
    want = stats.ks_2samp(ref_x, cur_x, method="auto")
    raw = detect_drift({"x": ref_x}, {"x": cur_x})["x"]
    ref = profile_source({"x": ref_x})
    via_profiles = compare_profiles(ref, profile_source({"x": cur_x}, bins_from=ref))["x"]
    saved = Profile.from_bytes(ref.to_bytes())
    via_files = compare_profiles(saved, profile_source({"x": cur_x}, bins_from=saved))["x"]
    for got in (raw, via_profiles, via_files):
        assert (got.statistic, got.p_value) == (want.statistic, want.pvalue)
        assert "KS p-value: exact" in (got.note or "")
        assert got.comparison == "exact"


def test_large_samples_state_the_asymptotic_ks_method(rng: np.random.Generator) -> None:
    ref = profile_source({"x": rng.normal(size=20_000)})
    cur = profile_source({"x": rng.normal(size=15_000)}, bins_from=ref)
    got = compare_profiles(ref, cur)["x"]
    assert "KS p-value: asymptotic" in (got.note or "")
    raw = detect_drift({"x": rng.normal(size=20_000)}, {"x": rng.normal(size=15_000)})["x"]
    assert "KS p-value: asymptotic" in (raw.note or "")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e150, 1e150), max_size=200))
def test_exact_sums_equal_the_rational_sum(values: list[float]) -> None:
    # The reference is Python's exact rational arithmetic.
    array = np.asarray(values, dtype=np.float64)
    exact = sum((Fraction(v) for v in values), Fraction(0))
    assert Fraction(exact_sum(array), 2**1126) == exact
    half = len(values) // 2
    merged = ExactSums.of(array[:half], 0.0).merge(ExactSums.of(array[half:], 0.0))
    assert merged == ExactSums.of(array, 0.0)


def test_squares_beyond_the_float_range_give_an_infinite_m2() -> None:
    # The squares are summed exactly (no overflow flag); m2 (2e400) exceeds the float
    # range: inf, its exact value kept for std() (tests/profile/test_extreme_values.py).
    sums = ExactSums.of(np.array([1e200, -1e200, 3.0]), 0.0)
    assert not sums.overflow and sums.moments().m2 == float("inf")
    assert sums.moments().mean == 1.0
    assert ExactSums.from_list(sums.to_list()) == sums


@settings(max_examples=60, deadline=None)
@given(
    centre=st.sampled_from([0.0, 1.0, -3e5, 1e9, 1e-300]),
    spread=st.sampled_from([1e-12, 1e-6, 1.0, 1e6]),
    n=st.integers(1, 3000),
    seed=st.integers(0, 2**32 - 1),
)
def test_edges_count_alike_by_cell_and_by_edge_at_any_scale(
    centre: float, spread: float, n: int, seed: int
) -> None:
    # Narrow ranges far from zero make cells narrower than the spacing of doubles.
    values = np.sort(centre + spread * np.random.default_rng(seed).standard_t(2, n))
    edges, counts = reference_edges(values)
    assert np.all(np.diff(edges) > 0)
    assert bin_counts(values, edges).tolist() == counts.tolist()


def test_a_constant_part_merges_exactly_with_a_spread_one(rng: np.random.Generator) -> None:
    constant = profile_source({"x": np.full(20_000, 3.0)})
    spread = profile_source({"x": rng.normal(size=20_000)})
    merged = merge_all([constant, spread])["x"]
    # Only the spread side's within-bin shape is uncertain: half the rows, ~0.1% each bin.
    assert merged.counts is not None and int(merged.counts.sum()) == 40_000
    assert 0 < merged.approximate < 0.002


@pytest.mark.parametrize("n", [300, 5_000])
def test_default_policy_results_are_identical_on_raw_data_and_profiles(
    rng: np.random.Generator, n: int
) -> None:
    # Small samples: profiles keep the values, so KS is scipy's exact test on them, and
    # categories tie-break by name on both paths: every number agrees to the last bit.
    reference, current = _table(rng, n), _table(rng, n, shift=0.1)
    schema = {"t": "text"}
    raw = detect_drift(reference, current, schema=schema)
    ref = Profile.from_bytes(profile_source(reference, schema=schema).to_bytes())
    prof = compare_profiles(ref, profile_source(current, bins_from=ref))
    assert [c.column for c in raw.columns] == [c.column for c in prof.columns]
    for a, b in zip(raw.columns, prof.columns, strict=True):
        assert (a.statistic, a.p_value, a.drifted) == (b.statistic, b.p_value, b.drifted)
    assert raw.drifted_columns == prof.drifted_columns


def test_a_segmented_reference_fixes_its_edges_first_with_the_same_result(
    rng: np.random.Generator,
) -> None:
    table = _table(rng, 20_000).append_column("s", pa.array(rng.choice(["n", "s"], 20_000)))
    direct = ProfileBuilder(
        segments=["s"],
        grids={
            name: (float(np.nanmin(table[name])), float(np.nanmax(table[name])))
            for name in ("x", "y", "i")
        },
    )
    direct.update(table)
    # profile_source reads three times (ranges, edges, counts); the bytes are the same.
    assert profile_source(table, segments=["s"]).to_bytes() == direct.build().to_bytes()
