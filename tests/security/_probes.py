"""The hostile bodies of issue 13, built from valid ones so that each shows its trick.

Each builder returns bytes; none needs more than ~100 MB of memory to build, so that a
test can run it next to the code under test.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tests.security._thrift import field, forge_footer

MiB = 1 << 20


def _stream(batches: list[pa.RecordBatch], compression: str | None = None) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_stream(sink, batches[0].schema, options=options) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return bytes(sink.getvalue().to_pybytes())


def bad_offsets() -> bytes:
    """A valid stream of prediction records whose ``id`` string offsets are then made to
    point 1 GiB past the end of the data buffer (pyarrow segfaults reading it unchecked).
    """
    n = 12
    batch = pa.record_batch(
        {
            "id": pa.array([f"p{i:02d}" for i in range(n)]),
            "feature.x": pa.array([float(i) for i in range(n)]),
        }
    )
    body = bytearray(_stream([batch]))
    offsets = struct.pack(f"<{n + 1}i", *[3 * i for i in range(n + 1)])
    at = bytes(body).index(offsets)
    struct.pack_into("<i", body, at + 4 * n, 1 << 30)
    return bytes(body)


def zstd_rows_bomb() -> bytes:
    """About 24 KiB of zstd Arrow IPC that decodes to 800 MB: ten batches of ten million
    int64 zeros each (built from one 80 MB batch, written ten times)."""
    batch = pa.record_batch({"feature.x": pa.array(np.zeros(10_000_000, np.int64))})
    return _stream([batch] * 10, "zstd")


def zstd_bytes_bomb() -> bytes:
    """A few KiB of zstd Arrow IPC within the row budget (3,000 rows) that decodes to
    300 MB of strings (3 batches of 1,000 strings of 100 KB)."""
    text = pa.array(["0" * 100_000] * 1_000, pa.large_string())
    return _stream([pa.record_batch({"feature.text": text})] * 3, "zstd")


def parquet_rows_bomb() -> bytes:
    """A one-row parquet file whose footer then claims two billion rows (unchecked,
    pyarrow asks for 4 GiB at once)."""
    sink = pa.BufferOutputStream()
    table = pa.table({"feature.x": pa.array([0], pa.int8())})
    pq.write_table(table, sink, compression="none", write_statistics=False, store_schema=False)
    n = 2_000_000_000

    def claim(meta: list[list[Any]]) -> None:
        field(meta, 3)[2] = n
        for group in field(meta, 4)[2][1]:
            field(group, 3)[2] = n
            for chunk in field(group, 1)[2][1]:
                field(field(chunk, 3)[2], 5)[2] = n

    return forge_footer(bytes(sink.getvalue().to_pybytes()), claim)


def parquet_size_bomb() -> bytes:
    """A parquet file within the row budget whose footer declares 1 TiB uncompressed."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"feature.x": [1.0, 2.0]}), sink, compression="none")

    def claim(meta: list[list[Any]]) -> None:
        for group in field(meta, 4)[2][1]:
            field(group, 2)[2] = 1 << 40  # the row group's total_byte_size
            for chunk in field(group, 1)[2][1]:
                field(field(chunk, 3)[2], 6)[2] = 1 << 40  # total_uncompressed_size

    return forge_footer(bytes(sink.getvalue().to_pybytes()), claim)
