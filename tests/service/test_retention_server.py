"""``server: retention:`` is the default of EVERY model of a server started with the file
(issue 16, item 5): models created through the API follow it for all four kinds, with
the precedence model > server > WATCHKEEPER_RAW_RETENTION > default, decided in one place
(service/_retention.resolve); ``watchkeeper retention run FILE`` applies it to models the
file does not declare and says where each period came from. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.service._retention import T, batch, raw_records

from watchkeeper._exceptions import InputError
from watchkeeper.cli import main
from watchkeeper.server import create_app
from watchkeeper.server._background import run_tick
from watchkeeper.service._retention import Period, resolve
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
ENV = timedelta(hours=12)  # what WATCHKEEPER_RAW_RETENTION=12h gives

FILE = """\
server:
  retention: {records: 2d, labels: 1d, profiles: 1d, metrics: 3d}
models:
  - name: declared
    task: regression
    window: 1h
    schema: {columns: {x: numeric}}
    retention: {records: 1d}
"""
SCHEMA = {"columns": {"x": "numeric"}}


def _fill(service: MonitoringService, model: str, n: int = 5) -> None:
    """n labelled predictions in the window at T, closed at T + 2h (the clock)."""
    service.create_version(model, "v1", activate=True)
    service.ingest_predictions(model, "v1", batch(model, n))
    assert service.ingest_labels(model, [(f"{model}{i}", float(i)) for i in range(n)])
    assert [w.status for w in service.close_windows(model)] == ["closed"]


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[MonitoringService, TestClient]]:
    """A server started with FILE (as ``serve --config``) and WATCHKEEPER_RAW_RETENTION=12h."""
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(FILE)
    settings = Settings(
        database_url=database_url, dev=True, config_path=str(config), tick_seconds=0,
        raw_retention=ENV,
    )  # fmt: skip
    service = MonitoringService(Store(database_url), settings, clock=lambda: T + 2 * HOUR)
    try:
        with TestClient(create_app(service, settings), base_url="http://localhost") as client:
            yield service, client
    finally:
        service.store.close()


def test_an_api_model_follows_the_servers_periods_for_every_kind(
    served: tuple[MonitoringService, TestClient], database_url: str
) -> None:
    service, client = served
    for name in ("api", "peer"):  # created through the HTTP API, not in the file
        answer = client.post("/v1/models", json={"name": name, "task": "regression",
                                                 "schema": SCHEMA})  # fmt: skip
        assert answer.status_code == 201, answer.text
    for name in ("declared", "api", "peer"):
        _fill(service, name)
    assert service.retention_periods("api") == {
        "records": Period(2 * DAY, "server"), "labels": Period(DAY, "server"),
        "profiles": Period(DAY, "server"), "metrics": Period(3 * DAY, "server"),
    }  # fmt: skip
    assert service.retention_periods("declared")["records"] == Period(DAY, "model")
    # The peer: the same kind of model on a server started without the file.
    plain = MonitoringService(service.store, Settings(database_url=database_url, raw_retention=ENV))
    assert plain.retention_periods("peer") == {
        "records": Period(ENV, "env"), "labels": Period(None, "default"),
        "profiles": Period(None, "default"), "metrics": Period(None, "default"),
    }  # fmt: skip
    later = T + DAY + 6 * HOUR  # the window closed 28 hours before
    peer = plain.run_retention("peer", now=later)
    api = service.run_retention("api", now=later)
    declared = service.run_retention("declared", now=later)
    # Without the file the env's 12 hours compact the raw rows and nothing else goes.
    assert peer == {"records": 5, "labels": 0, "profiles": 0, "metrics": 0}
    # With it: records kept (2 days beat the env's 12 hours), labels and profiles gone
    # (1 day), metrics kept (3 days).
    assert api["records"] == 0 and api["labels"] == 5 and api["profiles"] >= 1
    assert api["metrics"] == 0
    assert declared["records"] == 5  # its own 1 day beats the server's 2
    audited = service.list_audit(action="retention.run", model="api")[0].after
    assert audited["periods_from"] == dict.fromkeys(audited["periods_seconds"], "server")
    assert (raw_records(service.store, "api"), raw_records(service.store, "peer")) == (5, 0)
    # The background loop's pass applies the same periods: the 2 days pass, then the 3.
    service.clock = lambda: T + 2 * DAY + 6 * HOUR
    assert run_tick(service)["retained"] >= 5  # api's raw rows (and peer's labels)
    assert raw_records(service.store, "api") == 0
    service.clock = lambda: T + 3 * DAY + 6 * HOUR
    run_tick(service)
    assert service.list_windows("api") == [] and service.metric_series("api", "row_count") == []


def test_precedence_is_decided_in_one_place() -> None:
    server = {"labels": 30 * DAY, "records": 3 * DAY}
    settings = Settings(raw_retention=ENV, retention=server)
    own = {"records": DAY, "labels": 30 * DAY}  # a file model: server folded in
    assert resolve(own, settings) == {
        "records": Period(DAY, "model"), "labels": Period(30 * DAY, "server"),
        "profiles": Period(None, "default"), "metrics": Period(None, "default"),
    }  # fmt: skip
    assert resolve({}, settings.with_(retention={}))["records"] == Period(ENV, "env")
    assert resolve({}, Settings())["records"] == Period(7 * DAY, "default")
    kept = resolve({}, Settings.from_env({"WATCHKEEPER_RAW_RETENTION": "0"}))["records"]
    assert kept == Period(None, "env")  # 0 keeps raw records: the env said so


def test_the_server_periods_are_checked(database_url: str) -> None:
    service = MonitoringService(Store(database_url), Settings(database_url=database_url))
    try:
        with pytest.raises(InputError, match="unknown retention periods"):
            service.use_server_retention({"rows": DAY})
        with pytest.raises(InputError, match="positive"):
            service.use_server_retention({"labels": timedelta(0)})
        service.use_server_retention({"labels": DAY})
        service.create_model("m", "regression", SCHEMA)
        assert service.retention_periods("m")["labels"] == Period(DAY, "server")
        service.use_server_retention({})
        assert service.retention_periods("m")["labels"] == Period(None, "default")
    finally:
        service.store.close()


def test_retention_run_applies_the_server_periods_to_undeclared_models(
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the real CLI main(): every model of the store is run, each with the
    periods it got and from where."""
    monkeypatch.setenv("WATCHKEEPER_RAW_RETENTION", "12h")
    store = Store(database_url)
    try:
        service = MonitoringService(
            store, Settings(database_url=database_url, raw_retention=None),
            clock=lambda: T + 2 * HOUR,
        )  # fmt: skip
        for name in ("api", "declared"):
            service.create_model(name, "regression", SCHEMA, window=HOUR)
            _fill(service, name)
    finally:
        store.close()
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(FILE)
    now = (T + DAY + 6 * HOUR).isoformat()
    argv = ["retention", "run", str(config), "--now", now, "--database-url", database_url]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "api: records 2d (server), labels 1d (server), profiles 1d (server), " \
        "metrics 3d (server)" in out  # fmt: skip
    assert "declared: records 1d (model), labels 1d (server)" in out
    assert main([*argv, "--json", "-"]) == 0  # a second run: what is left to remove
    removed = json.loads(capsys.readouterr().out)
    assert removed["api"] == {"records": 0, "labels": 0, "profiles": 0, "metrics": 0}
    store = Store(database_url)
    try:
        assert (raw_records(store, "api"), raw_records(store, "declared")) == (5, 0)
        runs = MonitoringService(store, Settings()).list_audit(action="retention.run")
        first = {r.model: r.after for r in runs[-2:]}  # newest first: run 1
        sources = {name: after.pop("periods_from") for name, after in first.items()}
        first = {name: after["removed"] for name, after in first.items()}
        assert sources == {
            "api": dict.fromkeys(("records", "labels", "profiles", "metrics"), "server"),
            "declared": {"records": "model", "labels": "server", "profiles": "server",
                         "metrics": "server"},
        }  # fmt: skip
        assert (first["api"]["records"], first["api"]["labels"]) == (0, 5)
        assert first["api"]["profiles"] >= 1 and first["api"]["metrics"] == 0
        assert first["declared"]["records"] == 5  # its labelled rows went with compaction
        assert all(r.actor_id == "cli" for r in runs)
    finally:
        store.close()
    # Without server: retention: the undeclared model gets the env's 12 hours.
    config.write_text(FILE.replace("  retention: {records: 2d, labels: 1d, profiles: 1d, "
                                   "metrics: 3d}\n", "", 1).replace("server:\n", ""))  # fmt: skip
    assert main([*argv, "--model", "api"]) == 0
    out = capsys.readouterr().out
    assert "api: records 12h (env), labels kept (default)" in out
    assert "removed 5 records" in out
