"""``watchkeeper audit list|export|verify`` through the real command line, on a store
written by the audit repository (the service's actions are tested in test_http_audit)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from watchkeeper.cli import main
from watchkeeper.compliance._audit import Actor, AuditRepository, read_jsonl, record
from watchkeeper.store import Store

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    store = Store(url)
    repo = AuditRepository(store.engine)
    alice, system = Actor("key_a1", "alice"), Actor.system()
    record(repo, alice, "model.create", "model:churn", model="churn", after={"task": "x"}, at=T0)
    record(repo, alice, "version.create", "version:churn/v1", model="churn",
           at=T0 + timedelta(hours=1))  # fmt: skip
    record(repo, system, "retention.run", "model:churn", model="churn", after={"rows": 3},
           at=T0 + timedelta(hours=2))  # fmt: skip
    record(repo, alice, "key.revoke", "key:key_b2", at=T0 + timedelta(hours=3))
    store.close()
    return url


def test_list_filters_and_prints_oldest_first(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "list", "--database-url", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[3] for line in lines] == [
        "model.create",
        "version.create",
        "retention.run",
        "key.revoke",
    ]
    assert lines[0].split("\t")[2] == "alice"
    assert main(["audit", "list", "--database-url", url, "--actor", "system", "--json", "-"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["seq"], e["actor_id"], e["after"]) for e in listed] == [(3, "system", {"rows": 3})]
    argv = ["audit", "list", "--database-url", url, "--model", "churn", "--limit", "2"]
    assert main([*argv, "--since", "2024-03-01T10:00:00Z", "--json", "-"]) == 0
    assert [e["seq"] for e in json.loads(capsys.readouterr().out)] == [2, 3]


def test_export_then_verify_the_export_offline(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "audit.jsonl"
    assert main(["audit", "export", "--jsonl", str(export), "--database-url", url]) == 0
    lines = export.read_text().splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["prev_hash"] == "0" * 64
    assert main(["audit", "verify", "--jsonl", str(export)]) == 0
    capsys.readouterr()
    # Change who did the second thing: the export no longer verifies, at entry 2.
    second = json.loads(lines[1])
    second["actor_name"] = "mallory"
    lines[1] = json.dumps(second)
    export.write_text("\n".join(lines) + "\n")
    assert main(["audit", "verify", "--jsonl", str(export)]) == 1
    assert "broken at entry 2" in capsys.readouterr().err
    assert [e.seq for e in read_jsonl(export)] == [1, 2, 3, 4]


def test_verify_the_database_catches_a_tampered_entry(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--database-url", url, "--json", "-"]) == 0
    intact = json.loads(capsys.readouterr().out)
    assert intact["ok"] and intact["checked"] == 4
    store = Store(url)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER wk_audit_no_update"))
        connection.execute(text("UPDATE wk_audit SET target = 'key:key_zz' WHERE seq = 4"))
    store.close()
    assert main(["audit", "verify", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "broken at entry 4" in err and "3 entries before it are intact" in err
    # Keeping the head's hash elsewhere catches the newest entries being cut off too.
    assert main(["audit", "verify", "--database-url", url, "--head", intact["head_hash"]]) == 1


def test_verify_with_the_recorded_head(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--database-url", url, "--json", "-"]) == 0
    head = json.loads(capsys.readouterr().out)["head_hash"]
    assert main(["audit", "verify", "--database-url", url, "--head", head, "--quiet"]) == 0
    assert main(["audit", "verify", "--database-url", url, "--head", "f" * 64]) == 1
    assert "entries were removed from its end" in capsys.readouterr().err


def test_a_missing_database_is_an_error_not_an_empty_trail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = f"sqlite:///{tmp_path / 'nope.db'}"
    assert main(["audit", "verify", "--database-url", missing]) == 2
    assert "there is no database" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()


def test_a_field_added_to_an_exported_entry_is_refused(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The hash covers the known fields: an added one would pass the chain unseen.
    export = tmp_path / "audit.jsonl"
    assert main(["audit", "export", "--jsonl", str(export), "--database-url", url]) == 0
    lines = export.read_text().splitlines()
    second = json.loads(lines[1])
    second["approved_by"] = "the board"
    lines[1] = json.dumps(second)
    export.write_text("\n".join(lines) + "\n")
    assert main(["audit", "verify", "--jsonl", str(export)]) == 2
    error = capsys.readouterr().err
    assert f"{export}:2 has fields an audit entry does not have (approved_by)" in error
