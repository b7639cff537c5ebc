"""Decoding untrusted bytes (Arrow IPC, parquet, zstd/lz4/zlib) within a budget.

A body that fits a 16 MiB request limit can still decode to gigabytes (a zstd-compressed
Arrow batch, a parquet page of run-length-encoded zeros) or carry offsets that point
outside its buffers, which pyarrow's compute kernels trust. Every reader here checks
what the bytes *declare* before it allocates (the batch's row count and buffer sizes,
the parquet footer's row count and uncompressed sizes), then checks what it actually
decoded, batch by batch, with ``validate(full=True)``.

The errors::

    InputError
    ├── DecodeLimitError     the body is well formed but past a budget (HTTP 413)
    └── MalformedBodyError   the bytes are not what they claim to be (HTTP 422)

Both name the limit: ``DecodeLimitError.limit`` is ``"max_rows"``, ``"max_bytes"``,
``"max_columns"``; ``MalformedBodyError.limit`` is ``"arrow_validation"``,
``"arrow_format"`` or ``"parquet_format"``.

>>> import pyarrow as pa
>>> sink = pa.BufferOutputStream()
>>> table = pa.table({"x": list(range(10))})
>>> with pa.ipc.new_stream(sink, table.schema) as writer:
...     writer.write_table(table)
>>> body = sink.getvalue().to_pybytes()
>>> read_arrow_ipc(body).num_rows
10
>>> read_arrow_ipc(body, DecodeBudget(max_rows=5))
Traceback (most recent call last):
...
watchkeeper.io._bounded.DecodeLimitError: the body declares more than 5 rows (max_rows, ...
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.io._ipc_header import batch_header

__all__ = [
    "DecodeBudget",
    "DecodeLimitError",
    "MalformedBodyError",
    "decompress_bounded",
    "read_arrow_ipc",
    "read_parquet",
]

_MiB = 1 << 20
_CHUNK = 1 << 16
# Rows per batch when reading parquet, so that a lying footer costs at most one batch.
_PARQUET_BATCH_ROWS = 8192
Codec = Literal["zstd", "lz4", "gzip", "zlib"]


@dataclass(frozen=True, kw_only=True)
class DecodeBudget:
    """What one body may decode to: rows, decoded bytes, and leaf columns.

    The defaults (100,000 rows, 256 MiB, 1,000 columns) hold a large prediction batch
    with room to spare and keep a worker's peak memory to a few times ``max_bytes``.

    >>> DecodeBudget().max_bytes // (1 << 20)
    256
    """

    max_rows: int = 100_000
    max_bytes: int = 256 * _MiB
    max_columns: int = 1_000


class DecodeLimitError(InputError):
    """A body that is past a budget; ``limit`` names the budget, ``allowed`` its value.

    >>> str(DecodeLimitError("max_rows", 10, 11, "rows"))
    'the body declares more than 10 rows (max_rows, found 11); send smaller batches'
    """

    status_code = 413

    def __init__(self, limit: str, allowed: int, found: int, what: str) -> None:
        self.limit = limit
        self.allowed = allowed
        self.found = found
        super().__init__(
            f"the body declares more than {allowed:,} {what} ({limit}, found {found:,}); "
            "send smaller batches"
        )


class MalformedBodyError(InputError):
    """Bytes that are not a valid body of their kind; ``limit`` names the check."""

    status_code = 422

    def __init__(self, limit: str, message: str) -> None:
        self.limit = limit
        super().__init__(message)


class _Meter:
    """Running totals against a budget."""

    def __init__(self, budget: DecodeBudget) -> None:
        self.budget = budget
        self.rows = 0
        self.bytes = 0

    def add(self, rows: int, nbytes: int) -> None:
        self.rows += rows
        self.bytes += nbytes
        if rows < 0 or self.rows > self.budget.max_rows:
            raise DecodeLimitError("max_rows", self.budget.max_rows, self.rows, "rows")
        if nbytes < 0 or self.bytes > self.budget.max_bytes:
            raise DecodeLimitError("max_bytes", self.budget.max_bytes, self.bytes, "decoded bytes")

    def columns(self, schema: pa.Schema) -> None:
        n = _leaf_count(schema)
        if n > self.budget.max_columns:
            raise DecodeLimitError("max_columns", self.budget.max_columns, n, "columns")


def _leaf_count(schema: pa.Schema) -> int:
    count = 0
    stack: list[pa.DataType] = [field.type for field in schema]
    while stack:
        kind = stack.pop()
        children = [kind.field(i).type for i in range(kind.num_fields)]
        if children:
            stack.extend(children)
        else:
            count += 1
    return count


# --- Arrow IPC ------------------------------------------------------------------------


def _declared_bytes(
    body: pa.Buffer | None, buffers: tuple[tuple[int, int], ...], compressed: bool
) -> int:
    """The bytes decoding a message's body allocates, as its metadata declares them."""
    size = 0 if body is None else body.size
    total = 0
    for offset, length in buffers:
        if offset < 0 or length < 0 or offset + length > size:
            raise MalformedBodyError(
                "arrow_format",
                f"a buffer at offset {offset} of length {length} lies outside the "
                f"{size}-byte message body",
            )
        if compressed and length >= 8 and body is not None:
            # A compressed buffer starts with its uncompressed length (-1: stored as is).
            declared = int.from_bytes(body[offset : offset + 8].to_pybytes(), "little", signed=True)
            total += length - 8 if declared == -1 else declared
        else:
            total += length
    return total


def _prescan(stream: pa.Buffer, budget: DecodeBudget) -> None:
    meter = _Meter(budget)
    for message in pa.ipc.MessageReader.open_stream(pa.BufferReader(stream)):
        try:
            header = batch_header(message.metadata.to_pybytes())
        except ValueError as error:
            raise MalformedBodyError(
                "arrow_format", f"corrupt message metadata ({error})"
            ) from None
        if header is None:
            continue
        if any(n < 0 or n > budget.max_bytes for n in header.node_lengths):
            raise MalformedBodyError("arrow_format", "an array declares an impossible length")
        rows = header.length if message.type == "record batch" else 0
        meter.add(rows, _declared_bytes(message.body, header.buffers, header.compressed))


def read_arrow_ipc(body: bytes, budget: DecodeBudget | None = None) -> pa.Table:
    """An Arrow IPC stream or file, checked message by message before it is decoded and
    validated in full batch by batch after."""
    budget = budget or DecodeBudget()
    if not body:
        raise MalformedBodyError("arrow_format", "the body is empty; send an Arrow IPC stream")
    # A file holds a complete stream after its 8-byte magic; reading that stream means the
    # bytes checked are the bytes decoded (a file's footer could point elsewhere).
    stream = pa.py_buffer(body[8:] if body[:6] == b"ARROW1" else body)
    meter = _Meter(budget)
    try:
        _prescan(stream, budget)
        reader = pa.ipc.open_stream(pa.BufferReader(stream))
        meter.columns(reader.schema)
        batches = []
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            batch.validate(full=True)
            meter.add(batch.num_rows, batch.get_total_buffer_size())
            batches.append(batch)
        return pa.Table.from_batches(batches, schema=reader.schema)
    except pa.ArrowInvalid as error:
        raise MalformedBodyError(
            "arrow_validation",
            f"the body is not a valid Arrow IPC stream ({error}); write it with "
            "pyarrow.ipc.new_stream",
        ) from None
    except (pa.ArrowException, OSError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        raise MalformedBodyError(
            "arrow_format",
            f"the body is not a valid Arrow IPC stream ({error}); write it with "
            "pyarrow.ipc.new_stream",
        ) from None


# --- parquet --------------------------------------------------------------------------


def read_parquet(body: bytes, budget: DecodeBudget | None = None) -> pa.Table:
    """A parquet file, its footer checked against the budget before a page is read, then
    read in batches whose real rows and bytes are counted."""
    import pyarrow.parquet as pq

    budget = budget or DecodeBudget()
    meter = _Meter(budget)
    try:
        parquet = pq.ParquetFile(
            pa.BufferReader(body),
            thrift_string_size_limit=len(body) + 1,
            thrift_container_size_limit=max(budget.max_columns * 64, 10_000),
        )
        meta = parquet.metadata
        if meta.num_columns > budget.max_columns:
            raise DecodeLimitError("max_columns", budget.max_columns, meta.num_columns, "columns")
        declared_rows = 0
        declared_bytes = 0
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            declared_rows += group.num_rows
            # The row group's total, not its column chunks': building a column chunk's
            # metadata from a corrupt footer aborts the process in pyarrow 26 (an uncaught
            # C++ exception), where the row group's figure and the reader raise cleanly.
            declared_bytes += max(group.total_byte_size, 0)
        _Meter(budget).add(max(declared_rows, meta.num_rows), declared_bytes)
        meter.columns(parquet.schema_arrow)
        batches = []
        for batch in parquet.iter_batches(batch_size=min(_PARQUET_BATCH_ROWS, budget.max_rows)):
            batch.validate(full=True)
            meter.add(batch.num_rows, batch.get_total_buffer_size())
            batches.append(batch)
        return pa.Table.from_batches(batches, schema=parquet.schema_arrow)
    except InputError:
        raise
    except (pa.ArrowException, OSError, ValueError) as error:
        raise MalformedBodyError(
            "parquet_format",
            f"the body is not a valid parquet file ({error}); write it with "
            "pyarrow.parquet.write_table",
        ) from None


# --- compressed bytes -----------------------------------------------------------------


def decompress_bounded(data: bytes, codec: Codec, max_bytes: int) -> bytes:
    """``data`` decompressed, refusing as soon as the output passes ``max_bytes``.

    >>> import zlib
    >>> decompress_bounded(zlib.compress(b"ab" * 4), "zlib", 100)
    b'abababab'
    >>> decompress_bounded(zlib.compress(b"0" * 1000), "zlib", 100)
    Traceback (most recent call last):
    ...
    watchkeeper.io._bounded.DecodeLimitError: the body declares more than 100 decompressed ...
    """
    out = bytearray()
    try:
        if codec == "zlib":
            inflater = zlib.decompressobj()
            out += inflater.decompress(data, max_bytes + 1)
            if len(out) <= max_bytes and not inflater.eof:
                raise MalformedBodyError("zlib_format", "the zlib stream is truncated")
        else:
            stream = pa.CompressedInputStream(pa.BufferReader(data), codec)
            while len(out) <= max_bytes:
                chunk = stream.read(min(_CHUNK, max_bytes + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
    except zlib.error as error:
        raise MalformedBodyError("zlib_format", f"corrupt zlib data ({error})") from None
    except (pa.ArrowException, OSError) as error:
        raise MalformedBodyError(f"{codec}_format", f"corrupt {codec} data ({error})") from None
    if len(out) > max_bytes:
        raise DecodeLimitError("max_bytes", max_bytes, len(out), "decompressed bytes")
    return bytes(out)
