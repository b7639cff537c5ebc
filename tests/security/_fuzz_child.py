"""A fuzz run of the bounded readers and the ``.wkp`` reader, in a child process.

Seeded byte mutations (flips, overwrites with boundary values, truncations, splices) of
valid bodies; every result must be a table or a typed refusal. A crash (a segfault in a
reader) kills only this process, and the parent test reports it with the seed and case.
Run as ``python -m tests.security._fuzz_child SEED CASES``.
"""

from __future__ import annotations

import struct
import sys
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from watchkeeper._exceptions import ProfileFormatError
from watchkeeper.io._bounded import (
    DecodeBudget,
    DecodeLimitError,
    MalformedBodyError,
    read_arrow_ipc,
    read_parquet,
)
from watchkeeper.profile import Profile, profile_source

TABLE = pa.table(
    {
        "id": [f"p{i}" for i in range(64)],
        "x": [float(i) for i in range(64)],
        "tags": pa.array([["a", "bc"]] * 64),
        "city": pa.array(["Oslo", "Lima"] * 32).dictionary_encode(),
        "flag": [i % 3 == 0 for i in range(64)],
    }
)
BUDGET = DecodeBudget(max_rows=10_000, max_bytes=16 << 20)


def _arrow(compression: str | None) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    with pa.ipc.new_stream(sink, TABLE.schema, options=options) as writer:
        writer.write_table(TABLE, max_chunksize=20)
    return bytes(sink.getvalue().to_pybytes())


def _parquet(compression: str) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(TABLE, sink, compression=compression, row_group_size=20)
    return bytes(sink.getvalue().to_pybytes())


def _mutate(rng: np.random.Generator, data: bytes) -> bytes:
    body = bytearray(data)
    for _ in range(int(rng.integers(1, 5))):
        kind = int(rng.integers(0, 4))
        at = int(rng.integers(0, len(body)))
        if kind == 0:
            body[at] ^= 1 << int(rng.integers(0, 8))
        elif kind == 1 and at + 4 <= len(body):
            value = int(rng.choice([0, -1, 1 << 30, 0x7FFFFFFF, -(1 << 31), 255]))
            struct.pack_into("<i", body, at, value)
        elif kind == 2:
            del body[at:]
            if not body:
                body = bytearray(b"\0")
        else:
            other = int(rng.integers(0, len(body)))
            body[at:at] = body[other : other + int(rng.integers(1, 16))]
    return bytes(body)


def _wkp_with_valid_checksum(rng: np.random.Generator, data: bytes) -> bytes:
    # Past the checksum, so that the mutation reaches the parser behind it.
    from watchkeeper.profile._format import _COMPRESSED, _HEADER

    magic, version, flags, _, _ = _HEADER.unpack_from(data)
    raw = data[_HEADER.size :]
    if flags & _COMPRESSED:
        raw = zlib.decompress(raw)
    raw = _mutate(rng, raw)
    payload = zlib.compress(raw) if flags & _COMPRESSED else raw
    return _HEADER.pack(magic, version, flags, len(payload), zlib.crc32(payload)) + payload


def main(seed: int, cases: int) -> None:
    rng = np.random.default_rng(seed)
    targets = [(read_arrow_ipc, _arrow(c)) for c in (None, "zstd", "lz4")]
    targets += [(read_parquet, _parquet(c)) for c in ("none", "snappy", "zstd")]
    wkp = profile_source(TABLE.select(["x", "city", "flag"])).to_bytes()
    outcomes = {"read": 0, "refused": 0}
    for case in range(cases):
        print(f"case {case}", file=sys.stderr, flush=True)
        for reader, valid in targets:
            try:
                reader(_mutate(rng, valid), BUDGET)
                outcomes["read"] += 1
            except (DecodeLimitError, MalformedBodyError):
                outcomes["refused"] += 1
        try:
            Profile.from_bytes(_wkp_with_valid_checksum(rng, wkp))
            outcomes["read"] += 1
        except ProfileFormatError:
            outcomes["refused"] += 1
    print(outcomes["read"], outcomes["refused"])


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
