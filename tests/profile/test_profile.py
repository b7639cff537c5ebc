"""Profiles: exact counts against numpy, merge = profile of the whole, format safety."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import ColumnError, InputError, ProfileFormatError
from watchkeeper.profile import (
    MIGRATIONS,
    Moments,
    NumericBins,
    Profile,
    ProfileBuilder,
    _format,
    merge_all,
    profile_source,
)
from watchkeeper.schema import ColumnKind, ColumnSpec, Schema

SCHEMA = Schema([ColumnSpec("x", ColumnKind.NUMERIC), ColumnSpec("c", ColumnKind.CATEGORICAL)])
BINS = {"x": NumericBins(np.array([-1.0, 0.0, 0.5, 2.0]), -3.0, 3.0)}


def _table(x: list[float | None], c: list[str | None]) -> pa.Table:
    return pa.table({"x": pa.array(x, pa.float64()), "c": pa.array(c, pa.string())})


def _profile(table: pa.Table) -> Profile:
    builder = ProfileBuilder(SCHEMA, bins_from=BINS)
    builder.update(table)
    return builder.build()


def test_numeric_counts_match_a_hand_count() -> None:
    schema = Schema([ColumnSpec("x", ColumnKind.NUMERIC)])
    floats = ProfileBuilder(schema)
    floats.update({"x": pa.array([1.5, None, np.nan, np.inf, -np.inf, 0.5], pa.float64())})
    col = floats.build()["x"]
    # 6 rows: 1 null, 1 NaN, 1 +inf, 1 -inf, 2 finite (0.5 and 1.5).
    assert (col.n_rows, col.n_null, col.n_nan, col.n_pos_inf, col.n_neg_inf) == (6, 1, 1, 1, 1)
    assert (col.n_finite, col.min, col.max, col.moments.mean) == (2, 0.5, 1.5, 1.0)
    text = ProfileBuilder(schema)
    text.update({"x": ["1.5", "zz", None, "n/a", "0.5"]})
    col = text.build()["x"]
    # Text that is not a number is a type mismatch; the batch's first example is kept.
    assert (col.n_null, col.n_type_mismatch, col.first_mismatch, col.n_finite) == (1, 2, "zz", 2)


def test_histogram_and_range_counts_match_numpy(rng: np.random.Generator) -> None:
    x = rng.normal(size=5000)
    col = _profile(_table(x.tolist(), ["a"] * 5000))["x"]
    # Bins (-inf, -1], (-1, 0], (0, 0.5], (0.5, 2], (2, inf): numpy's right-closed count.
    edges = np.array([-np.inf, -1.0, 0.0, 0.5, 2.0, np.inf])
    expected = [int(np.sum((x > lo) & (x <= hi))) for lo, hi in itertools.pairwise(edges)]
    assert col.counts.tolist() == expected
    assert (col.n_below, col.n_above) == (int(np.sum(x < -3.0)), int(np.sum(x > 3.0)))


def test_moments_match_numpy_on_a_large_offset(rng: np.random.Generator) -> None:
    x = 1e6 + rng.normal(size=10_000)
    parts = [Moments.of(p) for p in np.array_split(x, 7)]
    m = parts[0]
    for p in parts[1:]:
        m = m.merge(p)
    assert m.mean == pytest.approx(float(np.mean(x)), rel=1e-15)
    # x - 1e6 is exact (Sterbenz), so numpy's variance of it is the reference; the
    # textbook sum(x**2) - n mean**2 would be off by about 1e-4 here.
    assert m.variance(ddof=1) == pytest.approx(float(np.var(x - 1e6, ddof=1)), rel=1e-9)


values = st.lists(
    st.one_of(
        st.none(),
        st.floats(allow_nan=False, width=64, min_value=-1e6, max_value=1e6),
        st.sampled_from([float("nan"), float("inf"), -1.0, 0.0, 0.5]),
    ),
    min_size=0,
    max_size=60,
)
cats = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])), max_size=60)


def _exact(p: Profile) -> tuple[object, ...]:
    x, c = p["x"], p["c"]
    return (
        p.n_rows,
        x.n_rows, x.n_null, x.n_nan, x.n_pos_inf, x.n_neg_inf, x.n_finite, x.min, x.max,
        x.counts.tolist(), x.n_below, x.n_above,
        c.n_rows, c.n_null, dict(c.counts),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(a=values, b=values, c=values, cut=st.integers(0, 60))
def test_merge_of_parts_equals_profile_of_whole(
    a: list[float | None], b: list[float | None], c: list[float | None], cut: int
) -> None:
    whole_x = a + b + c
    labels = (["a", "b", None, "c"] * 60)[: len(whole_x)]
    parts = [(a, 0), (b, len(a)), (c, len(a) + len(b))]
    profiles = [_profile(_table(x, labels[o : o + len(x)])) for x, o in parts]
    whole = _profile(_table(whole_x, labels))
    left = merge_all([profiles[0], merge_all(profiles[1:])])
    right = merge_all([profiles[2], profiles[0], profiles[1]])
    assert _exact(left) == _exact(whole) == _exact(right)
    mw, ml = whole["x"].moments, left["x"].moments
    assert ml.mean == pytest.approx(mw.mean, rel=1e-12, abs=1e-9)
    assert ml.m2 == pytest.approx(mw.m2, rel=1e-12, abs=1e-6)


def test_independent_references_merge_within_the_stated_bound(rng: np.random.Generator) -> None:
    x = rng.lognormal(size=200_000)
    parts = [profile_source({"x": p}) for p in np.array_split(x, 5)]
    merged = merge_all(parts)["x"]
    whole = profile_source({"x": x})["x"]
    assert (merged.min, merged.max, merged.n_finite) == (whole.min, whole.max, x.size)
    assert merged.counts is not None and int(merged.counts.sum()) == x.size
    # Every cumulative share read from the re-binned histogram is within the bound.
    assert merged.bins is not None and 0 < merged.approximate < 0.01
    exact = np.searchsorted(np.sort(x), merged.bins.edges, side="right") / x.size
    read = np.cumsum(merged.counts)[:-1] / x.size
    assert float(np.max(np.abs(exact - read))) <= merged.approximate


def test_merging_different_bins_or_kinds_names_the_column() -> None:
    p1 = _profile(_table([1.0], ["a"]))
    other = ProfileBuilder(SCHEMA, bins_from={"x": NumericBins(np.array([9.0]), 0.0, 1.0)})
    other.update(_table([1.0], ["a"]))
    # Different edges are not a mismatch: the kept values re-bin exactly.
    merged = p1.merge(other.build())["x"]
    assert merged.n_finite == 2 and merged.approximate == 0.0
    as_text = ProfileBuilder(
        Schema([ColumnSpec("x", ColumnKind.CATEGORICAL), ColumnSpec("c", ColumnKind.CATEGORICAL)])
    )
    as_text.update(_table([1.0], ["a"]))
    with pytest.raises(ColumnError, match=r"'x' is numeric in one profile's schema.*--reference"):
        p1.merge(as_text.build())


def test_categories_beyond_the_cap_switch_to_sketches() -> None:
    labels = [f"id{i}" for i in range(3000)] + ["hot"] * 2000
    builder = ProfileBuilder(Schema([ColumnSpec("c", ColumnKind.CATEGORICAL)]), category_cap=100)
    for chunk in np.array_split(np.array(labels), 4):
        builder.update({"c": chunk.tolist()})
    col = builder.build()["c"]
    assert col.counts is None and col.n_present == 5000
    assert col.n_distinct() == pytest.approx(3001, rel=0.05)
    categories, counts = col.ordered()
    assert categories[0] == "hot" and counts[0] == 2000


def test_segments_profile_each_value(rng: np.random.Generator) -> None:
    region = rng.choice(["eu", "us"], 1000)
    p = profile_source({"x": rng.normal(size=1000), "region": region}, segments=["region"])
    assert sorted(p.segments) == [("eu",), ("us",)]
    assert p.segments[("eu",)].n_rows == int(np.sum(region == "eu"))
    assert sum(s["x"].counts.sum() for s in p.segments.values()) == 1000


def test_streamed_files_equal_the_table(rng: np.random.Generator, tmp_path: Path) -> None:
    table = pa.table({"x": rng.normal(size=3000), "c": rng.choice(["a", "b"], 3000)})
    for i, start in enumerate((0, 1000, 2000)):
        pq.write_table(table.slice(start, 1000), tmp_path / f"part{i}.parquet")
    ref = profile_source(table)
    streamed = profile_source(str(tmp_path / "*.parquet"), bins_from=ref, batch_size=256)
    in_memory = profile_source(table, bins_from=ref)
    assert streamed["x"].counts.tolist() == in_memory["x"].counts.tolist()
    assert streamed["c"].counts == in_memory["c"].counts
    assert streamed.n_rows == 3000


def test_format_round_trip_and_json(rng: np.random.Generator) -> None:
    p = profile_source({"x": rng.normal(size=2000), "c": rng.choice(["a", "b"], 2000)})
    back = Profile.from_bytes(p.to_bytes())
    assert back["x"].counts.tolist() == p["x"].counts.tolist()
    assert back["x"].bins == p["x"].bins and back["c"].counts == p["c"].counts
    assert back["x"].quantile(0.5) == p["x"].quantile(0.5)
    assert p.to_dict()["columns"][0]["name"] == "x"
    # At most 30 KB per numeric column, whatever the row count.
    assert len(profile_source({"x": rng.normal(size=200_000)}).to_bytes()) < 30_000


def test_bad_files_fail_with_the_file_and_the_reason(tmp_path: Path) -> None:
    data = _profile(_table([1.0, 2.0], ["a", "b"])).to_bytes()
    path = tmp_path / "p.wkp"
    path.write_bytes(data[:-10])
    with pytest.raises(ProfileFormatError, match=r"p\.wkp: truncated"):
        Profile.load(path)
    damaged = bytearray(data)
    damaged[-5] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(ProfileFormatError, match="checksum mismatch"):
        Profile.load(path)
    path.write_bytes(b"x,y\n1,2\n" * 10)
    with pytest.raises(ProfileFormatError, match="wrong magic bytes"):
        Profile.load(path)
    newer = data[:8] + struct.pack("<H", 99) + data[10:]
    with pytest.raises(ProfileFormatError, match="format version 99, newer"):
        Profile.from_bytes(newer)


def _as_version_1(profile: Profile) -> bytes:
    """The bytes a version-1 writer made: a KLL sketch, no kept values or bound."""
    import json
    import zlib

    blobs = bytearray()
    doc = _format._pack(_format._profile_doc(profile), blobs)
    for column in doc["columns"]:
        if column["type"] == "numeric":
            del column["values"], column["approximate"], column["sums"]
            column["kll_k"], column["sketch"] = 200, {"$bytes": [0, 0]}
    text = json.dumps(doc, separators=(",", ":")).encode()
    payload = zlib.compress(struct.pack("<I", len(text)) + text + bytes(blobs))
    header = struct.pack("<8sHHQI", _format.MAGIC, 1, 1, len(payload), zlib.crc32(payload))
    return header + payload


def test_an_older_version_loads_through_its_migration() -> None:
    ref = profile_source({"x": np.arange(20_000.0)})
    old = Profile.from_bytes(_as_version_1(ref), source="v1.wkp")
    # The histogram survives; the values a version-1 file never kept are absent.
    assert old["x"].bins == ref["x"].bins and old["x"].values is None
    assert np.array_equal(old["x"].counts, ref["x"].counts)
    assert _format.FORMAT_VERSION == 2 and set(MIGRATIONS) == {1}


def test_a_missing_segment_column_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="segment column 'zone'"):
        profile_source({"x": [1.0, 2.0]}, segments=["zone"])


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=40, unique=True),
    extra=st.lists(st.floats(-1e13, 1e13), max_size=60),
    picks=st.lists(st.integers(0, 39), max_size=20),
)
def test_grid_lookup_counts_equal_a_binary_search(
    edges: list[float], extra: list[float], picks: list[int]
) -> None:
    inner = np.sort(np.asarray(edges))
    # Values exactly on edges and just beside them are where a grid could go wrong.
    on_edges = inner[[p % inner.size for p in picks]]
    values = np.concatenate((np.asarray(extra), on_edges, np.nextafter(on_edges, np.inf)))
    bins = NumericBins(inner, float(inner[0]), float(inner[-1]))
    counts, _, _ = bins.count(values)
    expected = np.bincount(np.searchsorted(inner, values, side="left"), minlength=inner.size + 1)
    assert counts.tolist() == expected.tolist()


@settings(max_examples=25, deadline=None)
@given(
    x=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000),
    cuts=st.lists(st.integers(0, 3000), max_size=4),
    q=st.floats(0.0, 1.0),
)
def test_merged_small_profiles_keep_exact_quantiles(
    x: list[float], cuts: list[int], q: float
) -> None:
    values = np.asarray(x)
    bounds = sorted({0, len(x), *(c % (len(x) + 1) for c in cuts)})
    parts = [
        profile_source({"x": values[a:b]}, bins_from={})
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]
    merged = merge_all(parts)["x"]
    # At most EXACT_VALUES values are kept, so quantiles are numpy's on the raw data.
    assert merged.values is not None
    assert merged.values.tolist() == np.sort(values).tolist()
    assert merged.quantile(q) == float(np.quantile(values, q))
