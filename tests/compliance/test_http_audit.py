"""Every state-changing action through the real entry points (HTTP, the CLI) lands in
the audit trail with its actor, on SQLite and PostgreSQL; a tampered entry is caught."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from watchkeeper.cli import main
from watchkeeper.compliance._audit import Actor
from watchkeeper.server import create_app
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

T = datetime(2024, 5, 1, 12, tzinfo=UTC)
REPORT = {
    "schema_version": "1.0",
    "created_at": "2024-01-01T00:00:00+00:00",
    "reference": {"name": "ref", "n_rows": 10, "n_columns": 1},
    "current": {"name": "cur", "n_rows": 10, "n_columns": 1},
    "drift": {"share_drifted": 0.0, "dataset_drift": False, "columns": []},
    "quality": {"findings": []},
}
CONFIG = """\
models:
  - name: churn
    task: binary_classification
monitors:
  - name: busy
    model: churn
    metric: row_count
    condition: {above: 0}
    min_samples: 1
"""


@pytest.fixture
def service(database_url: str) -> Iterator[MonitoringService]:
    real = MonitoringService(Store(database_url), Settings(database_url=database_url))
    yield real
    real.store.close()


def _client(service: MonitoringService, key: str) -> TestClient:
    app = create_app(service, Settings(database_url=service.store.url, tick_seconds=0))
    return TestClient(app, base_url="http://localhost", headers={"Authorization": f"Bearer {key}"})


def _entries(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/v1/audit", params=params)
    assert answer.status_code == 200, answer.text
    return list(reversed(answer.json()["entries"]))  # oldest first


def test_each_action_over_http_is_audited_with_its_actor(
    service: MonitoringService, database_url: str, tmp_path: Path
) -> None:
    admin = Actor("cli-test", "test")
    alice_info, alice = service.create_api_key(["admin"], name="alice", actor=admin)
    bob_info, bob = service.create_api_key(["admin"], name="bob", actor=admin)
    reports_info, reports = service.create_api_key(["reports"], name="nightly-ci", actor=admin)
    _, ingest = service.create_api_key(["ingest"], name="sdk", actor=admin)
    # apply from the command line: the config's diff and each monitor it creates.
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(CONFIG)
    assert main(["apply", str(config), "--database-url", database_url]) == 0
    # Applying the same file again changes nothing, and records nothing.
    assert main(["apply", str(config), "--database-url", database_url]) == 0
    assert len(service.list_audit(action="config.apply")) == 1
    service._forget()
    with _client(service, alice) as a, _client(service, bob) as b, _client(service, ingest) as i:
        reference = [{"age": float(x), "plan": "a"} for x in range(20)]
        fraud = {"name": "fraud", "task": "regression", "schema": {"age": "numeric"}}
        assert a.post("/v1/models", json=fraud).status_code == 201
        v1 = {"version": "v1", "reference": reference, "activate": True}
        answer = a.post("/v1/models/churn/versions", json=v1)
        assert answer.status_code == 201, answer.text
        assert b.post("/v1/models/churn/versions", json={"version": "v2"}).status_code == 201
        assert b.post("/v1/models/churn/versions/v2/promote").status_code == 200
        assert a.post("/v1/models/churn/rollback").status_code == 200
        records = [{"id": f"r{n}", "timestamp": T.isoformat(), "prediction": 1} for n in range(3)]
        sent = i.post("/v1/models/churn/predictions", json={"version": "v1", "records": records})
        assert sent.status_code == 200, sent.text
        closed = b.post("/v1/models/churn/windows/close",
                        json={"now": (T + timedelta(days=1)).isoformat()})  # fmt: skip
        assert closed.status_code == 200, closed.text
        key = next(x["key"] for x in a.get("/v1/alerts").json()["alerts"] if x["state"] == "firing")
        assert a.post(f"/v1/alerts/{key}/ack").status_code == 200
        until = (T + timedelta(days=30)).isoformat()
        assert b.post(f"/v1/alerts/{key}/silence", json={"until": until}).status_code == 200
        with _client(service, reports) as r:
            assert r.post("/v1/reports?model=churn", json=REPORT).status_code == 201
            # Reading the trail takes an admin key.
            assert r.get("/v1/audit").status_code == 403
        service.revoke_api_key(reports_info.id, actor=Actor(alice_info.id, "alice"))
        # keys from the command line act as cli:USER
        assert main(["keys", "create", "--scope", "read", "--database-url", database_url]) == 0
        assert main(["keys", "revoke", bob_info.id, "--database-url", database_url]) == 0

        trail = _entries(a, limit=1000)
        seen = [(e["action"], e["actor_name"], e["target"]) for e in trail]
        expected = [
            ("key.create", "test", f"key:{alice_info.id}"),
            ("key.create", "test", f"key:{bob_info.id}"),
            ("model.create", "cli:", "model:churn"),
            ("monitor.create", "cli:", "monitor:busy"),
            ("config.apply", "cli:", "config:"),
            ("model.create", "alice", "model:fraud"),
            ("version.create", "alice", "version:churn/v1"),
            ("version.create", "bob", "version:churn/v2"),
            ("version.promote", "bob", "version:churn/v2"),
            ("version.rollback", "alice", "version:churn/v1"),
            ("windows.close", "bob", "model:churn"),
            ("alert.acknowledge", "alice", f"alert:{key}"),
            ("alert.silence", "bob", f"alert:{key}"),
            ("report.upload", "nightly-ci", "report:"),
            ("key.create", "cli:", "key:"),
            ("key.revoke", "cli:", f"key:{bob_info.id}"),
            ("key.revoke", "alice", f"key:{reports_info.id}"),
        ]
        for action, actor, target in expected:
            assert any(
                s[0] == action and s[1].startswith(actor) and s[2].startswith(target) for s in seen
            ), f"{action} by {actor} on {target} is not in the trail: {seen}"
        by_action = {e["action"]: e for e in trail}
        # The key's id is the actor's id: a name alone could be reused.
        assert by_action["version.promote"]["actor_id"] == bob_info.id
        assert by_action["report.upload"]["actor_id"] == reports_info.id
        assert by_action["version.promote"]["before"] == {"active": "v1"}
        assert by_action["version.promote"]["after"] == {"active": "v2"}
        assert by_action["config.apply"]["after"]["monitor:busy"]["metric"] == "row_count"
        assert by_action["config.apply"]["before"]["monitor:busy"] is None
        assert by_action["alert.acknowledge"]["after"] == {"acknowledged_by": "alice"}
        # No key material anywhere in the trail.
        assert all(k not in str(trail) for k in (alice, bob, reports, ingest))
        # Filters.
        assert {e["actor_id"] for e in _entries(a, actor="bob")} == {bob_info.id}
        assert [e["action"] for e in _entries(a, action="version.")] == [
            "version.create", "version.create", "version.promote", "version.rollback",
        ]  # fmt: skip
        assert {e["model"] for e in _entries(a, model="fraud")} == {"fraud"}
        newest = _entries(a, limit=3)
        older = _entries(a, limit=1000, before_seq=newest[0]["seq"])
        assert [e["seq"] for e in older + newest] == [e["seq"] for e in trail]
        assert a.get("/v1/audit/verify").json()["ok"] is True
        # Ingestion changes no configuration: it is not audited.
        assert not [e for e in trail if e["actor_name"] == "sdk"]


def test_a_tampered_entry_is_caught_by_audit_verify(
    service: MonitoringService, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, alice = service.create_api_key(["admin"], name="alice")
    with _client(service, alice) as a:
        a.post("/v1/models", json={"name": "m", "task": "regression", "schema": {"x": "numeric"}})
        a.post("/v1/models/m/versions", json={"version": "v1", "activate": True})
        a.post("/v1/models/m/versions", json={"version": "v2"})
        a.post("/v1/models/m/versions/v2/promote")
    assert main(["audit", "verify", "--database-url", database_url]) == 0
    capsys.readouterr()
    # Someone with database access rewrites who promoted v2.
    with service.store.engine.begin() as connection:
        if service.store.dialect == "postgresql":
            connection.execute(text("ALTER TABLE wk_audit DISABLE TRIGGER wk_audit_append_only"))
        else:
            connection.execute(text("DROP TRIGGER wk_audit_no_update"))
        connection.execute(
            text("UPDATE wk_audit SET actor_name = 'mallory' WHERE action = 'version.promote'")
        )
    seq = service.list_audit(action="version.promote")[0].seq
    assert main(["audit", "verify", "--database-url", database_url]) == 1
    assert f"broken at entry {seq}" in capsys.readouterr().err
    with _client(service, alice) as a:
        check = a.get("/v1/audit/verify").json()
    assert (check["ok"], check["broken_seq"]) == (False, seq)
