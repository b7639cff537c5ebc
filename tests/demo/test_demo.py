"""`make demo` end to end, on a shorter simulation: the report, the server, the alerts."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from watchkeeper.demo import main


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--output", str(tmp_path), "--days", "3", "--per-hour", "80", "--no-serve"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "HTML report" in printed
    assert (tmp_path / "report.html").stat().st_size > 10_000
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["drift"]["dataset_drift"] is True
    events = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert events, "the webhook receiver got no alert"
    assert all(event["signature_valid"] for event in events)
    assert {"feature-drift", "missing-debt-ratio"} <= {event["monitor"] for event in events}
    assert "windows closed" in printed


def test_demo_port_is_the_first_free_one_from_the_default() -> None:
    from watchkeeper.demo._live import pick_port

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = int(taken.getsockname()[1])
        assert pick_port(busy, tries=50) > busy


def test_demo_prints_the_dashboard_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--output", str(tmp_path), "--days", "1", "--per-hour", "20", "--no-serve"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "/ui/" in printed
    assert "/dashboard" not in printed
