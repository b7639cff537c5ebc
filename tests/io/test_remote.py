"""Sources beyond local files: S3 (a real moto server on 127.0.0.1), HTTP, Arrow C streams,
polars LazyFrames, DuckDB relations and Dask DataFrames."""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.io import expand_paths, is_url, iter_batches, read_table, source_bytes, to_table

BUCKET = "wk-data"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tables(seed: int = 0) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(seed)
    reference = pa.table({"age": rng.normal(40, 10, 800), "city": rng.choice(["a", "b", "c"], 800)})
    current = pa.table({"age": rng.normal(44, 10, 800), "city": rng.choice(["a", "b", "c"], 800)})
    return reference, current


@pytest.fixture(scope="module")
def s3_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A moto S3 server on 127.0.0.1, a bucket with two parquet files and a CSV."""
    pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        folder = tmp_path_factory.mktemp("s3")
        reference, current = _tables()
        pq.write_table(reference, folder / "ref.parquet")
        pq.write_table(current, folder / "cur.parquet")
        (folder / "ref.csv").write_text("age,city\n1.5,a\n2.5,b\n", encoding="utf-8")
        client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"])
        client.create_bucket(Bucket=BUCKET)
        for name in ("ref.parquet", "cur.parquet", "ref.csv"):
            client.upload_file(str(folder / name), BUCKET, name)
            client.upload_file(str(folder / name), BUCKET, f"day=1/{name}")
        yield {**env, "folder": str(folder)}
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_is_url() -> None:
    assert is_url("s3://b/k.parquet") and is_url("https://x/y.csv") and is_url("abfs://c/f")
    assert not is_url("data/x.parquet") and not is_url("C:\\data\\x.csv") and not is_url(3)


def test_local_only_steps_say_so_for_a_url() -> None:
    with pytest.raises(InputError, match="is a URL and this step reads local files only"):
        expand_paths("s3://bucket/ref.parquet")


def test_s3_files_read_as_the_local_ones(s3_env: dict[str, str]) -> None:
    folder = Path(s3_env["folder"])
    remote = read_table(f"s3://{BUCKET}/ref.parquet")
    assert remote.equals(pq.read_table(folder / "ref.parquet"))
    csv = read_table(f"s3://{BUCKET}/ref.csv")
    assert csv.column("age").to_pylist() == [1.5, 2.5]
    # A glob lists the bucket; streaming reads the same rows.
    both = read_table(f"s3://{BUCKET}/day=*/*.parquet")
    assert both.num_rows == 1600
    streamed = sum(b.num_rows for b in iter_batches(f"s3://{BUCKET}/ref.parquet", batch_size=300))
    assert streamed == 800
    assert source_bytes(f"s3://{BUCKET}/ref.parquet") == (folder / "ref.parquet").stat().st_size


def test_s3_errors_name_the_url(s3_env: dict[str, str]) -> None:
    with pytest.raises(InputError, match=r"'s3://wk-data/nope.parquet' does not exist"):
        read_table(f"s3://{BUCKET}/nope.parquet")
    with pytest.raises(InputError, match="no file matches"):
        read_table(f"s3://{BUCKET}/none-*.parquet")
    with pytest.raises(InputError, match="is a folder"):
        read_table(f"s3://{BUCKET}/day=1")


def test_cli_report_on_s3_gives_the_local_verdicts(s3_env: dict[str, str]) -> None:
    folder = Path(s3_env["folder"])
    command = str(Path(sys.executable).with_name("watchkeeper"))
    env = {**os.environ, **{k: v for k, v in s3_env.items() if k != "folder"}}

    def verdicts(reference: str, current: str) -> list[tuple[str, bool, float]]:
        done = subprocess.run(
            [command, "report", reference, current, "--json", "-"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        drift = json.loads(done.stdout)["drift"]
        return [(c["column"], c["drifted"], c["p_value"]) for c in drift["columns"]]

    remote = verdicts(f"s3://{BUCKET}/ref.parquet", f"s3://{BUCKET}/cur.parquet")
    local = verdicts(str(folder / "ref.parquet"), str(folder / "cur.parquet"))
    assert remote == local
    assert ("age", True) in [(c, d) for c, d, _ in remote]


def test_https_file_is_fetched(tmp_path: Path) -> None:
    reference, _ = _tables()
    pq.write_table(reference, tmp_path / "ref.parquet")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert read_table(f"{base}/ref.parquet").equals(reference)
        with pytest.raises(InputError, match=r"cannot read 'http://127\.0\.0\.1"):
            read_table(f"{base}/missing.parquet")
    finally:
        server.shutdown()
        server.server_close()


def test_polars_lazy_frame() -> None:
    pl = pytest.importorskip("polars")
    lazy = pl.LazyFrame({"x": [1.0, 2.0, 3.0]}).filter(pl.col("x") > 1.0)
    assert to_table(lazy).column("x").to_pylist() == [2.0, 3.0]


def test_duckdb_relation_and_arrow_c_stream() -> None:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    relation = connection.sql("select range::double as x from range(5)")
    assert to_table(relation).column("x").to_pylist() == [0.0, 1.0, 2.0, 3.0, 4.0]

    class Stream:  # any object speaking the Arrow PyCapsule stream protocol
        def __init__(self, table: pa.Table) -> None:
            self.table = table

        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return self.table.__arrow_c_stream__(requested_schema)

    table = pa.table({"y": ["a", "b"]})
    assert to_table(Stream(table)).equals(table)
    assert to_table(pa.RecordBatchReader.from_batches(table.schema, table.to_batches())).equals(
        table
    )


def test_dask_frame_is_read_per_partition() -> None:
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": np.arange(10.0), "c": list("abcdeabcde")})
    lazy = dd.from_pandas(frame, npartitions=3)
    table = to_table(lazy)
    assert table.column("x").to_pylist() == list(np.arange(10.0))
    assert table.column("c").to_pylist() == list("abcdeabcde")


def test_report_accepts_a_lazy_frame_and_a_relation() -> None:
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    import watchkeeper as wk

    reference, current = _tables()
    relation = duckdb.connect().from_arrow(current)
    result = wk.report(pl.from_arrow(reference).lazy(), relation)
    expected = wk.report(reference, current)
    assert result.drift.to_pandas()[["column", "drifted", "p_value"]].equals(
        expected.drift.to_pandas()[["column", "drifted", "p_value"]]
    )
