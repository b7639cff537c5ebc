"""What an Arrow IPC message declares, read from its flatbuffer before its body is decoded.

Decoding a compressed record batch allocates every buffer at the uncompressed size that
the body declares, so a 24 KiB zstd body can ask for gigabytes. pyarrow exposes a
message's metadata only as bytes, so this module reads the few fields that bound the cost
of decoding (the row count, the buffers and their compression) straight from the
flatbuffer (format/Message.fbs and Schema.fbs of the Arrow repository). Every read is
bounds-checked: hostile metadata raises :class:`ValueError`, never reads past the bytes.

>>> import pyarrow as pa
>>> sink = pa.BufferOutputStream()
>>> table = pa.table({"x": [1, 2, 3]})
>>> with pa.ipc.new_stream(sink, table.schema) as writer:
...     writer.write_table(table)
>>> messages = list(pa.ipc.MessageReader.open_stream(sink.getvalue()))
>>> header = batch_header(messages[1].metadata.to_pybytes())
>>> header.length, header.compressed, len(header.buffers)
(3, False, 2)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["BatchHeader", "batch_header"]

# MessageHeader union tags (Message.fbs).
_RECORD_BATCH = 3
_DICTIONARY_BATCH = 2


@dataclass(frozen=True, kw_only=True)
class BatchHeader:
    """The cost-bearing fields of a record batch (or a dictionary batch's data)."""

    length: int
    node_lengths: tuple[int, ...]
    buffers: tuple[tuple[int, int], ...]
    compressed: bool


class _Table:
    """One flatbuffer table: its position and its vtable, every access bounds-checked."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos
        (soffset,) = _unpack("<i", data, pos)
        self.vtable = pos - soffset
        (self.vsize,) = _unpack("<H", data, self.vtable)

    def _field(self, index: int) -> int | None:
        slot = 4 + 2 * index
        if slot + 2 > self.vsize:
            return None
        (offset,) = _unpack("<H", self.data, self.vtable + slot)
        return self.pos + offset if offset else None

    def scalar(self, index: int, fmt: str, default: int) -> int:
        at = self._field(index)
        return default if at is None else int(_unpack(fmt, self.data, at)[0])

    def _target(self, index: int) -> int | None:
        at = self._field(index)
        if at is None:
            return None
        (offset,) = _unpack("<I", self.data, at)
        return at + offset

    def table(self, index: int) -> _Table | None:
        at = self._target(index)
        return None if at is None else _Table(self.data, at)

    def structs(self, index: int, size: int) -> list[tuple[int, int]]:
        """A vector of structs of two int64 each (FieldNode, Buffer)."""
        at = self._target(index)
        if at is None:
            return []
        (count,) = _unpack("<I", self.data, at)
        if at + 4 + count * size > len(self.data):
            raise ValueError(f"a vector of {count} entries runs past the message metadata")
        pairs = (_unpack("<qq", self.data, at + 4 + i * size) for i in range(count))
        return [(first, second) for first, second in pairs]


def _unpack(fmt: str, data: bytes, at: int) -> tuple[int, ...]:
    if at < 0:
        raise ValueError("the message metadata points before its start")
    try:
        return struct.unpack_from(fmt, data, at)
    except struct.error:
        raise ValueError("the message metadata points past its end") from None


def batch_header(metadata: bytes) -> BatchHeader | None:
    """The batch a message's flatbuffer metadata declares; None for other messages."""
    (root,) = _unpack("<I", metadata, 0)
    message = _Table(metadata, root)
    kind = message.scalar(1, "<B", 0)
    header = message.table(2)
    if header is None or kind not in (_RECORD_BATCH, _DICTIONARY_BATCH):
        return None
    if kind == _DICTIONARY_BATCH:
        header = header.table(1)
        if header is None:
            return None
    nodes = header.structs(1, 16)
    return BatchHeader(
        length=header.scalar(0, "<q", 0),
        node_lengths=tuple(length for length, _ in nodes),
        buffers=tuple((offset, length) for offset, length in header.structs(2, 16)),
        compressed=header.table(3) is not None,
    )
