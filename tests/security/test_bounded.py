"""Bounded decoding (watchkeeper.io._bounded) against the hostile bodies of issue 13."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.security import _probes

from watchkeeper.io._bounded import (
    DecodeBudget,
    DecodeLimitError,
    MalformedBodyError,
    decompress_bounded,
    read_arrow_ipc,
    read_parquet,
)

Child = Callable[[bytes, str], dict[str, Any]]
MiB = 1 << 20


def _ipc(table: pa.Table, *, file: bool = False, compression: str | None = None) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=compression)
    opener = pa.ipc.new_file if file else pa.ipc.new_stream
    with opener(sink, table.schema, options=options) as writer:
        writer.write_table(table, max_chunksize=1000)
    return bytes(sink.getvalue().to_pybytes())


def _parquet(table: pa.Table, **kwargs: Any) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **kwargs)
    return bytes(sink.getvalue().to_pybytes())


TABLE = pa.table(
    {
        "id": [f"p{i}" for i in range(2500)],
        "feature.x": [float(i) for i in range(2500)],
        "tags": pa.array([["a", "b"]] * 2500),
        "city": pa.array(["Oslo", "Lima"] * 1250).dictionary_encode(),
    }
)


@pytest.mark.parametrize("compression", [None, "zstd", "lz4"])
@pytest.mark.parametrize("file", [False, True])
def test_valid_arrow_bodies_round_trip(file: bool, compression: str | None) -> None:
    assert read_arrow_ipc(_ipc(TABLE, file=file, compression=compression)).equals(TABLE)


@pytest.mark.parametrize("compression", ["none", "snappy", "zstd"])
def test_valid_parquet_round_trips(compression: str) -> None:
    assert read_parquet(_parquet(TABLE, compression=compression)).equals(TABLE)


def test_out_of_bounds_string_offsets_raise_instead_of_crashing(decode_in_child: Child) -> None:
    body = _probes.bad_offsets()
    assert len(body) < 1024
    seen = decode_in_child(body, "read_arrow_ipc")
    assert seen["error"] == "MalformedBodyError"
    assert (seen["limit"], seen["status"]) == ("arrow_validation", 422)


def test_zstd_bomb_is_refused_before_it_is_decompressed(decode_in_child: Child) -> None:
    body = _probes.zstd_rows_bomb()
    assert len(body) < 32 * 1024  # decodes to 10 x 10,000,000 x 8 bytes = 800 MB
    seen = decode_in_child(body, "read_arrow_ipc")
    print("zstd rows bomb:", len(body), "bytes, peak RSS growth", seen["growth_kib"], "KiB")
    assert (seen["error"], seen["limit"], seen["status"]) == ("DecodeLimitError", "max_rows", 413)
    # The first batch alone is 80 MB decoded; the refusal comes from its metadata.
    assert seen["growth_kib"] < 16 * 1024


def test_zstd_bomb_within_the_row_budget_hits_the_byte_budget(decode_in_child: Child) -> None:
    body = _probes.zstd_bytes_bomb()  # 3,000 rows, 300 MB of strings
    assert len(body) < 64 * 1024
    seen = decode_in_child(body, "read_arrow_ipc")
    assert (seen["error"], seen["limit"]) == ("DecodeLimitError", "max_bytes")
    # Two 100 MB batches fit the budget; the third is refused from its metadata.
    assert seen["growth_kib"] < 256 * 1024


def test_parquet_footer_claiming_two_billion_rows_is_refused(decode_in_child: Child) -> None:
    body = _probes.parquet_rows_bomb()
    assert len(body) < 300
    seen = decode_in_child(body, "read_parquet")
    print("parquet bomb:", len(body), "bytes, peak RSS growth", seen["growth_kib"], "KiB")
    assert (seen["error"], seen["limit"], seen["status"]) == ("DecodeLimitError", "max_rows", 413)
    assert seen["growth_kib"] < 16 * 1024


def test_parquet_footer_declaring_a_terabyte_is_refused(decode_in_child: Child) -> None:
    seen = decode_in_child(_probes.parquet_size_bomb(), "read_parquet")
    assert (seen["error"], seen["limit"]) == ("DecodeLimitError", "max_bytes")


def test_budgets_are_configurable_and_the_error_names_the_limit() -> None:
    body = _ipc(TABLE)
    with pytest.raises(DecodeLimitError, match=r"2,000 rows \(max_rows, found 2,500\)") as rows:
        read_arrow_ipc(body, DecodeBudget(max_rows=2000))
    assert (rows.value.limit, rows.value.allowed, rows.value.found) == ("max_rows", 2000, 2500)
    with pytest.raises(DecodeLimitError) as columns:
        read_parquet(_parquet(TABLE), DecodeBudget(max_columns=3))
    assert (columns.value.limit, columns.value.found) == ("max_columns", 4)
    with pytest.raises(DecodeLimitError) as size:
        read_arrow_ipc(body, DecodeBudget(max_bytes=10_000))
    assert size.value.limit == "max_bytes"
    assert read_arrow_ipc(body, DecodeBudget(max_rows=2500)).num_rows == 2500


@pytest.mark.parametrize(
    "body", [b"", b"ARROW1\x00\x00garbage", b"\xff\xff\xff\xff\x10\x00\x00\x00x"]
)
def test_garbage_is_a_malformed_body(body: bytes) -> None:
    with pytest.raises(MalformedBodyError) as error:
        read_arrow_ipc(body)
    assert error.value.status_code == 422
    with pytest.raises(MalformedBodyError, match="not a valid parquet file"):
        read_parquet(body + b"PAR1")


def test_every_truncation_of_a_valid_body_is_refused_or_read() -> None:
    # A cut anywhere gives a typed error or a shorter valid table, never a crash.
    body = _ipc(TABLE.slice(0, 20), compression="zstd")
    refused = 0
    for cut in range(len(body)):
        try:
            assert read_arrow_ipc(body[:cut]).num_rows <= 20
        except MalformedBodyError:
            refused += 1
    assert refused > len(body) // 2


@pytest.mark.parametrize("codec", ["zstd", "lz4", "gzip"])
def test_decompression_stops_at_the_output_limit(codec: str) -> None:
    text = b"watchkeeper " * 1000
    packed = pa.compress(text, codec=codec, asbytes=True) if codec != "lz4" else _lz4_frame(text)
    assert decompress_bounded(packed, codec, len(text)) == text  # type: ignore[arg-type]
    with pytest.raises(DecodeLimitError) as error:
        decompress_bounded(packed, codec, len(text) - 1)  # type: ignore[arg-type]
    assert (error.value.limit, error.value.allowed) == ("max_bytes", len(text) - 1)


def _lz4_frame(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "lz4") as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())


def test_a_zlib_bomb_is_cut_at_the_limit_not_inflated() -> None:
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(bytes(MiB)) for _ in range(256)) + packer.flush()
    assert len(bomb) < 300 * 1024  # 256 MiB of zeros
    with pytest.raises(DecodeLimitError, match="max_bytes"):
        decompress_bounded(bomb, "zlib", 16 * MiB)
    with pytest.raises(MalformedBodyError, match="truncated"):
        decompress_bounded(bomb[:100], "zlib", 16 * MiB)
