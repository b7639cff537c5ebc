"""The Python examples of docs/scale.md run as written.

The SDK's profile mode runs against the real server on a uvicorn thread (the service
on an in-memory SQLite store, model ``churn`` with reference rows for version ``v3``):
the page's two lines with the reader's ``KEY``, the client closed, the window closed,
and the window counts the one prediction in segment ``region=eu``. The Spark examples
(``monitor`` and ``performance_profiles``) run in ``local[2]`` on the reader's names
(``df``, ``spark``, a lake folder in place of ``s3://lake/``) and are marked slow, like
tests/integrations. Left out: the streaming example (a file source with a checkpoint
that never ends; tests/integrations/test_spark_performance_stream.py drives
``stream_sink``), and the HTTP sketches in plain blocks, which docs/server.md's test runs
for real (``POST .../profiles``) and tests/server covers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests._serving import serving
from tests.docs._pages import block, blocks
from tests.integrations.conftest import spark  # noqa: F401 (the shared Spark session)

from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

PAGE = "scale.md"
SPARK_PANDAS = "ignore:PySpark does not yet fully support pandas:FutureWarning"
REFERENCE = [{"age": 20.0 + i % 50, "plan": ["gold", "silver", "basic"][i % 3]} for i in range(300)]


@pytest.fixture
def served() -> Iterator[tuple[MonitoringService, str, str]]:
    """The real service with ``churn`` v3, served; yields it, its URL and an ingest key."""
    service = MonitoringService(Store("sqlite://"), Settings(database_url="sqlite://"))
    service.create_model(
        "churn", "binary_classification", {"age": "numeric", "plan": "categorical"}
    )
    service.create_version("churn", "v3", reference=pa.Table.from_pylist(REFERENCE), activate=True)
    key = service.create_api_key(["ingest"], name="sdk")[1]
    with serving(service, Settings(database_url="sqlite://")) as url:
        yield service, url, key
    service.store.close()


def test_every_python_block_is_run_here() -> None:
    assert len(blocks(PAGE, "python")) == 3


def test_profile_mode_posts_the_prediction_as_a_profile(
    served: tuple[MonitoringService, str, str],
) -> None:
    service, url, key = served
    code = block(PAGE, "python", 'mode="profile"').replace('"https://wk.example.com"', "URL")
    names: dict[str, Any] = {"URL": url, "KEY": key}
    exec(code, names)
    client = names["client"]
    assert client.close()
    service.close_windows("churn", now=datetime.now(UTC) + timedelta(hours=3))
    windows = service.list_windows("churn", version="v3")
    assert {(w.segment, w.n_records) for w in windows} == {(None, 1), ("region=eu", 1)}


def _lake(root: Path) -> None:
    """Predictions of two hours, and the late labels of most of them."""
    start = datetime(2026, 11, 1, 10, tzinfo=UTC)
    n = 400
    proba = [((i * 37) % 100) / 100 for i in range(n)]
    (root / "predictions").mkdir()
    (root / "labels").mkdir()
    predictions = {
        "id": list(range(n)),
        "ts": pa.array(
            [start + timedelta(seconds=18 * i) for i in range(n)], pa.timestamp("us", "UTC")
        ),
        "age": [20.0 + i % 50 for i in range(n)],
        "plan": [["gold", "silver", "basic"][i % 3] for i in range(n)],
        "region": [["eu", "us"][i % 2] for i in range(n)],
        "latency_ms": [3.0 + i % 7 for i in range(n)],
        "failed": [i % 50 == 0 for i in range(n)],
        "proba": proba,
        "pred": [int(p > 0.5) for p in proba],
    }
    pq.write_table(pa.table(predictions), root / "predictions" / "part-0.parquet")
    labels = {"id": list(range(0, n, 2)), "label": [int(proba[i] > 0.4) for i in range(0, n, 2)]}
    pq.write_table(pa.table(labels), root / "labels" / "part-0.parquet")


@pytest.mark.slow
@pytest.mark.filterwarnings(SPARK_PANDAS)
def test_the_spark_monitor_example_posts_every_window(
    spark: Any,  # noqa: F811 (the imported fixture)
    served: tuple[MonitoringService, str, str],
    tmp_path: Path,
) -> None:
    service, url, key = served
    _lake(tmp_path)
    code = block(PAGE, "python", "monitor(df, url=URL")
    monitor_call = code.split("\n\n(spark.readStream")[0]  # the stream half never ends
    df = spark.read.parquet(str(tmp_path / "predictions"))
    exec(monitor_call, {"df": df, "URL": url, "KEY": key})
    windows = service.close_windows("churn", now=datetime(2026, 11, 2, tzinfo=UTC))
    totals = {w.segment: 0 for w in windows}
    for w in windows:
        totals[w.segment] += w.n_records
    assert totals == {None: 400, "region=eu": 200, "region=us": 200}


@pytest.mark.slow
@pytest.mark.filterwarnings(SPARK_PANDAS)
def test_the_spark_performance_profiles_example(
    spark: Any,  # noqa: F811 (the imported fixture)
    tmp_path: Path,
) -> None:
    _lake(tmp_path)
    code = block(PAGE, "python", "performance_profiles(").replace("s3://lake/", f"{tmp_path}/")
    *lines, last = code.strip().splitlines()
    names: dict[str, Any] = {"spark": spark}
    exec("\n".join(lines), names)
    shown = eval(last, names)
    assert len(shown) == 2  # two hours of predictions
    for start, (accuracy, auc) in shown.items():
        assert start.tzinfo is not None and 0 <= accuracy <= 1
        assert auc.lower <= auc.upper
