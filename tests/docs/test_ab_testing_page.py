"""The examples of docs/ab-testing.md run as written and print what the page shows.

The offline snippet and the always-valid one (which goes on with the first one's
``rng``) print exactly the lines of their comments. The ``ab-files`` command lines run
through ``python -m watchkeeper`` on the files they name (a champion and a challenger
scored on the same 2,000 requests). ``watchkeeper ab`` runs its synopsis bare (the
store at the default ``./watchkeeper.db``) and with every bracketed option filled in,
on a store populated through the service as tests/abtest does (two versions, four
labelled hours); its output has the page's lines, the figures aside.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.abtest._store import populate
from tests.docs._pages import block, blocks, commands, watchkeeper

from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

PAGE = "ab-testing.md"


def test_every_block_is_run_here() -> None:
    assert len(blocks(PAGE, "python")) == 2
    assert len(blocks(PAGE, "")) == 3  # ab-files, the ab synopsis and its output


def _printed_and_shown(
    code: str, names: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    exec(code, names)
    shown = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert capsys.readouterr().out.splitlines() == shown


def test_the_snippets_print_their_comments(capsys: pytest.CaptureFixture[str]) -> None:
    names: dict[str, Any] = {}
    _printed_and_shown(block(PAGE, "python", "compare_arms("), names, capsys)
    _printed_and_shown(block(PAGE, "python", "MixtureSPRT("), names, capsys)


def test_the_ab_files_lines_run(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 2_000
    label = rng.integers(0, 2, n)
    for names, accuracy in ((("champion", "a"), 0.80), (("challenger", "b"), 0.84)):
        table = pa.table(
            {
                "label": label,
                "predicted": np.where(rng.random(n) < accuracy, label, 1 - label),
                "score": np.clip(label * 0.3 + rng.random(n) * 0.7, 0, 1),
                "latency_ms": rng.gamma(2.0, 5.0, n),
            }
        )
        for name in names:
            pq.write_table(table, tmp_path / f"{name}.parquet")
    for command in commands(block(PAGE, "", "watchkeeper ab-files")):
        assert command.argv[0] == "watchkeeper"
        done = watchkeeper(*command.argv[1:], cwd=tmp_path)
        assert done.returncode == 0, (command.text, done.stderr)
        assert " vs " in done.stdout.splitlines()[0]
    assert json.loads((tmp_path / "ab.json").read_text())["test"]["metric"] == "accuracy"


def _shape(line: str) -> str:
    """A shown output line as a pattern: its figures may differ, not its words."""
    number = r"[-+]?[\d,]+(?:\.\d+)?(?:e[-+]\d+)?"
    parts = re.split(number, line)
    return number.join(re.escape(part) for part in parts)


def test_the_ab_synopsis_runs_and_prints_the_page_s_lines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'watchkeeper.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    populate(service)
    service.store.close()
    synopsis = " ".join(block(PAGE, "", "watchkeeper ab churn").replace("\\\n", " ").split())
    values = {"...": "2024-01-02T00:00Z", "ab.json": "ab.json", "sqlite:///watchkeeper.db": url}
    shown = block(PAGE, "", "churn: v2 vs v1").splitlines()
    for full in (False, True):
        line = re.sub(r"\[([^\]]*)\]", r"\1" if full else "", synopsis)
        argv = [values.get(word, word) for word in line.split()]
        done = watchkeeper(*argv[1:], cwd=tmp_path)
        assert done.returncode == 0, (argv, done.stderr)
        printed = done.stdout.splitlines()
        assert len(printed) == len(shown)
        for got, page in zip(printed, shown, strict=True):
            assert re.fullmatch(_shape(page), got), (got, page)
    assert json.loads((tmp_path / "ab.json").read_text())["metric"] == "accuracy"
