"""The profile of a dataset: one mergeable summary per column, and per segment.

A :class:`Profile` is data: frozen, comparable by content through its serialized form,
and built by :class:`~watchkeeper.profile.ProfileBuilder` or
:func:`~watchkeeper.profile.profile_source`. Two profiles of parts of a dataset merge
into the profile of the whole (:meth:`Profile.merge`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.profile._categorical import CategoricalProfile
from watchkeeper.profile._numeric import NumericBins, NumericProfile
from watchkeeper.profile._text import OtherProfile, TextProfile
from watchkeeper.schema import Schema

__all__ = ["ColumnProfile", "Profile"]

ColumnProfile = NumericProfile | CategoricalProfile | TextProfile | OtherProfile

SegmentKey = tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Profile:
    """Per-column profiles of ``n_rows`` rows read as ``schema`` says.

    ``extra_columns`` names the columns of the data the schema lacks (with their Arrow
    type), which are not profiled; ``segments`` maps each combination of the values of
    ``segment_columns`` (as text) to the profile of its rows.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(0)
    >>> p = profile_source({"x": rng.normal(size=1000), "c": rng.choice(["a", "b"], 1000)})
    >>> p.n_rows, p["x"].kind, p["c"].counts["a"] + p["c"].counts["b"]
    (1000, 'numeric', 1000)
    """

    schema: Schema
    n_rows: int
    columns: Mapping[str, ColumnProfile]
    extra_columns: Mapping[str, str] = field(default_factory=dict)
    segment_columns: tuple[str, ...] = ()
    segments: Mapping[SegmentKey, Profile] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ColumnProfile:
        try:
            return self.columns[name]
        except KeyError:
            raise InputError(
                f"column {name!r} is not in the profile; columns: {list(self.columns)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    @property
    def n_columns(self) -> int:
        """Columns of the data: those profiled and those outside the schema."""
        return len(self.columns) + len(self.extra_columns)

    @property
    def bins(self) -> dict[str, NumericBins]:
        """The bin edges of every numeric column that has them."""
        return {
            name: col.bins
            for name, col in self.columns.items()
            if isinstance(col, NumericProfile) and col.bins is not None
        }

    def merge(self, other: Profile) -> Profile:
        """The profile of both datasets together (associative and commutative)."""
        from watchkeeper.profile._merge import merge_profiles

        return merge_profiles(self, other)

    def to_bytes(self) -> bytes:
        """The compact binary form (``.wkp``), see docs/profiles.md."""
        from watchkeeper.profile._format import dumps

        return dumps(self)

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "<bytes>") -> Profile:
        """The inverse of :meth:`to_bytes`; ``source`` names the data in errors."""
        from watchkeeper.profile._format import loads

        return loads(data, source=source)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.to_bytes())
        return path

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        from watchkeeper.profile._format import load

        return load(path)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for inspection (sketches as base64)."""
        from watchkeeper.profile._format import to_json_dict

        return to_json_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)
