"""Scheduled batch monitors over small parquet files."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper.service.config import (
    WatchkeeperConfig,
    is_due,
    last_due,
    load_config,
    parse_config,
    run_schedule,
)

NOW = datetime(2024, 5, 2, tzinfo=UTC)

CONFIG = """\
models:
  - name: churn
    task: binary_classification
    reference: data/reference.parquet
    schema:
      columns: {age: numeric, plan: categorical}
      target: churned
      prediction: predicted
    versions:
      - {name: nightly, baseline: {accuracy: 0.9}}
monitors:
  - {name: drift, model: churn, metric: drift_score, columns: [age, plan],
     condition: {above: 0.95}, min_samples: 10}
  - {name: share, model: churn, metric: share_drifted, condition: {above: 0.6}, min_samples: 10}
  - {name: accuracy, model: churn, metric: accuracy,
     condition: {relative_to_baseline: 0.1, direction: down}, min_samples: 10}
  - {name: rows, model: churn, metric: row_count, condition: {below: 100000}}
schedules:
  - {name: nightly, model: churn, current: "data/current/*.parquet", every: 1d,
     version: nightly, monitors: [drift, share, accuracy]}
"""


def _table(rng: np.random.Generator, n: int, shift: float, flip: float) -> pa.Table:
    truth = rng.integers(0, 2, n)
    wrong = rng.random(n) < flip
    return pa.table(
        {
            "age": rng.normal(40 + shift, 10, n),
            "plan": rng.choice(["basic", "plus"], n),
            "churned": truth,
            "predicted": np.where(wrong, 1 - truth, truth),
        }
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    rng = np.random.default_rng(11)
    (tmp_path / "data" / "current").mkdir(parents=True)
    pq.write_table(_table(rng, 400, 0.0, 0.05), tmp_path / "data" / "reference.parquet")
    pq.write_table(_table(rng, 150, 8.0, 0.3), tmp_path / "data" / "current" / "a.parquet")
    pq.write_table(_table(rng, 150, 8.0, 0.3), tmp_path / "data" / "current" / "b.parquet")
    (tmp_path / "watchkeeper.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def test_run_gives_points_named_as_the_service_names_them(project: Path) -> None:
    run = run_schedule(load_config(project / "watchkeeper.yaml"), "nightly", NOW)
    assert [Path(f).name for f in run.files] == ["a.parquet", "b.parquet"]
    assert (run.window_start, run.window_end) == (NOW - timedelta(days=1), NOW)
    points = {(p.metric, p.feature): p.value for p in run.points}
    assert {p.version for p in run.points} == {"nightly"}
    assert points[("row_count", None)] == 300.0
    assert points[("missing_share", "age")] == 0.0
    # Reference values from scipy and from the rows themselves.
    reference = pq.read_table(project / "data" / "reference.parquet")
    current = pa.concat_tables(
        [pq.read_table(project / "data" / "current" / f) for f in ("a.parquet", "b.parquet")]
    )
    ks = stats.ks_2samp(reference["age"].to_numpy(), current["age"].to_numpy())
    assert points[("drift_p_value", "age")] == pytest.approx(ks.pvalue, rel=1e-6, abs=1e-12)
    assert points[("drift_detected", "age")] == 1.0
    truth, predicted = current["churned"].to_numpy(), current["predicted"].to_numpy()
    assert points[("accuracy", None)] == pytest.approx(float(np.mean(truth == predicted)))
    assert points[("share_drifted", None)] == 0.5


def test_breached_monitors_are_those_of_the_schedule(project: Path) -> None:
    run = run_schedule(load_config(project / "watchkeeper.yaml"), "nightly", NOW)
    breached = sorted((e.monitor.name, e.point.feature) for e in run.breached)
    # age drifted (shift of 0.8 sd); accuracy fell from a 0.9 baseline to about 0.7;
    # half the features drifted, under the 0.6 limit; 'rows' is not in the schedule.
    assert breached == [("accuracy", None), ("drift", "age")]
    assert {e.monitor.name for e in run.evaluations} == {"drift", "share", "accuracy"}
    assert run.to_dict()["breached"][0]["monitor"] in {"accuracy", "drift"}


def test_no_matching_file_is_an_input_error(project: Path) -> None:
    for path in (project / "data" / "current").iterdir():
        path.unlink()
    with pytest.raises(InputError, match="no file matches"):
        run_schedule(load_config(project / "watchkeeper.yaml"), "nightly", NOW)


def test_unknown_schedule(project: Path) -> None:
    with pytest.raises(ConfigError, match="schedule 'weekly' is not in the file"):
        run_schedule(load_config(project / "watchkeeper.yaml"), "weekly", NOW)


def test_missing_reference(project: Path) -> None:
    (project / "data" / "reference.parquet").unlink()
    with pytest.raises(InputError, match="reference file"):
        run_schedule(load_config(project / "watchkeeper.yaml"), "nightly", NOW)


def test_due_times_are_aligned_like_cron() -> None:
    assert last_due(timedelta(days=1), datetime(2024, 5, 2, 13, 7, tzinfo=UTC)) == datetime(
        2024, 5, 2, tzinfo=UTC
    )
    assert last_due(timedelta(minutes=15), datetime(2024, 5, 2, 13, 7, tzinfo=UTC)) == datetime(
        2024, 5, 2, 13, 0, tzinfo=UTC
    )
    config = load_config_text("""\
    models: [{name: m, task: regression, reference: r.parquet}]
    schedules: [{name: s, model: m, current: "*.parquet", every: 1h}]
    """)
    schedule = config.schedule("s")
    at = datetime(2024, 5, 2, 13, 7, tzinfo=UTC)
    assert is_due(schedule, None, at)
    assert not is_due(schedule, datetime(2024, 5, 2, 13, 0, 30, tzinfo=UTC), at)
    assert is_due(schedule, datetime(2024, 5, 2, 12, 59, tzinfo=UTC), at)
    with pytest.raises(InputError, match="no time zone"):
        last_due(timedelta(hours=1), datetime(2024, 5, 2))


def load_config_text(text: str) -> WatchkeeperConfig:
    return parse_config(textwrap.dedent(text))
