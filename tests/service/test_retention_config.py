"""The server-wide ``server: retention:`` of watchkeeper.yaml (issue 16): validated with
line numbers like the other keys, and applied with the precedence a model's own period >
the server's > WATCHKEEPER_RAW_RETENTION > 7 days, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from tests.service._retention import T, batch, raw_records

from watchkeeper.cli import main
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import InvalidConfigError, parse_config
from watchkeeper.store import Store

DAY = timedelta(days=1)

FILE = """\
server:
  window: 1h
  retention: {records: 3d, metrics: 400d}
models:
  - name: own
    task: regression
    schema: {columns: {x: numeric}}
    retention: {records: 1d}
  - name: fleet
    task: regression
    schema: {columns: {x: numeric}}
    retention: {labels: 30d, metrics: 90d}
"""


def test_the_servers_periods_fill_what_a_model_leaves_out() -> None:
    config = parse_config(FILE)
    assert config.server.retention == {"records": 3 * DAY, "metrics": 400 * DAY}
    assert config.model("own").retention == {"records": DAY, "metrics": 400 * DAY}
    assert config.model("fleet").retention == {
        "records": 3 * DAY, "labels": 30 * DAY, "metrics": 90 * DAY,
    }  # fmt: skip
    alone = parse_config(FILE.replace("  retention: {records: 3d, metrics: 400d}\n", ""))
    assert alone.server.retention == {}
    assert alone.model("fleet").retention == {"labels": 30 * DAY, "metrics": 90 * DAY}


def test_precedence_model_then_server_then_environment_then_seven_days(
    database_url: str,
) -> None:
    clock = {"now": T + timedelta(hours=2)}
    env = {"WATCHKEEPER_DATABASE_URL": database_url, "WATCHKEEPER_RAW_RETENTION": "12h"}
    store = Store(database_url)
    service = MonitoringService(store, Settings.from_env(env), clock=lambda: clock["now"])
    default = MonitoringService(store, Settings(), clock=lambda: clock["now"])
    try:
        service.apply_config(parse_config(FILE))
        for name in ("api", "default"):  # not in the file: the environment's, or 7 days
            service.create_model(name, "regression", {"x": "numeric"}, window=timedelta(hours=1))
        for name in ("own", "fleet", "api", "default"):
            service.create_version(name, "v1", activate=True)
            service.ingest_predictions(name, "v1", batch(name, 5))
            service.close_windows(name)
        assert {
            n: raw_records(store, n) for n in ("own", "fleet", "api", "default")
        } == dict.fromkeys(("own", "fleet", "api", "default"), 5)
        later = T + 2 * DAY + timedelta(hours=2)  # the windows closed two days before
        service.run_retention("own", now=later)  # its own 1d
        service.run_retention("fleet", now=later)  # the server's 3d, not the env's 12h
        service.run_retention("api", now=later)  # the env's 12h
        default.run_retention("default", now=later)  # no env: 7 days
        assert {n: raw_records(store, n) for n in ("own", "fleet", "api", "default")} == {
            "own": 0, "fleet": 5, "api": 0, "default": 5,
        }  # fmt: skip
        much_later = T + 8 * DAY
        service.run_retention("fleet", now=much_later)
        default.run_retention("default", now=much_later)
        assert raw_records(store, "fleet") == raw_records(store, "default") == 0
    finally:
        store.close()


def test_retention_run_by_hand_applies_the_servers_periods(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``watchkeeper retention run FILE``: a model without its own ``retention:`` is
    run with the server's periods."""
    store = Store(database_url)
    try:
        service = MonitoringService(store, Settings(), clock=lambda: T + timedelta(hours=2))
        service.apply_config(parse_config(FILE))
        service.create_version("fleet", "v1", activate=True)
        service.ingest_predictions("fleet", "v1", batch("fleet", 5))
        service.close_windows("fleet")
    finally:
        store.close()
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(FILE.replace("    retention: {labels: 30d, metrics: 90d}\n", ""))
    now = (T + 4 * DAY).isoformat()
    argv = ["retention", "run", str(config), "--model", "fleet", "--now", now]
    assert main([*argv, "--database-url", database_url, "--json", "-"]) == 0
    removed = json.loads(capsys.readouterr().out)["fleet"]
    assert removed["records"] == 5  # the server's 3 days passed; the model has no own period


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("server:\n  retention: {recrods: 7d}\n", 2,
         "server retention: unknown key 'recrods'; did you mean 'records'?"),
        ("server:\n  window: 1h\n  retention:\n    records: 0\n", 4,
         "server retention: 'records' must be longer than zero"),
        ("server:\n  retention:\n    labels: soon\n", 3, "server retention: 'labels':"),
        ("server:\n  retention: 7d\n", 2, "server retention must be a mapping"),
        ("models: []\nretention: {records: 7d}\n", 2,
         "top level: 'retention' belongs under 'server:'"),
    ],
)  # fmt: skip
def test_a_wrong_server_retention_is_reported_with_its_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(InvalidConfigError) as error:
        parse_config(text)
    problems = [str(p) for p in error.value.problems]
    assert any(p.startswith(f"watchkeeper.yaml:{line}: {message}") for p in problems), problems
    assert len(problems) == 1, problems
