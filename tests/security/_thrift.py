"""A small Thrift compact-protocol reader and writer, to forge parquet footers in tests.

Parquet's footer is a Thrift ``FileMetaData`` in the compact protocol (parquet.thrift of
apache/parquet-format). A struct is read as a list of ``[field_id, type, value]`` so that
a test can change one field (``num_rows``) and write the footer back.
"""

from __future__ import annotations

import struct
from typing import Any

STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, kind: int) -> Any:
        if kind in (TRUE, FALSE):
            return kind == TRUE
        if kind == BYTE:
            return self.byte()
        if kind in (I16, I32, I64):
            return self.zigzag()
        if kind == DOUBLE:
            (value,) = struct.unpack_from("<d", self.data, self.pos)
            self.pos += 8
            return value
        if kind == BINARY:
            n = self.varint()
            value = self.data[self.pos : self.pos + n]
            self.pos += n
            return value
        if kind in (LIST, SET):
            header = self.byte()
            size, elem = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            return (elem, [self.value(elem) for _ in range(size)])
        if kind == STRUCT:
            return self.struct()
        raise ValueError(f"type {kind} not supported")

    def struct(self) -> list[list[Any]]:
        fields: list[list[Any]] = []
        last = 0
        while True:
            header = self.byte()
            kind = header & 0x0F
            if kind == STOP:
                return fields
            delta = header >> 4
            fid = last + delta if delta else self.zigzag()
            last = fid
            fields.append([fid, kind, self.value(kind)])


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def _zigzag(n: int) -> bytes:
    return _varint((n << 1) ^ (n >> 63))


def write_value(kind: int, value: Any) -> bytes:
    if kind == BYTE:
        return bytes([value])
    if kind in (I16, I32, I64):
        return _zigzag(value)
    if kind == DOUBLE:
        return struct.pack("<d", value)
    if kind == BINARY:
        return _varint(len(value)) + value
    if kind in (LIST, SET):
        elem, items = value
        head = (
            bytes([(len(items) << 4) | elem])
            if len(items) < 15
            else bytes([0xF0 | elem]) + _varint(len(items))
        )
        return head + b"".join(write_value(elem, item) for item in items)
    if kind == STRUCT:
        return write_struct(value)
    raise ValueError(f"type {kind} not supported")


def write_struct(fields: list[list[Any]]) -> bytes:
    out = bytearray()
    last = 0
    for fid, kind, value in fields:
        if kind in (TRUE, FALSE):
            kind = TRUE if value else FALSE
        delta = fid - last
        if 0 < delta <= 15:
            out.append((delta << 4) | kind)
        else:
            out.append(kind)
            out += _zigzag(fid)
        last = fid
        if kind not in (TRUE, FALSE):
            out += write_value(kind, value)
    out.append(STOP)
    return bytes(out)


def field(fields: list[list[Any]], fid: int) -> list[Any]:
    return next(f for f in fields if f[0] == fid)


def forge_footer(parquet: bytes, change: Any) -> bytes:
    """``parquet`` with its footer rewritten by ``change(file_metadata_fields)``."""
    (length,) = struct.unpack_from("<i", parquet, len(parquet) - 8)
    start = len(parquet) - 8 - length
    meta = Reader(parquet[start : len(parquet) - 8]).struct()
    change(meta)
    footer = write_struct(meta)
    return parquet[:start] + footer + struct.pack("<i", len(footer)) + b"PAR1"
