"""Spark profiles equal single-process profiles of the same rows (local[2], one session).

The reference for every exact statistic is watchkeeper's single-process builder, itself
tested against numpy in tests/profile; edges and quantiles are checked against numpy's
ranks of the raw values, within DataSketches' stated KLL error.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.drift import DriftPolicy, compare_profiles
from watchkeeper.drift._policy import ColumnRule
from watchkeeper.integrations import spark as wk_spark
from watchkeeper.profile import Profile, ProfileBuilder, profile_source
from watchkeeper.profile._builder import EDGE_KLL_K
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema

# Spark starts in about 6 s and each job takes a few: the module runs in about 50 s.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

N_ROWS = 20_000
PARTITIONS = 5
# Sketch-valued fields differ run to run (KLL compacts at random); they are checked
# against raw ranks instead.
_SKETCHES = ("sketch", "frequent", "distinct")
_MOMENTS = ("moments", "lengths")

SCHEMA = Schema(
    [
        ColumnSpec("x", ColumnKind.NUMERIC),
        ColumnSpec("y", ColumnKind.NUMERIC),
        ColumnSpec("i", ColumnKind.NUMERIC),
        ColumnSpec("c", ColumnKind.CATEGORICAL),
        ColumnSpec("b", ColumnKind.BOOLEAN),
        ColumnSpec("t", ColumnKind.TEXT),
        ColumnSpec("s", ColumnKind.CATEGORICAL, ColumnRole.SEGMENT),
    ]
)


def _table(rng: np.random.Generator, n: int, shift: float = 0.0) -> pa.Table:
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.01] = np.nan
    x[rng.random(n) < 0.002] = np.inf
    x[rng.random(n) < 0.002] = -np.inf
    words = np.array(["alpha", "beta", "gamma", "delta"])
    return pa.table(
        {
            "x": pa.array(x, pa.float64(), mask=rng.random(n) < 0.02),
            "y": rng.lognormal(shift, 1.0, n),
            "i": rng.integers(0, 1000, n),
            "c": pa.array(
                rng.choice(["a", "b", "c", "d", "e"], n, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
                mask=rng.random(n) < 0.03,
            ),
            "b": rng.random(n) < 0.3 + shift / 10,
            "t": [" ".join(words[rng.integers(0, 4, k)]) for k in rng.integers(1, 12, n)],
            "s": rng.choice(["north", "south"], n),
        }
    )


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (java is not on PATH)")
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        # The executors' Python must be this one: it has watchkeeper and pyarrow.
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("watchkeeper-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "512m")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def tables() -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(20261126)
    return _table(rng, N_ROWS), _table(rng, N_ROWS, shift=0.3)


def _frame(spark: Any, table: pa.Table, partitions: int = PARTITIONS) -> Any:
    return spark.createDataFrame(table).repartition(partitions)


def _split(doc: Any, moments: list[tuple[str, list[float]]], path: str = "") -> Any:
    """The profile's JSON form without sketches, categories as a mapping (their order
    is the order first seen), and moments set aside for an approximate comparison."""
    if isinstance(doc, list):
        return [_split(item, moments, f"{path}[{i}]") for i, item in enumerate(doc)]
    if not isinstance(doc, dict):
        return doc
    out = {}
    for key, value in doc.items():
        if key in _SKETCHES:
            continue
        if key in _MOMENTS:
            moments.append((f"{path}.{key}", value))
        elif key == "categories":
            out[key] = dict(zip(value, doc["category_counts"], strict=True))
        elif key != "category_counts":
            out[key] = _split(value, moments, f"{path}.{key}")
    return out


def assert_same_exact_statistics(spark_profile: Profile, local: Profile) -> None:
    got_moments: list[tuple[str, list[float]]] = []
    want_moments: list[tuple[str, list[float]]] = []
    got = _split(spark_profile.to_dict(), got_moments)
    want = _split(local.to_dict(), want_moments)
    # Counts, nulls, NaN/inf, min, max, bins, histograms, categories, segments, types.
    assert got == want
    assert [path for path, _ in got_moments] == [path for path, _ in want_moments]
    for (path, (n, mean, m2)), (_, (n0, mean0, m20)) in zip(got_moments, want_moments, strict=True):
        assert n == n0, path
        assert mean == pytest.approx(mean0, rel=1e-12, abs=1e-12), path
        assert m2 == pytest.approx(m20, rel=1e-12, abs=1e-9), path


def _raw_rank(values: np.ndarray, point: float) -> tuple[float, float]:
    ordered = np.sort(values[np.isfinite(values)])
    low = np.searchsorted(ordered, point, side="left") / ordered.size
    high = np.searchsorted(ordered, point, side="right") / ordered.size
    return low, high


def _finite(table: pa.Table, name: str) -> np.ndarray:
    values = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
    return values[np.isfinite(values)]


def test_profile_on_fixed_bins_equals_the_single_process_profile(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    ref = profile_source(reference, schema=SCHEMA)
    local = ProfileBuilder(SCHEMA, bins_from=ref, segments=["s"])
    local.update(current)
    distributed = wk_spark.profile(_frame(spark, current), bins_from=ref, segments=["s"])
    assert distributed.n_rows == N_ROWS
    assert set(distributed.segments) == {("north",), ("south",)}
    assert_same_exact_statistics(distributed, local.build())
    # Quantiles come from merged partition sketches: within KLL's bound of raw ranks
    # (1.5 times the 99% bound, as tests/profile allows, so 1 run in 20 does not fail).
    for name in ("x", "y", "i"):
        col = distributed[name]
        eps = 1.5 * col.rank_error() + 1.0 / col.n_finite
        for q in (0.01, 0.25, 0.5, 0.75, 0.99):
            low, high = _raw_rank(_finite(current, name), col.quantile(q))
            assert low - eps <= q <= high + eps, (name, q)


def test_reference_edges_are_sketch_quantiles_and_counts_are_exact(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, _ = tables
    distributed = wk_spark.profile(_frame(spark, reference), SCHEMA)
    # Pass 2 counted on pass 1's edges: the same edges in one process count the same.
    local = ProfileBuilder(SCHEMA, bins_from=distributed.bins)
    local.update(reference)
    assert_same_exact_statistics(distributed, local.build())
    eps = 1.5 * _edge_rank_error()
    for name in ("x", "y", "i"):
        values = _finite(reference, name)
        col = distributed[name]
        assert col.bins is not None and col.counts is not None
        # The range is exact and the edges are the 1/1000 quantiles of a sketch, each
        # within its rank error: an inner bin holds at most 1/1000 + 2 eps of the values
        # (plus one repeated value for the integer column).
        assert (col.bins.low, col.bins.high) == (values.min(), values.max())
        assert col.bins.n_bins > 500
        assert np.all(np.diff(col.bins.edges) > 0)
        shares = col.counts[1:-1] / values.size
        assert shares.max() <= 1 / 1000 + 2 * eps + 1 / 900, name


def _edge_rank_error() -> float:
    from datasketches import kll_doubles_sketch

    return float(kll_doubles_sketch.get_normalized_rank_error(EDGE_KLL_K, False))


def test_a_small_reference_equals_profile_source_exactly(spark: Any) -> None:
    # Below k=1000 finite values per column the pass-1 sketch keeps every value, so the
    # edges are the exact quantiles in both processes and the whole profile agrees.
    small = _table(np.random.default_rng(7), 900)
    distributed = wk_spark.profile(_frame(spark, small, partitions=3), SCHEMA, segments=["s"])
    local = profile_source(small, schema=SCHEMA, segments=["s"])
    assert_same_exact_statistics(distributed, local)


def test_reference_then_current_gives_the_single_process_drift(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    spark_ref = wk_spark.profile(_frame(spark, reference), SCHEMA)
    spark_cur = wk_spark.profile(_frame(spark, current, partitions=7), bins_from=spark_ref)
    # The same reference edges in one process (KLL edges differ run to run by design).
    local_ref = ProfileBuilder(SCHEMA, bins_from=spark_ref.bins)
    local_ref.update(reference)
    local_cur = profile_source(current, bins_from=local_ref.build())
    for numeric, categorical in (("psi", "psi"), ("jensen_shannon", "chisquare")):
        policy = DriftPolicy(numeric=ColumnRule(numeric), categorical=ColumnRule(categorical))
        got = compare_profiles(spark_ref, spark_cur, policy)
        want = compare_profiles(local_ref.build(), local_cur, policy)
        assert got.drifted_columns == want.drifted_columns
        for col in want.columns:
            assert col.comparison == "exact"
            assert got[col.column].statistic == col.statistic, col.column
            assert got[col.column].p_value == col.p_value, col.column
    assert "x" in got.drifted_columns


def test_an_empty_dataframe_keeps_its_columns(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, _ = tables
    empty = wk_spark.profile(_frame(spark, reference).limit(0), SCHEMA)
    assert empty.n_rows == 0
    assert list(empty.columns) == SCHEMA.names
    assert empty["x"].n_finite == 0


def test_a_schema_column_missing_from_the_dataframe_is_named(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, _ = tables
    schema = Schema([*SCHEMA, ColumnSpec("age", ColumnKind.NUMERIC)])
    with pytest.raises(InputError, match="'age'"):
        wk_spark.profile(_frame(spark, reference), schema)


def test_without_pyspark_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependency, match=r"watchkeeper\[spark\]"):
        wk_spark.profile(object())
