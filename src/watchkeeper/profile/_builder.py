"""Building profiles in one pass over Arrow record batches, and in two for a reference.

:class:`ProfileBuilder` takes batches (Arrow record batches or tables, pandas or polars
chunks) one at a time; every statistic is vectorised per batch (numpy, Arrow compute,
one KLL update per column per batch), with no Python loop over rows.

:func:`profile_source` streams files (parquet row groups, CSV blocks, globs) so data
larger than memory is profiled in bounded memory. A *reference* profile is built in two
passes when its source can be read twice: the first fills the KLL sketches, whose
quantiles fix the bin edges; the second counts exactly on those edges. Current data is
profiled in one pass with ``bins_from=reference``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import InputError
from watchkeeper._progress import Progress
from watchkeeper.io import expand_paths, iter_batches, to_table
from watchkeeper.io._columns import _as_float
from watchkeeper.profile._categorical import DEFAULT_CATEGORY_CAP, CategoricalAccumulator
from watchkeeper.profile._numeric import (
    DEFAULT_KLL_K,
    FINE_BINS,
    NumericAccumulator,
    NumericBins,
    NumericProfile,
    _kll,
)
from watchkeeper.profile._profile import ColumnProfile, Profile
from watchkeeper.profile._text import OtherAccumulator, TextAccumulator
from watchkeeper.schema import ColumnKind, ColumnSpec, Schema, infer_schema

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ProfileBuilder",
    "bins_from_sketch",
    "null_column",
    "profile_source",
]

DEFAULT_BATCH_SIZE = 65_536
# The first pass of a reference sketches with k=1000 (about 0.3% rank error) so that
# its 1,000 quantile edges are distinct and each bin holds near 0.1% of the rows; at
# the stored sketch's k=200 half the edges coincide. This sketch is not kept.
EDGE_KLL_K = 1000
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
        kll_k=builder.kll_k,
        sketch=builder.sketches.get(spec.name),
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
    combinations get a profile each. ``sketches`` (name to serialized KLL) replaces the
    KLL update with a sketch filled by an earlier pass.

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
        kll_k: int = DEFAULT_KLL_K,
        sketches: Mapping[str, bytes] | None = None,
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
        self.kll_k = kll_k
        self.sketches = dict(sketches or {})
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
                    kll_k=self.kll_k,
                )
                self._parts[part_key] = part
            part.update(table.filter(pc.equal(indices, position)))

    def build(self) -> Profile:
        """The profile of every batch so far (the builder can keep going)."""
        schema = self._resolved if self._resolved is not None else Schema()
        return Profile(
            schema=schema,
            n_rows=self._rows,
            columns={
                name: acc.result() for name, acc in self._columns.items() if name in self._seen
            },
            extra_columns=dict(sorted(self._extra.items())),
            segment_columns=self.segments,
            segments={key: self._parts[key].build() for key in sorted(self._parts)},
        )


def bins_from_sketch(
    sketch: bytes, low: float, high: float, n_bins: int = FINE_BINS
) -> NumericBins:
    """Bin edges at the sketch's ``1/n_bins`` quantiles (duplicates dropped), with the
    exact range ``[low, high]``.

    >>> import numpy as np
    >>> from datasketches import kll_doubles_sketch
    >>> s = kll_doubles_sketch(200)
    >>> s.update(np.arange(100.0))
    >>> bins_from_sketch(bytes(s.serialize()), 0.0, 99.0, n_bins=4).edges.tolist()
    [25.0, 50.0, 75.0]
    """
    kll = _kll(EDGE_KLL_K, sketch)
    probs = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    edges = np.unique(np.asarray(kll.get_quantiles(probs), dtype=np.float64))
    if edges.size == 0:
        edges = np.asarray([low], dtype=np.float64)
    return NumericBins(edges, float(low), float(high))


def null_column(like: ColumnProfile, n_rows: int) -> ColumnProfile:
    """The profile of ``n_rows`` missing values of a column like ``like``."""
    spec = ColumnSpec(like.name, ColumnKind(like.kind))
    builder = ProfileBuilder(
        bins_from={like.name: like.bins}
        if isinstance(like, NumericProfile) and like.bins is not None
        else None,
        category_cap=getattr(like, "cap", DEFAULT_CATEGORY_CAP),
        kll_k=getattr(like, "kll_k", DEFAULT_KLL_K),
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


def _file_batches(source: Any, batch_size: int) -> Iterator[pa.RecordBatch]:
    """Batches of every file; parquet is decoded on one thread: Arrow's decoding pool
    cost four times the CPU on two shared cores, for no gain in wall time, and a
    read-ahead thread lost more to GIL hand-offs than it overlapped (measured)."""
    import pyarrow.parquet as pq

    for path in expand_paths(source):
        if path.suffix.lower() not in (".parquet", ".pq"):
            yield from iter_batches(path, batch_size=batch_size)
            continue
        try:
            yield from pq.ParquetFile(path).iter_batches(batch_size=batch_size, use_threads=False)
        except (pa.ArrowInvalid, OSError) as error:
            raise InputError(
                f"file {str(path)!r} is not a readable parquet file: {error}"
            ) from None


def _batches(source: Any, batch_size: int) -> Iterator[Any]:
    if _is_paths(source):
        yield from _file_batches(source, batch_size)
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


def _sketch_pass(
    source: Any, schema: Schema | Mapping[str, Any] | None, batch_size: int, bar: Progress
) -> tuple[Schema, dict[str, NumericBins]]:
    """Pass 1 of a reference: KLL sketches and exact ranges of the numeric columns."""
    resolved: Schema | None = schema if isinstance(schema, Schema) else None
    sketches: dict[str, Any] = {}
    ranges: dict[str, list[float]] = {}
    for batch in _batches(source, batch_size):
        table = to_table(batch)
        if resolved is None:
            overrides = schema if isinstance(schema, Mapping) else None
            resolved = infer_schema(table, overrides)
        for spec in resolved:
            if spec.kind != ColumnKind.NUMERIC or spec.name not in table.column_names:
                continue
            as_float, _, _ = _as_float(table.column(spec.name))
            values = np.asarray(pc.drop_null(as_float).to_numpy(), dtype=np.float64)
            finite = np.ascontiguousarray(values[np.isfinite(values)])
            if finite.size == 0:
                continue
            sketch = sketches.setdefault(spec.name, _kll(EDGE_KLL_K))
            sketch.update(finite)
            low, high = float(finite.min()), float(finite.max())
            bounds = ranges.setdefault(spec.name, [low, high])
            bounds[0], bounds[1] = min(bounds[0], low), max(bounds[1], high)
        bar.step("sketches")
    if resolved is None:
        raise InputError("the data has no rows or batches; nothing to profile")
    serialized = {name: bytes(s.serialize()) for name, s in sketches.items()}
    bins = {
        name: bins_from_sketch(serialized[name], ranges[name][0], ranges[name][1])
        for name in serialized
    }
    return resolved, bins


def profile_source(
    source: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    bins_from: Profile | None = None,
    segments: Sequence[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | Progress | None = None,
    category_cap: int = DEFAULT_CATEGORY_CAP,
    kll_k: int = DEFAULT_KLL_K,
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
    bins: Profile | Mapping[str, NumericBins] | None = bins_from
    if bins_from is None and _rereadable(source):
        bar.start("profiling (pass 1 of 2)", total)
        schema, bins = _sketch_pass(source, schema, batch_size, bar)
        bar.finish()
    builder = ProfileBuilder(
        schema,
        bins_from=bins,
        segments=segments,
        category_cap=category_cap,
        kll_k=kll_k,
    )
    bar.start("profiling" if bins_from is not None else "profiling (pass 2 of 2)", total)
    for batch in _batches(source, batch_size):
        builder.update(batch)
        bar.step()
    bar.finish()
    return builder.build()
