"""``watchkeeper keys``: create prints the key once, list and revoke by id."""

from __future__ import annotations

import json

import pytest

from watchkeeper.cli import main
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


def _run(argv: list[str]) -> int:
    return main(argv)


def test_create_list_revoke(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    assert (
        _run(
            [
                "keys",
                "create",
                "--scope",
                "ingest",
                "--scope",
                "read",
                "--name",
                "ci",
                "--database-url",
                url,
            ]
        )
        == 0
    )
    plaintext = capsys.readouterr().out.strip()
    assert plaintext.startswith("wk_")
    service = MonitoringService(Store(url), Settings())
    info = service.verify_api_key(plaintext)
    assert info is not None and info.scopes == ("ingest", "read") and info.name == "ci"
    assert _run(["keys", "list", "--json", "--database-url", url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["id"] for k in listed] == [info.id]
    assert plaintext not in json.dumps(listed)
    assert _run(["keys", "revoke", info.id, "--database-url", url]) == 0
    assert service.verify_api_key(plaintext) is None


def test_unknown_scope_is_refused_by_the_parser(tmp_path) -> None:
    with pytest.raises(SystemExit) as error:
        _run(["keys", "create", "--scope", "write", "--database-url", f"sqlite:///{tmp_path}/x"])
    assert error.value.code == 2
