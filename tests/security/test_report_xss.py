"""A report is data from elsewhere: its values never become markup or script (issue 13).

The hostile report puts a script where the schema wants a count (``reference.n_rows``,
``current.n_columns``, ``drift.n_drifted``) and in every string the page shows. The real
renderer must leave the counts out and say so, and escape the strings; in chromium (when
installed) no script of the report's may run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.report._html import render_html
from watchkeeper.report._validate import check_report

# Each payload, if it ran, would set data-owned="yes" on <body> (spelled apart in the
# payload, so the escaped text of the page never contains the marker).
SCRIPT = '<script>document.body.dataset.owned="y"+"es"</script>'
IMG = "<img src=x onerror=\"document.body.dataset.owned='y'+'es'\">"
MARKER = 'data-owned="yes"'


def hostile_report() -> dict[str, Any]:
    column = {
        "column": SCRIPT, "kind": IMG, "method": "psi", "statistic": "<b>1</b>",
        "threshold": 0.2, "drifted": True, "p_value": None,
        "effect_size": {"method": IMG, "value": 0.3, "min_effect": None},
    }  # fmt: skip
    return {
        "schema_version": SCRIPT,
        "watchkeeper_version": IMG,
        "created_at": "</script><script>document.body.dataset.owned='y'+'es'</script>",
        "reference": {"name": SCRIPT, "n_rows": SCRIPT, "n_columns": IMG},
        "current": {"name": IMG, "n_rows": 10, "n_columns": {"x": SCRIPT}},
        "drift": {
            "dataset_drift": "yes",
            "n_drifted": SCRIPT,
            "n_columns": 1,
            "columns": [column],
            "skipped": [{"column": SCRIPT, "reason": IMG}, SCRIPT],
            "policy": {"numeric": {"method": SCRIPT, "threshold": IMG}, IMG: SCRIPT},
        },
        "quality": {
            "findings": [{"column": SCRIPT, "check": IMG, "severity": SCRIPT, "message": IMG}],
            "datasets": {"reference": {IMG: SCRIPT}, "current": {"rows": [SCRIPT]}},
        },
    }


def test_the_schema_check_names_every_value_of_the_wrong_type() -> None:
    clean, problems = check_report(hostile_report())
    assert clean["reference"] == {"name": SCRIPT, "n_rows": None, "n_columns": None}
    assert clean["drift"]["columns"][0]["statistic"] is None
    assert [p.split(" must ")[0] for p in problems] == [
        "reference.n_rows",
        "reference.n_columns",
        "current.n_columns",
        "drift.dataset_drift",
        "drift.n_drifted",
        "drift.columns[0].statistic",
    ]


def _markup_outside_the_json_island(page: str) -> str:
    return re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)


def test_the_page_holds_no_markup_from_the_report() -> None:
    page = render_html(hostile_report())
    outside = _markup_outside_the_json_island(page)
    for needle in ("<script>document", "<img", 'onerror="', "<b>1</b>"):
        assert needle not in outside
    # The page's own scripts only (the JSON island and report.js), as in an empty report.
    assert page.count("<script") == render_html({}).count("<script")
    assert "&lt;script&gt;document.body.dataset.owned=&quot;y&quot;" in page
    assert "reference.n_rows must be a count" in page
    island = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert island is not None
    assert "<" not in island.group(1)
    assert json.loads(island.group(1))["reference"]["name"] == SCRIPT


def test_a_notebook_fragment_is_escaped_the_same_way() -> None:
    fragment = render_html(hostile_report(), embedded=True)
    assert "<img" not in _markup_outside_the_json_island(fragment)
    assert fragment.count("<script") == render_html({}, embedded=True).count("<script")


def _dom_in_chromium(tmp_path: Path, page: str) -> str:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, env=env, check=True,
    ).stdout  # fmt: skip


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_no_script_of_the_report_runs_in_chromium(tmp_path: Path) -> None:
    # The probe works: the payloads, placed raw in a page, do mark it.
    raw = _dom_in_chromium(tmp_path, f"<!DOCTYPE html><html><body>{SCRIPT}{IMG}</body></html>")
    assert MARKER in raw
    dom = _dom_in_chromium(tmp_path, render_html(hostile_report()))
    assert 'data-ready="1"' in dom or "wk-report" in dom
    assert MARKER not in dom
    assert "<img" not in dom


def test_any_value_of_any_type_anywhere_renders_inert() -> None:
    # Seeded: a real report, three of its values replaced by hostile ones of every type,
    # 300 times. The renderer must not fail (a 500 on the report page) nor emit markup.
    import copy
    import random

    import numpy as np
    import pandas as pd

    import watchkeeper

    rng = np.random.default_rng(0)
    n = 200
    reference = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.choice(["x", "y"], n),
            "target": rng.integers(0, 2, n),
            "prediction": rng.integers(0, 2, n),
        }
    )
    current = reference.assign(a=reference["a"] + 0.5)
    report = watchkeeper.report(reference, current).to_dict()
    paths: list[list[Any]] = []

    def walk(node: Any, path: list[Any]) -> None:
        if isinstance(node, dict | list):
            for key, value in node.items() if isinstance(node, dict) else enumerate(node):
                paths.append([*path, key])
                walk(value, [*path, key])

    walk(report, [])
    hostile = [SCRIPT, IMG, -1, 1e308, None, True, [], {}, [SCRIPT], {IMG: SCRIPT}, "inf"]
    chooser = random.Random(1)
    for _ in range(300):
        mutated = copy.deepcopy(report)
        for _ in range(3):
            *parents, last = chooser.choice(paths)
            node: Any = mutated
            try:
                for key in parents:
                    node = node[key]
                node[last] = chooser.choice(hostile)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier replacement removed this path
        page = _markup_outside_the_json_island(render_html(mutated))
        assert "<script>document" not in page and "<img" not in page
