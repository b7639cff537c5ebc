"""Building profiles in one pass over Arrow record batches, and in two for a reference.

:class:`ProfileBuilder` takes batches (Arrow record batches or tables, pandas or polars
chunks) one at a time; every statistic is vectorised per batch (numpy, Arrow compute,
one KLL update per column per batch), with no Python loop over rows.

:func:`profile_source` streams files (parquet row groups, CSV blocks, globs) so data
larger than memory is profiled in bounded memory. A *reference* profile is built in two
passes when its source can be read twice: the first finds each numeric column's exact
finite range; the second counts exactly on a grid over that range, from which the
deterministic rule of :mod:`watchkeeper.stats._binning` fixes the bin edges (and the
reference's counts on them). Current data is profiled in one pass with
``bins_from=reference``. Nothing is random: the same data gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import InputError
from watchkeeper._progress import Progress
from watchkeeper.io import expand_paths, iter_batches, to_table
from watchkeeper.io._columns import _as_float
from watchkeeper.profile._categorical import DEFAULT_CATEGORY_CAP, CategoricalAccumulator
from watchkeeper.profile._numeric import NumericAccumulator, NumericBins, NumericProfile
from watchkeeper.profile._profile import ColumnProfile, Profile
from watchkeeper.profile._text import OtherAccumulator, TextAccumulator
from watchkeeper.schema import ColumnKind, ColumnSpec, Schema, infer_schema

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ProfileBuilder",
    "null_column",
    "profile_source",
]

DEFAULT_BATCH_SIZE = 65_536
# Bytes of parquet read at a time: column chunks stream instead of loading whole.
_READ_BUFFER = 1 << 20
# Separates segment values in the joined key; a unit separator never occurs in labels.
_SEGMENT_SEPARATOR = "\x1f"
_NULL_SEGMENT = "(null)"


class _Accumulator(Protocol):
    def update(self, column: pa.Array | pa.ChunkedArray) -> None: ...

    def result(self) -> ColumnProfile: ...


AccumulatorFactory = Callable[[ColumnSpec, "ProfileBuilder"], _Accumulator]


def _numeric(spec: ColumnSpec, builder: ProfileBuilder) -> _Accumulator:
    return NumericAccumulator(
        spec.name,
        bins=builder.bins.get(spec.name),
        grid=builder.grids.get(spec.name),
    )


def _categorical(spec: ColumnSpec, builder: ProfileBuilder) -> _Accumulator:
    return CategoricalAccumulator(spec.name, spec.kind.value, cap=builder.category_cap)


# One accumulator per column kind; a kind not listed keeps counts only.
_ACCUMULATORS: dict[ColumnKind, AccumulatorFactory] = {
    ColumnKind.NUMERIC: _numeric,
    ColumnKind.CATEGORICAL: _categorical,
    ColumnKind.BOOLEAN: _categorical,
    ColumnKind.TEXT: lambda spec, builder: TextAccumulator(spec.name),
}


def _accumulator(spec: ColumnSpec, builder: ProfileBuilder) -> _Accumulator:
    factory = _ACCUMULATORS.get(spec.kind)
    if factory is None:
        return OtherAccumulator(spec.name, spec.kind.value)
    return factory(spec, builder)


def _segment_keys(table: pa.Table, columns: Sequence[str]) -> pa.ChunkedArray:
    parts = []
    for name in columns:
        if name not in table.column_names:
            raise InputError(f"segment column {name!r} is not in the data; check --segment")
        text = pc.cast(table.column(name), pa.string())
        parts.append(pc.fill_null(text, _NULL_SEGMENT))
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, _SEGMENT_SEPARATOR)


class ProfileBuilder:
    """Accumulates batches into a :class:`Profile`.

    ``schema`` fixes how columns are read (None: inferred from the first batch, or
    taken from ``bins_from``); ``bins_from`` is a reference profile whose bin edges and
    range the numeric histograms use; ``segments`` names columns whose value
    combinations get a profile each. ``grids`` (name to the exact finite
    ``(min, max)`` found by an earlier pass) makes the profile a reference: its numeric
    columns get their own edges by the deterministic grid rule (a 512 KB grid per
    numeric column, and per segment: :func:`profile_source` fixes a segmented
    reference's edges in a pass of their own instead).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> builder = ProfileBuilder()
    >>> for _ in range(3):
    ...     builder.update({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    >>> p = builder.build()
    >>> p.n_rows, p["x"].n_finite, sorted(p["c"].counts)
    (300, 300, ['a', 'b'])
    """

    def __init__(
        self,
        schema: Schema | Mapping[str, Any] | None = None,
        *,
        bins_from: Profile | Mapping[str, NumericBins] | None = None,
        segments: Sequence[str] = (),
        category_cap: int = DEFAULT_CATEGORY_CAP,
        grids: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        if isinstance(bins_from, Profile):
            if schema is None:
                schema = bins_from.schema
            bins: Mapping[str, NumericBins] = bins_from.bins
        else:
            bins = bins_from or {}
        self.schema = schema
        self.bins = dict(bins)
        self.segments = tuple(segments)
        self.category_cap = category_cap
        self.grids = dict(grids or {})
        self._resolved: Schema | None = schema if isinstance(schema, Schema) else None
        self._columns: dict[str, _Accumulator] = {}
        self._seen: set[str] = set()
        self._extra: dict[str, str] = {}
        self._rows = 0
        self._parts: dict[tuple[str, ...], ProfileBuilder] = {}

    def _start(self, table: pa.Table) -> Schema:
        if self._resolved is None:
            overrides = self.schema if isinstance(self.schema, Mapping) else None
            self._resolved = infer_schema(table, overrides)
        for spec in self._resolved:
            self._columns[spec.name] = _accumulator(spec, self)
        return self._resolved

    def update(self, batch: Any) -> None:
        """Add one batch: an Arrow record batch or table, a pandas or polars frame, or a
        mapping of column names to values."""
        table = to_table(batch)
        schema = self._resolved if self._columns else self._start(table)
        assert schema is not None
        n = table.num_rows
        self._rows += n
        present = set(table.column_names)
        for name, accumulator in self._columns.items():
            if name in present:
                self._seen.add(name)
                accumulator.update(table.column(name))
            else:
                # A batch without the column: its rows are missing values there.
                accumulator.update(pa.nulls(n))
        for name in table.column_names:
            if name not in schema and name not in self._extra:
                self._extra[name] = str(table.schema.field(name).type)
        if self.segments:
            self._update_segments(table)

    def _update_segments(self, table: pa.Table) -> None:
        keys = _segment_keys(table, self.segments).combine_chunks().dictionary_encode()
        indices = keys.indices
        for position, key in enumerate(keys.dictionary.to_pylist()):
            part_key = tuple(str(key).split(_SEGMENT_SEPARATOR))
            part = self._parts.get(part_key)
            if part is None:
                part = ProfileBuilder(
                    self._resolved,
                    bins_from=self.bins,
                    category_cap=self.category_cap,
                    grids=self.grids,
                )
                self._parts[part_key] = part
            part.update(table.filter(pc.equal(indices, position)))

    def build(self, cuts: Mapping[str, Any] | None = None) -> Profile:
        """The profile of every batch so far (the builder can keep going). ``cuts`` is
        for segments: they share the whole data's edges."""
        schema = self._resolved if self._resolved is not None else Schema()
        columns: dict[str, ColumnProfile] = {}
        own_cuts: dict[str, Any] = {}
        for name, acc in self._columns.items():
            if isinstance(acc, NumericAccumulator):
                own_cuts[name] = acc.grid_cuts()
                if name in self._seen:
                    columns[name] = acc.result((cuts or own_cuts).get(name))
            elif name in self._seen:
                columns[name] = acc.result()
        return Profile(
            schema=schema,
            n_rows=self._rows,
            columns=columns,
            extra_columns=dict(sorted(self._extra.items())),
            segment_columns=self.segments,
            segments={key: self._parts[key].build(own_cuts) for key in sorted(self._parts)},
        )


def null_column(like: ColumnProfile, n_rows: int) -> ColumnProfile:
    """The profile of ``n_rows`` missing values of a column like ``like``."""
    spec = ColumnSpec(like.name, ColumnKind(like.kind))
    builder = ProfileBuilder(
        bins_from={like.name: like.bins}
        if isinstance(like, NumericProfile) and like.bins is not None
        else None,
        category_cap=getattr(like, "cap", DEFAULT_CATEGORY_CAP),
    )
    accumulator = _accumulator(spec, builder)
    accumulator.update(pa.nulls(n_rows))
    return accumulator.result()


# Sources -----------------------------------------------------------------------------


def _is_paths(source: Any) -> bool:
    if isinstance(source, str | Path):
        return True
    return isinstance(source, list | tuple) and bool(source) and isinstance(source[0], str | Path)


def _estimated_batches(source: Any, batch_size: int) -> int:
    if not _is_paths(source):
        return 0
    total = 0
    for path in expand_paths(source):
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(path).metadata
            total += sum(
                math.ceil(meta.row_group(i).num_rows / batch_size)
                for i in range(meta.num_row_groups)
            )
        else:
            total += 1
    return total


def _file_batches(
    source: Any, batch_size: int, columns: Sequence[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Batches of every file (only ``columns`` of parquet files, when given); parquet is
    decoded on one thread: Arrow's decoding pool cost four times the CPU on two shared
    cores, for no gain in wall time, and a read-ahead thread lost more to GIL hand-offs
    than it overlapped (measured). A buffered stream reads a column chunk page by page,
    so memory follows the batch, not the row group."""
    import pyarrow.parquet as pq

    for path in expand_paths(source):
        if path.suffix.lower() not in (".parquet", ".pq"):
            yield from iter_batches(path, batch_size=batch_size)
            continue
        try:
            file = pq.ParquetFile(path, buffer_size=_READ_BUFFER, pre_buffer=False)
            names = file.schema_arrow.names
            selected = None if columns is None else [c for c in columns if c in names]
            yield from file.iter_batches(batch_size=batch_size, columns=selected, use_threads=False)
        except (pa.ArrowInvalid, OSError) as error:
            raise InputError(
                f"file {str(path)!r} is not a readable parquet file: {error}"
            ) from None


def _batches(source: Any, batch_size: int, columns: Sequence[str] | None = None) -> Iterator[Any]:
    if _is_paths(source):
        yield from _file_batches(source, batch_size, columns)
    elif _whole(source):
        table = to_table(source)
        # An empty table still has columns to report: it is one (empty) batch.
        yield from table.to_batches(max_chunksize=batch_size) if table.num_rows else [table]
    else:
        # Any other iterable is a stream of chunks, read once.
        yield from source


def _whole(source: Any) -> bool:
    """A source that is one table (a frame, a mapping), not a stream of chunks."""
    if isinstance(source, pa.RecordBatch | pa.Table | Mapping):
        return True
    module = type(source).__module__.split(".")[0]
    return module in ("pandas", "polars") or not isinstance(source, Iterable)


def _rereadable(source: Any) -> bool:
    return _is_paths(source) or _whole(source)


def _range_pass(
    source: Any, schema: Schema | Mapping[str, Any] | None, batch_size: int, bar: Progress
) -> tuple[Schema, dict[str, tuple[float, float]]]:
    """Pass 1 of a reference: the schema and the exact finite range of every numeric
    column (min and max are exact and do not depend on how the rows are batched)."""
    resolved: Schema | None = schema if isinstance(schema, Schema) else None
    if resolved is None:
        first = next(iter(_batches(source, batch_size)), None)
        if first is None:
            raise InputError("the data has no rows or batches; nothing to profile")
        overrides = schema if isinstance(schema, Mapping) else None
        resolved = infer_schema(to_table(first), overrides)
    ranges: dict[str, tuple[float, float]] = {}
    numeric = [spec.name for spec in resolved if spec.kind == ColumnKind.NUMERIC]
    for batch in _batches(source, batch_size, numeric) if numeric else ():
        table = to_table(batch)
        for name in numeric:
            if name not in table.column_names:
                continue
            as_float, _, _ = _as_float(table.column(name))
            finite = pc.filter(as_float, pc.is_finite(as_float))
            if len(finite) == 0:
                continue
            bounds = pc.min_max(finite)
            low, high = bounds["min"].as_py(), bounds["max"].as_py()
            if name in ranges:
                low, high = min(ranges[name][0], low), max(ranges[name][1], high)
            ranges[name] = (float(low), float(high))
        bar.step("ranges")
    return resolved, ranges


def _edges_pass(
    source: Any,
    schema: Schema,
    grids: dict[str, tuple[float, float]],
    batch_size: int,
    bar: Progress,
) -> dict[str, NumericBins]:
    """The whole reference's edges, from its numeric columns' grids."""
    numeric = Schema(spec for spec in schema if spec.name in grids)
    builder = ProfileBuilder(numeric, grids=grids)
    bar.start("profiling (edges)", _estimated_batches(source, batch_size))
    for batch in _batches(source, batch_size, numeric.names):
        builder.update(batch)
        bar.step()
    bar.finish()
    return builder.build().bins


def profile_source(
    source: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    bins_from: Profile | None = None,
    segments: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | Progress | None = None,
    category_cap: int = DEFAULT_CATEGORY_CAP,
) -> Profile:
    """The profile of ``source``: files (a path, a glob or a list, streamed in batches
    of ``batch_size`` rows), a frame or table, or an iterable of batches.

    Without ``bins_from`` a re-readable source is read twice so that the profile carries
    its own bin edges (a *reference* profile); a one-shot iterable is read once and has
    no histograms. With ``bins_from`` one pass counts on that profile's edges.

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> ref = profile_source({"x": rng.normal(size=5000)})
    >>> cur = profile_source({"x": rng.normal(size=2000)}, bins_from=ref)
    >>> ref["x"].bins.n_bins > 900, int(cur["x"].counts.sum()), cur["x"].bins == ref["x"].bins
    (True, 2000, True)
    """
    if batch_size < 1:
        raise InputError(f"batch_size is {batch_size}; give a whole number of rows >= 1")
    bar = progress if isinstance(progress, Progress) else Progress(enabled=bool(progress))
    total = _estimated_batches(source, batch_size)
    grids: dict[str, tuple[float, float]] = {}
    bins: Profile | Mapping[str, NumericBins] | None = bins_from
    if bins_from is None and _rereadable(source):
        bar.start("profiling (pass 1 of 2)", total)
        schema, grids = _range_pass(source, schema, batch_size, bar)
        bar.finish()
        if segments and grids:
            # Segments share the whole's edges. Fixing them first, from one grid per
            # column, keeps memory flat however many segments there are (a third read).
            bins = _edges_pass(source, schema, grids, batch_size, bar)
            grids = {}
    builder = ProfileBuilder(
        schema,
        bins_from=bins,
        segments=segments,
        category_cap=category_cap,
        grids=grids,
    )
    bar.start("profiling" if bins_from is not None else "profiling (last pass)", total)
    for batch in _batches(source, batch_size):
        builder.update(batch)
        bar.step()
    bar.finish()
    return builder.build()
