"""The hostile bodies of issue 13 sent over HTTP to the real server in a child process:
each gets a 4xx naming the limit, and the server is alive and within budget after."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from tests.security import _probes
from tests.security._live import LiveServer, start_server

ARROW = "application/vnd.apache.arrow.stream"
PARQUET = "application/vnd.apache.parquet"
URL = "/v1/models/churn/predictions?version=v1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("live"))
    yield live
    live.stop()


def _post(server: LiveServer, body: bytes, media: str) -> httpx.Response:
    headers = server.headers("ingest", **{"Content-Type": media})
    return httpx.post(server.base + URL, content=body, headers=headers, timeout=120)


def test_out_of_bounds_offsets_are_a_422_not_a_crash(server: LiveServer) -> None:
    answer = _post(server, _probes.bad_offsets(), ARROW)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["type"] == "arrow_validation"
    assert "Offset invariant failure" in answer.json()["detail"]
    assert server.alive()


@pytest.mark.parametrize(
    ("probe", "media", "limit"),
    [
        (_probes.zstd_rows_bomb, ARROW, "max_rows"),
        (_probes.zstd_bytes_bomb, ARROW, "max_bytes"),
        (_probes.parquet_rows_bomb, PARQUET, "max_rows"),
        (_probes.parquet_size_bomb, PARQUET, "max_bytes"),
    ],
)
def test_decompression_bombs_are_a_413_naming_the_limit(
    server: LiveServer, probe: Callable[[], bytes], media: str, limit: str
) -> None:
    body = probe()
    before = server.peak_rss_mib()
    answer = _post(server, body, media)
    assert answer.status_code == 413, answer.text
    assert answer.json()["errors"][0]["type"] == limit
    assert f"({limit}," in answer.json()["detail"]
    assert server.alive()
    # Refused from what the body declares: the peak grows by far less than the bomb
    # (0.8 GB, 300 MB, 2 billion rows, 1 TiB); two 100 MB batches of the byte bomb fit.
    print(
        f"{probe.__name__}: {len(body)} bytes, peak RSS +{server.peak_rss_mib() - before:.0f} MiB"
    )  # type: ignore[attr-defined]
    assert server.peak_rss_mib() - before < 300


def test_a_valid_arrow_body_is_still_accepted(server: LiveServer) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "id": [f"ok-{i}" for i in range(10)],
            "timestamp": ["2024-05-01T12:00:00Z"] * 10,
            "feature.x": [float(i) for i in range(10)],
            "prediction": pa.array([1] * 10, pa.int64()),
        }
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(
        sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")
    ) as w:
        w.write_table(table)
    answer = _post(server, sink.getvalue().to_pybytes(), ARROW)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 10


def test_a_profile_bomb_is_refused_before_it_is_inflated(server: LiveServer) -> None:
    import zlib

    from watchkeeper.profile._format import _COMPRESSED, _HEADER, FORMAT_VERSION, MAGIC

    packer = zlib.compressobj(9)
    payload = b"".join(packer.compress(bytes(1 << 20)) for _ in range(512)) + packer.flush()
    body = _HEADER.pack(MAGIC, FORMAT_VERSION, _COMPRESSED, len(payload), zlib.crc32(payload))
    body += payload  # 512 MiB of zeros in about 0.5 MB
    answer = httpx.post(
        f"{server.base}/v1/models/churn/versions?version=v9",
        content=body,
        headers=server.headers("admin", **{"Content-Type": "application/vnd.watchkeeper.profile"}),
        timeout=120,
    )
    assert answer.status_code == 413, answer.text
    assert answer.json()["errors"][0]["type"] == "max_bytes"
    assert server.alive()
