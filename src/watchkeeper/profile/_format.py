"""The ``.wkp`` file: a versioned, compact binary form of a profile, and its JSON twin.

Layout (little-endian)::

    magic     8 bytes   b"\\x89WKP\\r\\n\\x1a\\n"  (PNG's trick: catches text-mode damage)
    version   uint16    the format version (FORMAT_VERSION)
    flags     uint16    bit 0: payload is zlib-compressed
    length    uint64    bytes of payload that follow
    crc32     uint32    CRC-32 of the payload as stored
    payload   zlib( uint32 n + n bytes of JSON document + binary blobs )

The JSON document holds the structure and the scalars; numpy arrays and sketches live
in the blob area, referenced as ``{"$array": [offset, nbytes, dtype]}`` or
``{"$bytes": [offset, nbytes]}``. A file of an older version is upgraded through
:data:`MIGRATIONS` (one function per step); a newer, truncated or corrupt file raises
:class:`~watchkeeper._exceptions.ProfileFormatError` naming the file and the reason.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from watchkeeper._exceptions import ProfileFormatError
from watchkeeper.profile._categorical import CategoricalProfile
from watchkeeper.profile._moments import Moments
from watchkeeper.profile._numeric import NumericBins, NumericProfile
from watchkeeper.profile._profile import ColumnProfile, Profile
from watchkeeper.profile._sums import ExactSums
from watchkeeper.profile._text import OtherProfile, TextProfile
from watchkeeper.schema import Schema

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "MIGRATIONS",
    "dumps",
    "load",
    "loads",
    "to_json_dict",
]

MAGIC = b"\x89WKP\r\n\x1a\n"
FORMAT_VERSION = 2
_HEADER = struct.Struct("<8sHHQI")
_COMPRESSED = 1

Document = dict[str, Any]


def _v1_to_v2(doc: Document) -> Document:
    """Version 2 drops the numeric KLL sketch (random, so not reproducible) and adds the
    kept values and exact sums (none in a version-1 file) and the re-binning error
    bound (0: exact)."""
    for column in doc["columns"]:
        if column.get("type") == "numeric":
            column.pop("kll_k", None)
            column.pop("sketch", None)
            column["values"] = None
            column["approximate"] = 0.0
            column["sums"] = None
        elif column.get("type") == "text":
            column["length_sums"] = None
    for item in doc["segments"]:
        _v1_to_v2(item["profile"])
    return doc


# MIGRATIONS[v] turns a version-v document into a version-(v + 1) document.
MIGRATIONS: dict[int, Callable[[Document], Document]] = {1: _v1_to_v2}


# Profile <-> document (arrays and bytes left as they are) -----------------------------


def _moments(m: Moments) -> list[float | str]:
    # An m2 beyond the float range is written "inf" (JSON has no infinity); readers
    # since version 1 take it through float(). The exact value comes back from "sums".
    return [m.n, m.mean, m.m2 if math.isfinite(m.m2) else "inf"]


def _column_doc(col: ColumnProfile) -> Document:
    if isinstance(col, NumericProfile):
        return {
            "type": "numeric",
            "name": col.name,
            "counts": [
                col.n_rows,
                col.n_null,
                col.n_nan,
                col.n_pos_inf,
                col.n_neg_inf,
                col.n_type_mismatch,
                col.n_below,
                col.n_above,
            ],
            "first_mismatch": col.first_mismatch,
            "moments": _moments(col.moments),
            "min": col.min,
            "max": col.max,
            "values": col.values,
            "approximate": col.approximate,
            "sums": None if col.sums is None else col.sums.to_list(),
            "arrow_types": list(col.arrow_types),
            "bins": None
            if col.bins is None
            else {
                "edges": col.bins.edges,
                "low": col.bins.low,
                "high": col.bins.high,
            },
            "histogram": col.counts,
        }
    if isinstance(col, CategoricalProfile):
        return {
            "type": "categorical",
            "name": col.name,
            "kind": col.kind,
            "n_rows": col.n_rows,
            "n_null": col.n_null,
            "n_present": col.n_present,
            "cap": col.cap,
            "categories": None if col.counts is None else list(col.counts),
            "category_counts": None
            if col.counts is None
            else np.fromiter(col.counts.values(), dtype=np.int64, count=len(col.counts)),
            "frequent": col.frequent,
            "distinct": col.distinct,
            "arrow_types": list(col.arrow_types),
        }
    if isinstance(col, TextProfile):
        return {
            "type": "text",
            "name": col.name,
            "n_rows": col.n_rows,
            "n_null": col.n_null,
            "lengths": _moments(col.lengths),
            "min_length": col.min_length,
            "max_length": col.max_length,
            "length_sums": None if col.length_sums is None else col.length_sums.to_list(),
            "arrow_types": list(col.arrow_types),
        }
    return {
        "type": "other",
        "name": col.name,
        "kind": col.kind,
        "n_rows": col.n_rows,
        "n_null": col.n_null,
        "arrow_types": list(col.arrow_types),
    }


def _profile_doc(profile: Profile) -> Document:
    return {
        "schema": profile.schema.to_dict(),
        "n_rows": profile.n_rows,
        "columns": [_column_doc(c) for c in profile.columns.values()],
        "extra_columns": dict(profile.extra_columns),
        "segment_columns": list(profile.segment_columns),
        "segments": [
            {"key": list(key), "profile": _profile_doc(part)}
            for key, part in profile.segments.items()
        ],
    }


def _as_moments(items: list[Any]) -> Moments:
    return Moments(int(items[0]), float(items[1]), float(items[2]))


def _numeric_moments(doc: Document) -> Moments:
    moments = _as_moments(doc["moments"])
    if math.isinf(moments.m2) and doc["sums"] is not None:
        sums = ExactSums.from_list(doc["sums"])
        if not sums.overflow:
            return sums.moments()
    return moments


def _numeric_from(doc: Document) -> NumericProfile:
    n = [int(x) for x in doc["counts"]]
    bins = doc["bins"]
    return NumericProfile(
        name=doc["name"],
        n_rows=n[0],
        n_null=n[1],
        n_nan=n[2],
        n_pos_inf=n[3],
        n_neg_inf=n[4],
        n_type_mismatch=n[5],
        first_mismatch=doc["first_mismatch"],
        moments=_numeric_moments(doc),
        min=doc["min"],
        max=doc["max"],
        values=None if doc["values"] is None else np.asarray(doc["values"], dtype=np.float64),
        approximate=float(doc["approximate"]),
        sums=None if doc["sums"] is None else ExactSums.from_list(doc["sums"]),
        arrow_types=tuple(doc["arrow_types"]),
        bins=None
        if bins is None
        else NumericBins(
            np.asarray(bins["edges"], dtype=np.float64), float(bins["low"]), float(bins["high"])
        ),
        counts=None if doc["histogram"] is None else np.asarray(doc["histogram"], dtype=np.int64),
        n_below=n[6],
        n_above=n[7],
    )


def _categorical_from(doc: Document) -> CategoricalProfile:
    counts = None
    if doc["categories"] is not None:
        values = np.asarray(doc["category_counts"], dtype=np.int64).tolist()
        counts = dict(zip(doc["categories"], values, strict=True))
    return CategoricalProfile(
        name=doc["name"],
        kind=doc["kind"],
        n_rows=int(doc["n_rows"]),
        n_null=int(doc["n_null"]),
        counts=counts,
        n_present=int(doc["n_present"]),
        cap=int(doc["cap"]),
        frequent=doc["frequent"],
        distinct=doc["distinct"],
        arrow_types=tuple(doc["arrow_types"]),
    )


def _text_from(doc: Document) -> TextProfile:
    return TextProfile(
        name=doc["name"],
        n_rows=int(doc["n_rows"]),
        n_null=int(doc["n_null"]),
        lengths=_as_moments(doc["lengths"]),
        min_length=doc["min_length"],
        max_length=doc["max_length"],
        arrow_types=tuple(doc["arrow_types"]),
        length_sums=None if doc["length_sums"] is None else ExactSums.from_list(doc["length_sums"]),
    )


def _other_from(doc: Document) -> OtherProfile:
    return OtherProfile(
        doc["name"],
        doc["kind"],
        int(doc["n_rows"]),
        int(doc["n_null"]),
        tuple(doc["arrow_types"]),
    )


_READERS: dict[str, Callable[[Document], ColumnProfile]] = {
    "numeric": _numeric_from,
    "categorical": _categorical_from,
    "text": _text_from,
    "other": _other_from,
}


def _profile_from(doc: Document) -> Profile:
    columns: dict[str, ColumnProfile] = {}
    for item in doc["columns"]:
        reader = _READERS.get(item["type"])
        if reader is None:
            raise ValueError(f"unknown column type {item['type']!r}")
        column = reader(item)
        columns[column.name] = column
    return Profile(
        schema=Schema.from_dict(doc["schema"]),
        n_rows=int(doc["n_rows"]),
        columns=columns,
        extra_columns=dict(doc["extra_columns"]),
        segment_columns=tuple(doc["segment_columns"]),
        segments={tuple(item["key"]): _profile_from(item["profile"]) for item in doc["segments"]},
    )


# Document <-> bytes and JSON -----------------------------------------------------------


def _pack(value: Any, blobs: bytearray) -> Any:
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False)
        ref = [len(blobs), data.nbytes, data.dtype.str]
        blobs.extend(data.tobytes())
        return {"$array": ref}
    if isinstance(value, bytes | bytearray):
        ref = [len(blobs), len(value)]
        blobs.extend(value)
        return {"$bytes": ref}
    if isinstance(value, dict):
        return {k: _pack(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_pack(v, blobs) for v in value]
    return value


def _unpack(value: Any, blobs: memoryview) -> Any:
    if isinstance(value, dict):
        if "$array" in value:
            offset, nbytes, dtype = value["$array"]
            if offset + nbytes > len(blobs):
                raise ValueError("an array reaches past the end of the data")
            return np.frombuffer(blobs[offset : offset + nbytes], dtype=np.dtype(dtype)).copy()
        if "$bytes" in value:
            offset, nbytes = value["$bytes"]
            if offset + nbytes > len(blobs):
                raise ValueError("a sketch reaches past the end of the data")
            return bytes(blobs[offset : offset + nbytes])
        return {k: _unpack(v, blobs) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v, blobs) for v in value]
    return value


def dumps(profile: Profile) -> bytes:
    """The ``.wkp`` bytes of ``profile``."""
    blobs = bytearray()
    doc = _pack(_profile_doc(profile), blobs)
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")
    payload = zlib.compress(struct.pack("<I", len(text)) + text + bytes(blobs), 6)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, _COMPRESSED, len(payload), zlib.crc32(payload))
    return header + payload


def _fail(source: str, reason: str) -> ProfileFormatError:
    return ProfileFormatError(f"{source}: {reason}")


def _migrate(doc: Document, version: int, source: str) -> Document:
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise _fail(
                source,
                f"profile format version {version} has no migration to {FORMAT_VERSION}; "
                "profile the data again with this watchkeeper",
            )
        doc = step(doc)
        version += 1
    return doc


def loads(data: bytes, *, source: str = "<bytes>") -> Profile:
    """The profile in ``data``; ``source`` names it in errors.

    >>> loads(b"hello")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.ProfileFormatError: <bytes>: not a watchkeeper profile (file too...
    """
    if len(data) < _HEADER.size or not data.startswith(MAGIC):
        reason = "file too short" if len(data) < _HEADER.size else "wrong magic bytes"
        raise _fail(source, f"not a watchkeeper profile ({reason}); give a .wkp file")
    _magic, version, flags, length, crc = _HEADER.unpack_from(data)
    if version > FORMAT_VERSION:
        raise _fail(
            source,
            f"written in profile format version {version}, newer than this watchkeeper "
            f"reads ({FORMAT_VERSION}); upgrade watchkeeper",
        )
    payload = data[_HEADER.size :]
    if len(payload) < length:
        raise _fail(
            source,
            f"truncated: {len(payload):,} of {length:,} payload bytes; copy the file again",
        )
    if len(payload) > length:
        raise _fail(source, f"{len(payload) - length:,} unexpected bytes after the profile")
    if zlib.crc32(payload) != crc:
        raise _fail(source, "corrupt: checksum mismatch; copy the file again or re-profile")
    try:
        raw = zlib.decompress(payload) if flags & _COMPRESSED else payload
        (n,) = struct.unpack_from("<I", raw)
        doc = json.loads(raw[4 : 4 + n].decode("utf-8"))
        doc = _migrate(doc, version, source)
        return _profile_from(_unpack(doc, memoryview(raw)[4 + n :]))
    except ProfileFormatError:
        raise
    except (zlib.error, struct.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _fail(source, f"corrupt: {error}") from None
    except (KeyError, ValueError, TypeError, IndexError) as error:
        raise _fail(source, f"corrupt or incomplete profile document ({error!r})") from None


def load(path: str | Path) -> Profile:
    """The profile saved at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _fail(str(path), f"cannot read the profile: {error.strerror or error}") from None
    return loads(data, source=str(path))


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, bytes | bytearray):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def to_json_dict(profile: Profile) -> Document:
    """The profile as JSON-ready data, for people and tools to inspect."""
    return {"format_version": FORMAT_VERSION, **_jsonable(_profile_doc(profile))}
