"""The examples of docs/compliance.md run as written.

Both YAML examples go through the real commands: ``watchkeeper validate`` and
``watchkeeper apply`` (the privacy declarations refused without
``WATCHKEEPER_PII_KEY``, made with the page's own one-liner, and taken with it), then
``watchkeeper retention run`` prints the line the page gives. The schema the page sends
to ``POST /v1/models`` is taken by the app of ``create_app()`` (the service in memory,
a PII key set). The synopses of ``watchkeeper audit`` and ``watchkeeper card`` run
twice each, once bare and once with every bracketed option filled in, on a SQLite store
that the commands above wrote; ``audit verify`` exits 1 on an export with a changed
entry. The ``DELETE`` lines are run by docs/server.md's test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.docs._pages import block, blocks, watchkeeper

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

PAGE = "compliance.md"


def _pii_key() -> str:
    """The key the page's one-liner prints."""
    text = (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text(encoding="utf-8")
    found = re.search(r"`(python -c '.*?')`", text, re.S)
    assert found, "the page's key one-liner"
    line = found.group(1).replace("python", sys.executable, 1)
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    return {"WATCHKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'wk.db'}"}


def test_every_block_is_run_here() -> None:
    assert len(blocks(PAGE, "yaml")) == 2
    assert len(blocks(PAGE, "text")) == 3


def test_the_privacy_declarations_need_the_key_and_apply_with_it(
    tmp_path: Path, store: dict[str, str]
) -> None:
    (tmp_path / "watchkeeper.yaml").write_text(block(PAGE, "yaml", "pii: hash"), encoding="utf-8")
    assert watchkeeper("validate", "watchkeeper.yaml", cwd=tmp_path).returncode == 0
    refused = watchkeeper("apply", "watchkeeper.yaml", cwd=tmp_path, env=store)
    assert refused.returncode == 2 and "WATCHKEEPER_PII_KEY" in refused.stderr
    key = _pii_key()
    assert len(key) >= 16
    env = {**store, "WATCHKEEPER_PII_KEY": key}
    applied = watchkeeper("apply", "watchkeeper.yaml", cwd=tmp_path, env=env)
    assert applied.returncode == 0, applied.stderr


def test_the_schema_sent_to_the_api_is_taken() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text(encoding="utf-8")
    found = re.search(r"\(`(\{\"features\": .*?)`\)", text)
    assert found
    schema = json.loads(found.group(1))
    settings = Settings(database_url="sqlite://", pii_key=b"a-secret-of-sixteen-bytes-or-more")
    service = MonitoringService(Store("sqlite://"), settings)
    key = service.create_api_key(["admin"], name="admin")[1]
    with TestClient(create_app(service, settings)) as app:
        answer = app.post(
            "/v1/models",
            json={"name": "churn", "task": "binary_classification", "schema": schema},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert answer.status_code == 201, answer.text
    service.store.close()


def test_retention_prints_where_each_period_comes_from(
    tmp_path: Path, store: dict[str, str]
) -> None:
    (tmp_path / "watchkeeper.yaml").write_text(block(PAGE, "yaml", "retention:"), encoding="utf-8")
    assert watchkeeper("apply", "watchkeeper.yaml", cwd=tmp_path, env=store).returncode == 0
    done = watchkeeper("retention", "run", "watchkeeper.yaml", cwd=tmp_path, env=store)
    assert done.returncode == 0, done.stderr
    text = (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text(encoding="utf-8")
    shown = re.search(r"`(churn: records .*?)`", text)
    assert shown and done.stdout.splitlines()[0] == shown.group(1)


def _synopsis(line: str, values: dict[str, str], *, full: bool) -> list[str]:
    """A synopsis line as a command: bracketed options dropped, or filled in."""
    line = line.split("#")[0]
    line = re.sub(r"\[([^\]]*)\]", r"\1" if full else "", line)
    words = line.split()
    assert words[0] == "watchkeeper"
    return [values.get(word, word) for word in words[1:]]


def test_the_audit_and_card_synopses_run(tmp_path: Path, store: dict[str, str]) -> None:
    (tmp_path / "watchkeeper.yaml").write_text(block(PAGE, "yaml", "retention:"), encoding="utf-8")
    assert watchkeeper("apply", "watchkeeper.yaml", cwd=tmp_path, env=store).returncode == 0
    values = {
        "M": "churn", "KEY": "cli:someone", "T": "2024-01-01T00:00:00Z", "MODEL": "churn",
        "VERSION": "", "URL": store["WATCHKEEPER_DATABASE_URL"],
    }  # fmt: skip
    audit = block(PAGE, "text", "watchkeeper audit list").strip().splitlines()
    for full in (False, True):
        for line in audit:
            if "--head HASH" in line and full:
                listed = watchkeeper("audit", "verify", cwd=tmp_path, env=store).stdout
                values["HASH"] = listed.split("head ")[1].strip()
            argv = [word for word in _synopsis(line, values, full=full) if word]
            done = watchkeeper(*argv, cwd=tmp_path, env=store)
            assert done.returncode == 0, (argv, done.stderr)
    # "exit 1 at a broken link": an export with one entry changed.
    export = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(export[0])
    first["actor_name"] = "cli:someone-else"
    (tmp_path / "audit.jsonl").write_text("\n".join([json.dumps(first), *export[1:]]) + "\n")
    broken = watchkeeper("audit", "verify", "--jsonl", "audit.jsonl", cwd=tmp_path, env=store)
    assert broken.returncode == 1
    card = " ".join(block(PAGE, "text", "watchkeeper card MODEL").split())
    for full in (False, True):
        argv = [word for word in _synopsis(card, values, full=full) if word]
        done = watchkeeper(*argv, cwd=tmp_path, env=store)
        assert done.returncode == 0, (argv, done.stderr)
        written = "card.html, card.md, card.json" if full else "card.html, card.md"
        assert done.stderr.strip() == f"wrote the card of churn to {written}"
    assert "churn" in (tmp_path / "card.md").read_text(encoding="utf-8")
