"""Spark profiles equal single-process profiles of the same rows, byte for byte
(local[2], one session).

The reference is watchkeeper's single-process builder, itself tested against numpy and
scipy in tests/profile. Nothing in a profile is random and the moments come from exact
sums, so the bytes do not depend on the partitioning.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.drift import DriftPolicy, compare_profiles, detect_drift
from watchkeeper.drift._policy import ColumnRule
from watchkeeper.integrations import spark as wk_spark
from watchkeeper.profile import ProfileBuilder, profile_source
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema

# Spark starts in about 6 s and each job takes a few: the module runs in about 50 s.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

N_ROWS = 20_000
PARTITIONS = 5

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
def tables() -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(20261126)
    return _table(rng, N_ROWS), _table(rng, N_ROWS, shift=0.3)


def _frame(spark: Any, table: pa.Table, partitions: int = PARTITIONS) -> Any:
    return spark.createDataFrame(table).repartition(partitions)


def test_profile_on_fixed_bins_equals_the_single_process_profile_byte_for_byte(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    ref = profile_source(reference, schema=SCHEMA)
    local = ProfileBuilder(SCHEMA, bins_from=ref, segments=["s"])
    local.update(current)
    distributed = wk_spark.profile(_frame(spark, current), bins_from=ref, segments=["s"])
    assert distributed.n_rows == N_ROWS
    assert set(distributed.segments) == {("north",), ("south",)}
    assert distributed.to_bytes() == local.build().to_bytes()


def test_a_reference_equals_profile_source_byte_for_byte(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, _ = tables
    local = profile_source(reference, schema=SCHEMA, segments=["s"])
    for partitions in (1, PARTITIONS):
        distributed = wk_spark.profile(_frame(spark, reference, partitions), SCHEMA, segments=["s"])
        assert distributed.to_bytes() == local.to_bytes(), partitions
    col = local["x"]
    assert col.bins is not None and col.bins.n_bins > 500


def test_a_small_reference_equals_profile_source_exactly(spark: Any) -> None:
    small = _table(np.random.default_rng(7), 900)
    distributed = wk_spark.profile(_frame(spark, small, partitions=3), SCHEMA, segments=["s"])
    local = profile_source(small, schema=SCHEMA, segments=["s"])
    assert distributed.to_bytes() == local.to_bytes()


def test_reference_then_current_gives_the_single_process_drift(
    spark: Any, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    spark_ref = wk_spark.profile(_frame(spark, reference), SCHEMA)
    spark_cur = wk_spark.profile(_frame(spark, current, partitions=7), bins_from=spark_ref)
    local_ref = profile_source(reference, schema=SCHEMA)
    local_cur = profile_source(current, bins_from=local_ref)
    # The raw path reads the same rows with the profiles' schema.
    keep = [spec.name for spec in SCHEMA if spec.name not in ("t", "s")]
    raw_ref, raw_cur = reference.select(keep), current.select(keep)
    raw_schema = Schema(spec for spec in SCHEMA if spec.name in keep)
    rules = (("psi", "psi"), ("jensen_shannon", "chisquare"), ("ks", "chisquare"))
    for numeric, categorical in rules:
        policy = DriftPolicy(numeric=ColumnRule(numeric), categorical=ColumnRule(categorical))
        got = compare_profiles(spark_ref, spark_cur, policy=policy)
        want = compare_profiles(local_ref, local_cur, policy=policy)
        from_raw = detect_drift(raw_ref, raw_cur, schema=raw_schema, policy=policy)
        assert got.drifted_columns == want.drifted_columns
        assert [c for c in want.drifted_columns if c in keep] == from_raw.drifted_columns
        for col in want.columns:
            assert got[col.column].statistic == col.statistic, col.column
            assert got[col.column].p_value == col.p_value, col.column
            if col.column in keep and (numeric != "ks" or col.kind != "numeric"):
                assert col.comparison == "exact"
                assert from_raw[col.column].statistic == pytest.approx(
                    col.statistic, rel=1e-12, abs=1e-15
                ), col.column
    assert "x" in got.drifted_columns


def test_pyspark_python_defaults_to_this_interpreter(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    wk_spark.profile(_frame(spark, _table(np.random.default_rng(1), 50)), SCHEMA)
    import os

    assert os.environ["PYSPARK_PYTHON"] == sys.executable


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
