"""The profiles of text columns (length statistics) and of columns kept as counts only
(datetimes, embeddings): what is missing, and for text how long the values are.

Longer or shorter text is neither better nor worse in itself; a change in length is
what a monitor watches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import ColumnError
from watchkeeper.profile._moments import Moments
from watchkeeper.profile._numeric import merge_types
from watchkeeper.profile._sums import ExactSums

__all__ = ["OtherAccumulator", "OtherProfile", "TextAccumulator", "TextProfile"]


@dataclass(frozen=True)
class TextProfile:
    """Counts of a text column and the moments and extremes of its lengths (characters).

    ``length_sums`` are the exact sums ``lengths`` is rounded from, so the moments do
    not depend on how the rows were split (None in a version-1 file)."""

    name: str
    n_rows: int
    n_null: int
    lengths: Moments
    min_length: int | None
    max_length: int | None
    arrow_types: tuple[str, ...] = ()
    kind: str = "text"
    length_sums: ExactSums | None = None

    @property
    def n_missing(self) -> int:
        return self.n_null

    def merge(self, other: TextProfile) -> TextProfile:
        sums = None
        if self.length_sums is not None and other.length_sums is not None:
            sums = self.length_sums.merge(other.length_sums)
        return TextProfile(
            name=self.name,
            n_rows=self.n_rows + other.n_rows,
            n_null=self.n_null + other.n_null,
            lengths=self.lengths.merge(other.lengths) if sums is None else sums.moments(),
            min_length=_pick(min, self.min_length, other.min_length),
            max_length=_pick(max, self.max_length, other.max_length),
            arrow_types=merge_types(self.arrow_types, other.arrow_types),
            length_sums=sums,
        )


def _pick(func: Callable[[int, int], int], a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return a if b is None else b
    return int(func(a, b))


@dataclass(frozen=True)
class OtherProfile:
    """A column no comparison reads (datetime, embedding): rows and nulls."""

    name: str
    kind: str
    n_rows: int
    n_null: int
    arrow_types: tuple[str, ...] = ()

    @property
    def n_missing(self) -> int:
        return self.n_null

    def merge(self, other: OtherProfile) -> OtherProfile:
        if self.kind != other.kind:
            raise ColumnError(
                self.name,
                f"is {self.kind} in one profile and {other.kind} in the other",
                "profile both with one schema",
            )
        return OtherProfile(
            name=self.name,
            kind=self.kind,
            n_rows=self.n_rows + other.n_rows,
            n_null=self.n_null + other.n_null,
            arrow_types=merge_types(self.arrow_types, other.arrow_types),
        )


class TextAccumulator:
    """The mutable state of a text column while batches stream through."""

    def __init__(self, name: str) -> None:
        self._profile = TextProfile(name, 0, 0, Moments(), None, None, (), "text", ExactSums(0.0))

    def update(self, column: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(column, pa.Array):
            column = pa.chunked_array([column])
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        types = (str(column.type),)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            lengths = pc.drop_null(pc.utf8_length(column)).to_numpy().astype(np.float64)
        else:
            lengths = np.empty(0, dtype=np.float64)
        sums = ExactSums.of(lengths, 0.0)
        part = TextProfile(
            self._profile.name,
            len(column),
            column.null_count,
            sums.moments(),
            int(lengths.min()) if lengths.size else None,
            int(lengths.max()) if lengths.size else None,
            types,
            length_sums=sums,
        )
        self._profile = self._profile.merge(part)

    def result(self) -> TextProfile:
        return self._profile


class OtherAccumulator:
    """The mutable state of a column kept as counts only."""

    def __init__(self, name: str, kind: str) -> None:
        self._profile = OtherProfile(name, kind, 0, 0)

    def update(self, column: pa.Array | pa.ChunkedArray) -> None:
        part = OtherProfile(
            self._profile.name,
            self._profile.kind,
            len(column),
            column.null_count,
            (str(column.type),),
        )
        self._profile = self._profile.merge(part)

    def result(self) -> OtherProfile:
        return self._profile
