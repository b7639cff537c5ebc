"""The examples of docs/performance.md run as written and print what the page shows.

The realized-performance snippet runs and its JSON form says ``schema_version`` 2; the
CBPE snippet runs on its ``reference`` and ``current``; the delayed-labels and DLE
snippets run on the reader's tables (``predictions``, ``labels``, ``analysis``, small
and seeded); the performance-profile snippet's comments are prefixes of the values its
lines give. The two command lines run through ``python -m watchkeeper`` on parquet
files and write what they say; the sample output is the CLI's own on the data the page
describes (24 reference rows, 13 current ones, chunks of 4).
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
from tests.docs._pages import block, blocks, commands, watchkeeper

PAGE = "performance.md"


def test_every_block_is_run_here() -> None:
    assert len(blocks(PAGE, "python")) == 5
    assert len(blocks(PAGE, "")) == 2  # the two command lines and their sample output


def test_realized_performance_then_cbpe(capsys: pytest.CaptureFixture[str]) -> None:
    names: dict[str, Any] = {}
    exec(block(PAGE, "python", "calculate_performance(\n"), names)
    assert names["result"].to_dict()["schema_version"] == 2
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == [str(i) for i in range(10)]
    exec(block(PAGE, "python", "CBPE("), names)
    estimate = names["estimate"]
    assert [m.metric for m in estimate.metrics] == ["roc_auc", "f1"]


def test_delayed_labels() -> None:
    rng = np.random.default_rng(7)
    p = rng.random(2_000)
    y = rng.binomial(1, p)
    reference = {"y": y[:1_000], "pred": (p[:1_000] > 0.5).astype(int)}
    ids = [f"r{i}" for i in range(1_000)]
    predictions = pa.table({"id": ids, "pred": (p[1_000:] > 0.5).astype(int)})
    labels = pa.table({"id": ids[::-2], "y": y[1_000:][::-2]})  # half, in another order
    # The snippet follows the first one, which imported calculate_performance.
    names: dict[str, Any] = {"predictions": predictions, "labels": labels, "reference": reference}
    exec("from watchkeeper.performance import calculate_performance", names)
    exec(block(PAGE, "python", "join_labels("), names)
    assert (names["join"].n_matched, names["join"].n_missing) == (500, 500)
    assert names["result"].metrics


def test_the_profile_comments_are_what_the_lines_give() -> None:
    *lines, exact, bounded = block(PAGE, "python", "classification_profile(").strip().splitlines()
    names: dict[str, Any] = {}
    exec("\n".join(lines), names)
    precision, recall = eval(exact.split("#")[0], names)
    shown = re.findall(r"\d\.\d+", exact.split("#")[1])
    assert str(precision).startswith(shown[0])
    assert str(recall).startswith(shown[1])
    auc = eval(bounded.split("#")[0], names)
    low, high = re.findall(r"\d\.\d+", bounded.split("#")[1])
    assert str(auc.lower).startswith(low) and str(auc.upper).startswith(high)


def test_dle_on_the_reader_s_tables() -> None:
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(11)
    x1, x2 = rng.normal(size=(2, 3_000))
    y = x1 + 0.5 * x2 + rng.normal(0, 0.2 + 0.3 * np.abs(x1), 3_000)
    table = {"x1": x1, "x2": x2, "pred": x1 + 0.5 * x2, "y": y}
    reference = {k: v[:2_000] for k, v in table.items()}
    analysis = {k: v[2_000:] for k, v in table.items() if k != "y"}
    names: dict[str, Any] = {"reference": reference, "analysis": analysis}
    exec(block(PAGE, "python", "DLE("), names)
    assert names["estimate"].metrics


def _write(folder: Path) -> None:
    rng = np.random.default_rng(1)
    # Enough rows for the page's chunks of 5,000: twelve in the reference.
    for name, n in (("ref", 60_000), ("cur", 20_000), ("analysis", 20_000)):
        p = rng.beta(2, 2, n)
        y = rng.binomial(1, p)
        table = pa.table({"y": y, "pred": (p > 0.5).astype(int), "p": p})
        pq.write_table(table, folder / f"{name}.parquet")


def test_the_command_lines_run_and_write_their_files(tmp_path: Path) -> None:
    _write(tmp_path)
    code = block(PAGE, "", "watchkeeper performance ref.parquet")
    for command in commands(code):
        argv = command.argv
        assert argv[0] == "watchkeeper"
        done = watchkeeper(*argv[1:], cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(("roc_auc (higher is better): baseline",))
    assert json.loads((tmp_path / "perf.json").read_text())["schema_version"] == 2
    assert json.loads((tmp_path / "estimate.json").read_text())["chunks"]
    assert (tmp_path / "perf.html").read_text().startswith("<!DOCTYPE html>")


def test_the_sample_output_is_the_cli_s(tmp_path: Path) -> None:
    """Reference: six chunks of 4 rows, three all right and three with one wrong (mean
    0.875, standard deviation 0.1369); current: 4 right, 3 of 4, then 1 of 5."""
    reference = [(i % 2, i % 2 if c < 3 or i else 1 - i % 2) for c in range(6) for i in range(4)]
    current = [(i % 2, i % 2) for i in range(4)]
    current += [(i % 2, i % 2 if i else 1) for i in range(4)]
    current += [(i % 2, i % 2 if i == 0 else 1 - i % 2) for i in range(5)]
    for name, rows in (("ref.csv", reference), ("cur.csv", current)):
        text = "y,pred\n" + "".join(f"{y},{pred}\n" for y, pred in rows)
        (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["performance", "ref.csv", "cur.csv", "--target", "y", "--prediction", "pred"]
    done = watchkeeper(*argv, "--metric", "accuracy", "--chunk-size", "4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == block(PAGE, "", "accuracy (higher is better)")
