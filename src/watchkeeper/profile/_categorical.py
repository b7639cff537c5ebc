"""The profile of a categorical or boolean column: exact category counts up to a cap,
a frequent-items sketch and an HLL distinct count beyond it.

Below the cap (10,000 distinct categories by default) every count is exact and merges
by addition, so binned statistics on two profiles equal the raw-data result. A column
with more categories (an identifier, free text mislabelled as a category) switches to
DataSketches' frequent-items sketch (counts with a stated error) and HLL (distinct
count within about 1.6%); comparisons on it are approximate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from watchkeeper._exceptions import ColumnError, MissingDependency
from watchkeeper.io._columns import category_counts
from watchkeeper.profile._numeric import merge_types

__all__ = ["DEFAULT_CATEGORY_CAP", "CategoricalAccumulator", "CategoricalProfile"]

IntArray = npt.NDArray[np.int64]

DEFAULT_CATEGORY_CAP = 10_000
# 2^12 counters keep about 3,000 items with an error of a few per mille of the total.
_FREQUENT_LG_MAX = 12
# 2^12 HLL buckets: about 1.6% relative standard error on the distinct count.
_HLL_LG_K = 12


def sketches() -> Any:
    """The ``datasketches`` module, or :class:`MissingDependency` naming the extra."""
    try:
        import datasketches
    except ImportError:
        raise MissingDependency("datasketches", "sketches") from None
    return datasketches


def _frequent(data: bytes | None = None):  # type: ignore[no-untyped-def]  # no stubs
    frequent_strings_sketch = sketches().frequent_strings_sketch
    if data:
        return frequent_strings_sketch.deserialize(data)
    return frequent_strings_sketch(_FREQUENT_LG_MAX)


def _hll(data: bytes | None = None):  # type: ignore[no-untyped-def]  # no stubs
    hll_sketch = sketches().hll_sketch
    if data:
        return hll_sketch.deserialize(data)
    return hll_sketch(_HLL_LG_K)


@dataclass(frozen=True, eq=False)
class CategoricalProfile:
    """What a profile keeps of a categorical (or boolean) column.

    ``counts`` maps each category (as text, as :func:`watchkeeper.io.extract_column`
    writes it) to its count, or is None when the column passed ``cap`` distinct
    categories; ``frequent`` and ``distinct`` (serialized sketches) then stand in.
    """

    name: str
    kind: str
    n_rows: int
    n_null: int
    counts: Mapping[str, int] | None
    n_present: int
    cap: int = DEFAULT_CATEGORY_CAP
    frequent: bytes = b""
    distinct: bytes = b""
    arrow_types: tuple[str, ...] = ()

    @property
    def n_missing(self) -> int:
        return self.n_null

    @property
    def exact(self) -> bool:
        return self.counts is not None

    def n_distinct(self) -> int:
        """The number of categories (an HLL estimate beyond the cap)."""
        if self.counts is not None:
            return len(self.counts)
        return round(float(_hll(self.distinct).get_estimate()))

    def ordered(self) -> tuple[list[str], IntArray]:
        """Categories most frequent first (ties by name) and their counts; beyond the
        cap, the frequent items' estimated counts."""
        if self.counts is not None:
            items = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            error_type = sketches().frequent_items_error_type
            found = _frequent(self.frequent).get_frequent_items(error_type.NO_FALSE_NEGATIVES)
            items = sorted(((str(i[0]), int(i[1])) for i in found), key=lambda kv: (-kv[1], kv[0]))
        return [k for k, _ in items], np.asarray([v for _, v in items], dtype=np.int64)

    def merge(self, other: CategoricalProfile) -> CategoricalProfile:
        if self.kind != other.kind:
            raise ColumnError(
                self.name,
                f"is {self.kind} in one profile and {other.kind} in the other",
                "profile both with one schema",
            )
        cap = min(self.cap, other.cap)
        counts: dict[str, int] | None = None
        frequent, distinct = b"", b""
        if self.counts is not None and other.counts is not None:
            counts = dict(self.counts)
            for key, value in other.counts.items():
                counts[key] = counts.get(key, 0) + value
            counts = dict(sorted(counts.items()))
            if len(counts) > cap:
                frequent, distinct = _to_sketches(counts)
                counts = None
        else:
            freq, hll = _sketches_of(self)
            freq.merge(_sketches_of(other)[0])
            union = _hll_union(hll, _sketches_of(other)[1])
            frequent, distinct = bytes(freq.serialize()), union
        return CategoricalProfile(
            name=self.name,
            kind=self.kind,
            n_rows=self.n_rows + other.n_rows,
            n_null=self.n_null + other.n_null,
            counts=counts,
            n_present=self.n_present + other.n_present,
            cap=cap,
            frequent=frequent,
            distinct=distinct,
            arrow_types=merge_types(self.arrow_types, other.arrow_types),
        )


def _to_sketches(counts: Mapping[str, int]) -> tuple[bytes, bytes]:
    freq, hll = _frequent(), _hll()
    for key, value in counts.items():
        freq.update(key, int(value))
        hll.update(key)
    return bytes(freq.serialize()), bytes(hll.serialize_compact())


def _sketches_of(profile: CategoricalProfile):  # type: ignore[no-untyped-def]  # no stubs
    if profile.counts is not None:
        freq_bytes, hll_bytes = _to_sketches(profile.counts)
        return _frequent(freq_bytes), _hll(hll_bytes)
    return _frequent(profile.frequent), _hll(profile.distinct)


def _hll_union(a, b) -> bytes:  # type: ignore[no-untyped-def]  # no stubs
    union = sketches().hll_union(_HLL_LG_K)
    union.update(a)
    union.update(b)
    return bytes(union.get_result().serialize_compact())


class CategoricalAccumulator:
    """The mutable state of a categorical column while batches stream through."""

    def __init__(self, name: str, kind: str, *, cap: int = DEFAULT_CATEGORY_CAP) -> None:
        self.name = name
        self.kind = kind
        self.cap = cap
        self._counts: dict[str, int] | None = {}
        self._frequent = None
        self._hll = None
        self._rows = 0
        self._null = 0
        self._present = 0
        self._types: set[str] = set()

    def update(self, column: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(column, pa.Array):
            column = pa.chunked_array([column])
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        self._types.add(str(column.type))
        keys, tallies, n_null = category_counts(column)
        self._rows += len(column)
        self._null += n_null
        self._present += sum(tallies)
        if self._counts is not None:
            counts = self._counts
            for key, tally in zip(keys, tallies, strict=True):
                counts[key] = counts.get(key, 0) + tally
            if len(counts) <= self.cap:
                return
            # Past the cap: the exact counts seed the sketches and are dropped.
            freq_bytes, hll_bytes = _to_sketches(counts)
            self._frequent, self._hll = _frequent(freq_bytes), _hll(hll_bytes)
            self._counts = None
            return
        assert self._frequent is not None and self._hll is not None
        for key, tally in zip(keys, tallies, strict=True):
            self._frequent.update(key, tally)
            self._hll.update(key)

    def result(self) -> CategoricalProfile:
        frequent = b"" if self._frequent is None else bytes(self._frequent.serialize())
        distinct = b"" if self._hll is None else bytes(self._hll.serialize_compact())
        return CategoricalProfile(
            name=self.name,
            kind=self.kind,
            n_rows=self._rows,
            n_null=self._null,
            # Sorted: the order categories were first seen depends on the partitioning.
            counts=None if self._counts is None else dict(sorted(self._counts.items())),
            n_present=self._present,
            cap=self.cap,
            frequent=frequent,
            distinct=distinct,
            arrow_types=merge_types(tuple(self._types), ()),
        )
