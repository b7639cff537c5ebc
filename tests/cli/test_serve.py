"""``watchkeeper serve``: refuses --dev off loopback; the parser takes every option."""

from __future__ import annotations

import pytest

from watchkeeper.cli._main import build_parser
from watchkeeper.cli._serve import main


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_dev_off_loopback_exits_2(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dev", "--host", host]) == 2
    assert "loopback" in capsys.readouterr().err


def test_auth_off_by_environment_off_loopback_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHKEEPER_AUTH", "0")
    assert main(["--host", "0.0.0.0"]) == 2


def test_bad_window_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--window", "soon"]) == 2
    assert "duration" in capsys.readouterr().err


def test_parser_registration() -> None:
    args = build_parser().parse_args(
        [
            "serve",
            "--host",
            "::1",
            "--port",
            "9000",
            "--database-url",
            "sqlite:///x.db",
            "--config",
            "watchkeeper.yaml",
            "--dev",
            "--window",
            "15m",
        ]
    )
    assert (args.host, args.port, args.dev, args.window) == ("::1", 9000, True, "15m")
    assert args.func.__name__ == "run"
