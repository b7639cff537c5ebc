"""Profiles of Spark DataFrames: every partition profiled in parallel, merged on the driver.

Each partition streams its Arrow record batches (``DataFrame.mapInArrow``) through a
:class:`~watchkeeper.profile.ProfileBuilder` and emits one row holding its serialized
profile; the driver collects those rows and merges them (``merge_all``). Merging is exact
for every count, extreme, histogram and category count, so the result equals the
single-process profile of the same rows.

A reference (no ``bins_from``) takes three Spark jobs where :func:`profile_source` reads
its source twice, with the same result: job 1 finds each numeric column's exact finite
range; job 2 counts every partition on the grid of that range (exact counts, added on
the driver), from which the one deterministic edge rule of
:mod:`watchkeeper.stats._binning` fixes the edges; job 3 counts on those edges. Nothing
is random, so the same rows give the same edges whatever the partitioning. The DataFrame
is computed three times: ``df.cache()`` it first when that is expensive.

Executors must import watchkeeper with the driver's Python. When ``PYSPARK_PYTHON`` is
unset, :func:`profile` sets it to ``sys.executable`` before the first job (it takes
effect for a session created after that; a running session keeps its workers'
interpreter, which :func:`profile` checks with a clear error).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.profile import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_CATEGORY_CAP,
    NumericBins,
    NumericProfile,
    Profile,
    ProfileBuilder,
    merge_all,
)
from watchkeeper.schema import ColumnKind, Schema, infer_schema
from watchkeeper.stats._binning import GRID_CELLS, edges_from_grid, grid_counts

__all__ = ["DEFAULT_SAMPLE_ROWS", "profile", "use_driver_python"]

# Rows read on the driver to infer the schema when none is given; the schema's rules look
# at a column's type and, for strings, at the shape of its first values.
DEFAULT_SAMPLE_ROWS = 10_000
_OUTPUT = "profile binary"
_OUTPUT_SCHEMA = pa.schema([("profile", pa.binary())])
_GRID_OUTPUT = "name string, grid binary"
_GRID_SCHEMA = pa.schema([("name", pa.string()), ("grid", pa.binary())])

# Bins travel as plain arrays: a NumericBins that has counted caches a 65,536-cell lookup
# grid, which would otherwise be pickled into every task.
_PlainBins = dict[str, tuple[np.ndarray[Any, np.dtype[np.float64]], float, float]]


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise MissingDependency("pyspark", "spark") from None
    use_driver_python()
    return pyspark


def use_driver_python() -> str:
    """Set ``PYSPARK_PYTHON`` to this interpreter unless it is set; return its value.

    Workers of a SparkSession created afterwards run this Python, which can import
    watchkeeper (a running session keeps its workers' interpreter).
    """
    return os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def _probe(_: Any) -> str:
    try:
        import watchkeeper
    except ImportError:
        return f"missing:{sys.executable}"
    return f"ok:{watchkeeper.__name__}"


def _worker_python(df: Any) -> None:
    """Raise a clear error when the executors' Python cannot import watchkeeper."""
    session = df.sparkSession
    try:
        answer = session.sparkContext.parallelize([0], 1).map(_probe).collect()[0]
    except Exception as error:  # Spark wraps the worker's failure in its own types
        text = str(error)
        if "No module named 'watchkeeper'" not in text:
            raise
        answer = "missing:?"
    if answer.startswith("missing:"):
        raise InputError(
            f"the Spark executors' Python ({answer.removeprefix('missing:')}) cannot import "
            f"watchkeeper; set PYSPARK_PYTHON={sys.executable} before the SparkSession "
            "starts (watchkeeper sets it when it is unset), or install watchkeeper on the "
            "executors"
        )


def _plain(bins: Mapping[str, NumericBins]) -> _PlainBins:
    return {
        name: (np.asarray(b.edges, dtype=np.float64), b.low, b.high) for name, b in bins.items()
    }


def _profile_partition(
    batches: Iterator[pa.RecordBatch],
    *,
    schema: Schema,
    bins: _PlainBins,
    segments: tuple[str, ...],
    category_cap: int,
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: the profile of one partition, as one row of bytes (none for
    an empty partition).

    >>> from watchkeeper.schema import ColumnSpec
    >>> batches = [pa.record_batch({"x": [1.0, 2.0]}), pa.record_batch({"x": [4.0]})]
    >>> schema = Schema([ColumnSpec("x", ColumnKind.NUMERIC)])
    >>> [row] = _profile_partition(iter(batches), schema=schema, bins={}, segments=(),
    ...                            category_cap=100, batch_size=2)
    >>> part = Profile.from_bytes(row.column(0)[0].as_py())
    >>> part.n_rows, part["x"].max, round(part["x"].moments.mean, 3)
    (3, 4.0, 2.333)
    """
    builder = ProfileBuilder(
        schema,
        bins_from={name: NumericBins(*parts) for name, parts in bins.items()},
        segments=segments,
        category_cap=category_cap,
    )
    pending: list[pa.RecordBatch] = []
    n_pending = 0
    seen = False
    for batch in batches:
        if batch.num_rows == 0:
            continue
        # Spark cuts partitions into batches of 10,000 rows (arrow.maxRecordsPerBatch);
        # the builder's per-batch costs (one sketch update per column) favour larger ones.
        pending.append(batch)
        n_pending += batch.num_rows
        if n_pending >= batch_size:
            builder.update(pa.Table.from_batches(pending))
            pending, n_pending, seen = [], 0, True
    if pending:
        builder.update(pa.Table.from_batches(pending))
        seen = True
    if seen:
        data = pa.array([builder.build().to_bytes()], pa.binary())
        yield pa.RecordBatch.from_arrays([data], schema=_OUTPUT_SCHEMA)


def _sample(df: Any, rows: int) -> pa.Table:
    """The first ``rows`` rows as an Arrow table (``rows=0``: the empty table with the
    DataFrame's Arrow types)."""
    limited = df.limit(rows)
    if hasattr(limited, "toArrow"):  # pyspark >= 4.0
        table = limited.toArrow()
        assert isinstance(table, pa.Table)
        return table
    from watchkeeper.io import to_table

    return to_table(limited.toPandas())


def _resolve_schema(
    df: Any,
    schema: Schema | Mapping[str, Any] | None,
    bins_from: Profile | Mapping[str, NumericBins] | None,
    sample_rows: int,
) -> Schema:
    if isinstance(schema, Schema):
        return schema
    if schema is None and isinstance(bins_from, Profile):
        return bins_from.schema
    return infer_schema(_sample(df, sample_rows), schema)


def _run(df: Any, schema: Schema, bins: Mapping[str, NumericBins], **options: Any) -> list[Profile]:
    """One Spark job: a profile per non-empty partition, collected on the driver."""
    task = partial(_profile_partition, schema=schema, bins=_plain(bins), **options)
    # PySpark broadcasts a task's pickled closure once it exceeds 1 MB, so reference
    # edges (8 KB per numeric column) reach the executors once, not once per task.
    rows = df.mapInArrow(task, _OUTPUT).collect()
    return [Profile.from_bytes(bytes(row[0]), source="a Spark partition") for row in rows]


def _grid_partition(
    batches: Iterator[pa.RecordBatch], *, ranges: dict[str, tuple[float, float]]
) -> Iterator[pa.RecordBatch]:
    """Runs on an executor: one partition's exact counts on every numeric column's grid.

    >>> batches = iter([pa.record_batch({"x": [0.0, 1.0, float("nan")]})])
    >>> [out] = _grid_partition(batches, ranges={"x": (0.0, 1.0)})
    >>> out.column(0).to_pylist(), int(np.frombuffer(out.column(1)[0].as_py(), "<i8").sum())
    (['x'], 2)
    """
    from watchkeeper.io._columns import _as_float

    grids = {name: np.zeros(GRID_CELLS, dtype=np.int64) for name in ranges}
    for batch in batches:
        for name, (low, high) in ranges.items():
            as_float, _, _ = _as_float(pa.chunked_array([batch.column(name)]))
            values = np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)
            grids[name] += grid_counts(values[np.isfinite(values)], low, high)
    names = pa.array(list(grids), pa.string())
    data = pa.array([grid.astype("<i8").tobytes() for grid in grids.values()], pa.binary())
    yield pa.RecordBatch.from_arrays([names, data], schema=_GRID_SCHEMA)


def _edges(df: Any, schema: Schema, batch_size: int) -> dict[str, NumericBins]:
    """Jobs 1 and 2 of a reference: exact finite ranges, then exact grid counts added
    on the driver, which fix the edges by the deterministic rule."""
    numeric = Schema(spec for spec in schema if spec.kind == ColumnKind.NUMERIC)
    if not len(numeric):
        return {}
    selected = df.select(*numeric.names)
    parts = _run(
        selected,
        numeric,
        {},
        segments=(),
        category_cap=DEFAULT_CATEGORY_CAP,
        batch_size=batch_size,
    )
    ranges: dict[str, tuple[float, float]] = {}
    for name, col in (merge_all(parts).columns if parts else {}).items():
        if isinstance(col, NumericProfile) and col.min is not None and col.max is not None:
            ranges[name] = (col.min, col.max)
    if not ranges:
        return {}
    task = partial(_grid_partition, ranges=ranges)
    totals = {name: np.zeros(GRID_CELLS, dtype=np.int64) for name in ranges}
    for row in selected.select(*ranges).mapInArrow(task, _GRID_OUTPUT).collect():
        totals[row[0]] += np.frombuffer(bytes(row[1]), dtype="<i8")
    bins: dict[str, NumericBins] = {}
    for name, (low, high) in ranges.items():
        edges, _ = edges_from_grid(totals[name], low, high)
        bins[name] = NumericBins(edges, low, high)
    return bins


def profile(
    df: Any,
    schema: Schema | Mapping[str, Any] | None = None,
    *,
    bins_from: Profile | Mapping[str, NumericBins] | None = None,
    segments: Sequence[str] = (),
    category_cap: int = DEFAULT_CATEGORY_CAP,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
) -> Profile:
    """The profile of a Spark DataFrame ``df``, equal to profiling its rows in one process.

    ``schema`` is a :class:`~watchkeeper.schema.Schema`, overrides for inference
    (``{"age": "categorical"}``), or None: inferred on the driver from the first
    ``sample_rows`` rows (or taken from ``bins_from`` when it is a profile). Without
    ``bins_from`` the result is a *reference* with its own bin edges (two Spark jobs);
    with ``bins_from=reference`` one job counts on the reference's edges;
    ``bins_from={}`` is one job without histograms. ``segments`` and ``category_cap`` are
    those of :class:`~watchkeeper.profile.ProfileBuilder`; executors update the builder
    ``batch_size`` rows at a time.

    Needs pyspark (``pip install 'watchkeeper[spark]'``) and watchkeeper importable by
    the executors' Python: ``PYSPARK_PYTHON`` defaults to this interpreter, and an
    executor that cannot import watchkeeper is a clear :class:`InputError`.

    Starting a JVM is too slow for a doctest, so this example is not run (the tests in
    tests/integrations/test_spark.py are):

    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
    >>> ref = profile(spark.read.parquet("reference.parquet"))  # doctest: +SKIP
    >>> cur = profile(spark.read.parquet("current.parquet"), bins_from=ref)  # doctest: +SKIP
    """
    _pyspark()
    _worker_python(df)
    if batch_size < 1:
        raise InputError(f"batch_size is {batch_size}; give a whole number of rows >= 1")
    resolved = _resolve_schema(df, schema, bins_from, sample_rows)
    missing = [name for name in (*resolved.names, *segments) if name not in df.columns]
    if missing:
        raise InputError(
            f"columns {missing} are in the schema or segments but not in the DataFrame; "
            f"the DataFrame has {list(df.columns)}"
        )
    if bins_from is None:
        bins: Mapping[str, NumericBins] = _edges(df, resolved, batch_size)
    elif isinstance(bins_from, Profile):
        bins = bins_from.bins
    else:
        bins = bins_from
    options = {
        "segments": tuple(segments),
        "category_cap": category_cap,
        "batch_size": batch_size,
    }
    parts = _run(df, resolved, bins, **options)
    if not parts:
        # No rows anywhere: the profile of the empty table, with every column present.
        parts = [_empty_profile(df, resolved, bins, options)]
    return merge_all(parts)


def _empty_profile(
    df: Any, schema: Schema, bins: Mapping[str, NumericBins], options: Mapping[str, Any]
) -> Profile:
    builder = ProfileBuilder(
        schema,
        bins_from=bins,
        segments=options["segments"],
        category_cap=options["category_cap"],
    )
    builder.update(_sample(df, 0))
    return builder.build()
