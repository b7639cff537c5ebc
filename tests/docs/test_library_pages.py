"""The examples of the library's smaller pages run as written and print what they
show: docs/streaming.md, docs/quality.md, docs/fairness.md, docs/multivariate.md,
docs/schema.md, docs/attribution.md and docs/service-kinds.md (its watchkeeper.yaml
through ``parse_config``), on the pages themselves.

A block's ``# ...`` comment lines that follow ``print`` calls are its output; an
expression's trailing comment is its value where the page states one. Left out:
quality.md's signature line (not code), streaming.md's ``bench/bench_streaming.py``
line (a benchmark with River in its own virtualenv, minutes long).
quality.md's ``register_check`` example adds a check to the process's registry, so it
runs in a child interpreter, never in the test process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.docs._pages import block, blocks
from tests.docs._pages import watchkeeper as watchkeeper_cli

import watchkeeper


def _output_comments(code: str) -> list[str]:
    """The ``# `` lines of a block that stand alone (the output it shows)."""
    return [line[2:] for line in code.splitlines() if line.startswith("# ")]


def test_streaming_contract_and_harness(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks("streaming.md", "python")) == 2
    contract = block("streaming.md", "python", "adwin = ADWIN()")
    exec(contract, {})
    shown = [line.split("# ")[1] for line in contract.splitlines() if "print(" in line]
    assert capsys.readouterr().out.splitlines() == shown
    names: dict[str, Any] = {}
    exec(block("streaming.md", "python", "evaluate("), names)
    assert len(names["runs"]) == 5
    assert names["score"].delays


def test_quality_example_prints_its_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks("quality.md", "python")) == 3
    code = block("quality.md", "python", "assess_quality(reference, current)  #")
    exec(code, {})
    printed = capsys.readouterr().out.splitlines()
    counts = next(line for line in code.splitlines() if "counts_by_severity()" in line)
    assert printed[-1] == counts.split("# ", 1)[1]
    assert [line.split()[:3] for line in printed[:-1]] == [
        ["warning", "age", "missing_share_change"],
        ["warning", "plan", "unseen_categories"],
        ["info", "age", "missing_share"],
    ]


def test_quality_register_check_runs_in_a_child() -> None:
    code = block("quality.md", "python", "@register_check(")
    probe = code + textwrap.dedent(
        """
        import numpy as np
        from watchkeeper.quality import assess_quality
        ref = {"age": np.array([30.0, 40.0, 50.0] * 20)}
        cur = {"age": np.array([30.0, -4.0, 50.0] * 20)}
        print([f.check for f in assess_quality(ref, cur).findings if f.check == "negative_ages"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['negative_ages']"


def test_fairness_prints_its_comments(capsys: pytest.CaptureFixture[str]) -> None:
    code = block("fairness.md", "python", "group_metric_frame(")
    exec(code, {})
    assert capsys.readouterr().out.splitlines() == _output_comments(code)


def test_multivariate_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks("multivariate.md", "python")) == 2
    exec(block("multivariate.md", "python", "pca_reconstruction_drift("), {})
    alerts, threshold = capsys.readouterr().out.splitlines()
    assert alerts == str([False] * 5 + [True] * 5)  # the relation breaks half-way
    assert 0 < float(threshold) < 1
    # The reader's scores: a model that grows less sure.
    rng = np.random.default_rng(1)
    names: dict[str, Any] = {
        "reference_scores": rng.beta(8, 2, 2_000),
        "current_scores": rng.beta(3, 2, 2_000),
    }
    code = block("multivariate.md", "python", "uncertainty_drift(")
    *lines, last = code.strip().splitlines()
    exec("\n".join(lines), names)
    margin = eval(lines[-2].split("#")[0], names)
    assert np.round(margin, 6).tolist() == [0.5, 0.01]  # "top - runner-up: [0.5, 0.01]"
    assert eval(last, names)


def test_schema_override_and_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)

    def table(n: int) -> pa.Table:
        return pa.table(
            {
                "zip": rng.choice([75001, 69002, 13003], n),
                "balance": rng.normal(1_000, 200, n),
                "churned": rng.integers(0, 2, n),
                "predicted_churn": rng.integers(0, 2, n),
                "churn_probability": rng.random(n),
                "customer_id": np.arange(n),
                "event_time": pa.array(np.arange(n) * 1_000_000, pa.timestamp("us", "UTC")),
                "country": rng.choice(["fr", "de"], n),
                "comment": rng.choice(["fine", "slow"], n),
            }
        )

    names: dict[str, Any] = {"watchkeeper": watchkeeper, "ref": table(500), "cur": table(500)}
    code = block("schema.md", "python", "schema=")
    exec("result = " + code.strip(), names)
    assert names["result"].to_dict()["drift"]
    # The file, through the CLI as the page says: --schema schema.yaml.
    (tmp_path / "schema.yaml").write_text(block("schema.md", "yaml", "columns:"), encoding="utf-8")
    pq.write_table(names["ref"], tmp_path / "ref.parquet")
    pq.write_table(names["cur"], tmp_path / "cur.parquet")
    argv = ["report", "ref.parquet", "cur.parquet", "--schema", "schema.yaml", "--json", "r.json"]
    done = watchkeeper_cli(*argv, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    roles = {c["name"]: c.get("role") for c in report["schema"]["columns"]}
    assert roles["customer_id"] == "id" and roles["churned"] == "target"


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_rounded(v) for v in value)
    return value


def test_attribution_values_are_its_comments() -> None:
    """Each expression line followed by a ``# value`` comment gives that value (rounded to
    3 decimals, as the page says; a parenthesised remark after the value is prose)."""
    pytest.importorskip("sklearn")
    lines = block("attribution.md", "python", "attribution_drift(").strip().splitlines()
    names: dict[str, Any] = {}
    statements: list[str] = []
    checked = 0
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith("#"):
            continue
        if not following.startswith("# "):
            statements.append(line)
            continue
        exec("\n".join(statements), names)
        statements = []
        shown = following[2:].split("   (")[0].split(" (mean")[0].strip()
        assert repr(_rounded(eval(line, names))) == shown, line
        checked += 1
    assert checked == 4


def test_service_kinds_options_are_a_valid_watchkeeper_yaml() -> None:
    from watchkeeper.service.config import parse_config

    config = parse_config(block("service-kinds.md", "yaml", "monitoring:"))
    assert [m.name for m in config.monitors] == [
        "concept-shift", "estimated-accuracy", "age-parity", "attributions",
    ]  # fmt: skip
