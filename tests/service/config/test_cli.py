"""``watchkeeper validate``, ``schedule run`` and ``apply`` through their parsers."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.cli import _apply, _config

EXAMPLE = Path(__file__).parents[3] / "examples" / "watchkeeper.yaml"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="watchkeeper")
    subparsers = parser.add_subparsers(dest="command")
    _config.add_parser(subparsers)
    _apply.add_parser(subparsers)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_validate_a_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate", str(EXAMPLE)) == 0
    out = capsys.readouterr().out
    assert out == f"{EXAMPLE}: valid (2 models, 6 monitors, 4 channels, 1 schedules)\n"


def test_validate_prints_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "watchkeeper.yaml"
    path.write_text(
        "models:\n  - {name: m, task: regresion}\nmonitors:\n"
        "  - {name: d, model: m, metric: drift_scor, condition: {above: 1}}\n",
        encoding="utf-8",
    )
    assert run("validate", str(path)) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:2: model 'm': unknown task 'regresion'")
    assert (
        err[1] == f"{path}:4: monitor 'd': unknown metric 'drift_scor'; did you mean 'drift_score'?"
    )
    assert err[2] == f"{path}: 2 problems"


def _project(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    (tmp_path / "data" / "current").mkdir(parents=True)
    pq.write_table(pa.table({"x": rng.normal(0, 1, 300)}), tmp_path / "data" / "ref.parquet")
    pq.write_table(
        pa.table({"x": rng.normal(3, 1, 300)}), tmp_path / "data" / "current" / "1.parquet"
    )
    path = tmp_path / "watchkeeper.yaml"
    path.write_text(
        "models:\n"
        "  - name: m\n    task: regression\n    reference: data/ref.parquet\n"
        "    schema: {columns: {x: numeric}}\n"
        "    versions: [{name: v1, reference: data/ref.parquet, active: true}]\n"
        "monitors:\n"
        "  - {name: drift, model: m, metric: drift_detected, columns: [x],"
        " condition: {above: 0.5}, min_samples: 10}\n"
        "schedules:\n"
        "  - {name: hourly, model: m, current: 'data/current/*.parquet', every: 1h}\n",
        encoding="utf-8",
    )
    return path


def test_schedule_run_prints_the_summary_and_breaches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    assert run("schedule", "run", str(path), "hourly", "--now", "2024-05-02T10:00:00+00:00") == 1
    out = capsys.readouterr().out
    assert out.startswith("schedule hourly: model m, version batch, 1 file\n")
    assert "DRIFT: 1 of 1 features drifted" in out
    assert (
        "1 monitor breach:\n  [warning] drift: drift_detected of 'x' for m batch: 1 is above 0.5"
        in out
    )


def test_schedule_run_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = _project(tmp_path)
    assert run("schedule", "run", str(path), "hourly", "--json", "--now", "2024-05-02T10:00") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["window_end"] == "2024-05-02T10:00:00+00:00"
    assert data["window_start"] == "2024-05-02T09:00:00+00:00"
    assert [b["monitor"] for b in data["breached"]] == ["drift"]


def test_apply_loads_the_file_into_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sqlalchemy")
    path = _project(tmp_path)
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    assert run("apply", str(path), "--database-url", url) == 0
    assert capsys.readouterr().out == (
        f"applied {path}: 1 models, 1 versions, 1 monitors, 0 channels\n"
    )
    from watchkeeper.service._service import MonitoringService
    from watchkeeper.service._settings import Settings
    from watchkeeper.store import Store

    service = MonitoringService(Store(url), Settings(database_url=url))
    assert service.get_model("m").active_version == "v1"
    assert [v.has_reference for v in service.list_versions("m")] == [True]
    # Applying twice changes nothing.
    assert run("apply", str(path), "--database-url", url) == 0


def test_apply_refuses_an_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "watchkeeper.yaml"
    shutil.copy(EXAMPLE, path)
    path.write_text(path.read_text(encoding="utf-8").replace("secret_env:", "secret:"))
    assert run("apply", str(path), "--database-url", f"sqlite:///{tmp_path / 'x.db'}") == 2
    assert "holds a literal secret" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
