"""The batch examples of docs/spark.md run as written, in ``local[2]`` (slow).

``performance_profiles`` on a lake folder in place of ``s3://lake/`` gives the keys the
page's comment shows: ``(window start, None)`` for all of a window's rows and
``(start, "region=eu")`` per segment. ``monitor_performance`` posts to the real server
(uvicorn thread, model ``churn`` v3) and the closed windows count the labels. Left out:
the two streaming examples (``PerformanceSink`` and ``performance_stream_sink`` on a
file source that never ends; tests/integrations/test_spark_performance_stream.py and
test_spark_performance_post.py drive them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.docs._lake import write_lake
from tests.docs._pages import block, blocks

from watchkeeper.service import MonitoringService

PAGE = "spark.md"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def test_every_python_block_is_accounted_for() -> None:
    assert len(blocks(PAGE, "python")) == 3


def test_performance_profiles_are_keyed_as_the_page_shows(spark: Any, tmp_path: Path) -> None:
    write_lake(tmp_path)
    code = block(PAGE, "python", "found = performance_profiles(")
    code = code.replace("s3://lake/", f"{tmp_path}/")
    *lines, last, _comment = code.strip().splitlines()
    names: dict[str, Any] = {"spark": spark}
    exec("\n".join(lines), names)
    shown = eval(last, names)
    starts = [datetime(2026, 11, 1, hour, tzinfo=UTC) for hour in (10, 11)]
    segments = [None, "region=eu", "region=us"]
    assert set(shown) == {(start, segment) for start in starts for segment in segments}


def test_monitor_performance_posts_the_labels(
    spark: Any, served: tuple[MonitoringService, str, str], tmp_path: Path
) -> None:
    service, url, key = served
    write_lake(tmp_path)
    code = block(PAGE, "python", "monitor_performance(predictions")
    batch = code.split("\n\n(labels_stream")[0]  # the streaming half never ends
    names: dict[str, Any] = {
        "predictions": spark.read.parquet(str(tmp_path / "predictions")),
        "labels": spark.read.parquet(str(tmp_path / "labels")),
        "URL": url,
        "KEY": key,
    }
    exec(batch, names)
    windows = service.close_windows("churn", now=datetime(2026, 11, 2, tzinfo=UTC))
    labelled = sum(w.n_labels for w in windows if w.segment is None)
    assert labelled == 134  # every third prediction has its label
