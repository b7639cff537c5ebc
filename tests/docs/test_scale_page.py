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

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.docs._lake import write_lake
from tests.docs._pages import block, blocks

from watchkeeper.service import MonitoringService

PAGE = "scale.md"
SPARK_PANDAS = "ignore:PySpark does not yet fully support pandas:FutureWarning"


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


@pytest.mark.slow
@pytest.mark.filterwarnings(SPARK_PANDAS)
def test_the_spark_monitor_example_posts_every_window(
    spark: Any,
    served: tuple[MonitoringService, str, str],
    tmp_path: Path,
) -> None:
    service, url, key = served
    write_lake(tmp_path)
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
    spark: Any,
    tmp_path: Path,
) -> None:
    write_lake(tmp_path)
    code = block(PAGE, "python", "performance_profiles(").replace("s3://lake/", f"{tmp_path}/")
    *lines, last = code.strip().splitlines()
    names: dict[str, Any] = {"spark": spark}
    exec("\n".join(lines), names)
    shown = eval(last, names)
    assert len(shown) == 2  # two hours of predictions
    for start, (accuracy, auc) in shown.items():
        assert start.tzinfo is not None and 0 <= accuracy <= 1
        assert auc.lower <= auc.upper
