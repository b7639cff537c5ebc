"""``watchkeeper grafana dashboard`` and ``watchkeeper prometheus rules`` as commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from watchkeeper.cli import _grafana

REPO = Path(__file__).resolve().parents[2]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    _grafana.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_dashboard_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "board.json"
    assert _run(["grafana", "dashboard", "--model", "churn", "-o", str(out)]) == 0
    board = json.loads(out.read_text())
    assert board["title"] == "watchkeeper: churn" and board["uid"] == "watchkeeper-churn"


def test_rules_from_the_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rules.yml"
    config = str(REPO / "examples" / "watchkeeper.yaml")
    assert _run(["prometheus", "rules", "--config", config, "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Prometheus alerting rules") and "WatchkeeperFeatureDrift" in text
    assert _run(["prometheus", "rules", "--config", config, "--model", "house-prices"]) == 0
    printed = capsys.readouterr().out
    assert "WatchkeeperPriceError" in printed and "WatchkeeperFeatureDrift" not in printed


def test_an_invalid_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "watchkeeper.yaml"
    bad.write_text("models:\n  - name: x\n    task: nope\n")
    assert _run(["prometheus", "rules", "--config", str(bad)]) == 2
    assert "watchkeeper.yaml:3" in capsys.readouterr().err
