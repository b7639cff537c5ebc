"""The HTML report: well formed, self-contained, escaped, and drawn by its script."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.report import report
from watchkeeper.report._html import _asset, format_number, render_html

HOSTILE = "<script>alert(1)</script>"
BREAKOUT = "</script><script>alert(2)</script>"
COMMENT = "<!--<script>"
CATEGORIES = ['say "hi"', "R&D", "it's <b>bold</b>", "plain"]
VOID = {"meta", "br", "input", "link", "img", "hr", "col", "wbr", "source", "area", "base"}


def numeric_column(name: str, *, drifted: bool = False, bins: int = 30) -> dict[str, Any]:
    edges = [round(i / bins, 6) for i in range(bins + 1)]
    share = round(1 / bins, 6)
    summary = {"count": 1000, "missing": 0, "infinite": 0, "mean": 0.5, "std": 0.29}
    return {
        "column": name,
        "kind": "numeric",
        "role": "feature",
        "method": "ks",
        "output": "p_value",
        "statistic": 0.2 if drifted else 0.01,
        "p_value": 1e-12 if drifted else 0.8,
        "p_value_adjusted": 5e-12 if drifted else 0.9,
        "threshold": 0.05,
        "drifted": drifted,
        "effect_size": {"method": "wasserstein_norm", "value": 0.3, "min_effect": 0.1},
        "comparison": "exact",
        "n_reference": 1000,
        "n_current": 1000,
        "summary": {"reference": summary, "current": summary},
        "histogram": {"edges": edges, "reference": [share] * bins, "current": [share] * bins},
        "unseen_categories": [],
        "note": None,
    }


def categorical_column(name: str, *, role: str = "feature") -> dict[str, Any]:
    return {
        "column": name,
        "kind": "categorical",
        "role": role,
        "method": "psi",
        "output": "distance",
        "statistic": 0.4,
        "p_value": None,
        "p_value_adjusted": None,
        "threshold": 0.2,
        "drifted": True,
        "effect_size": {"method": "jensen_shannon", "value": 0.2, "min_effect": 0.05},
        "comparison": "exact",
        "n_reference": 100,
        "n_current": 100,
        "summary": {"reference": {"count": 100}, "current": {"count": 100}},
        "histogram": {
            "categories": list(CATEGORIES),
            "reference": [0.4, 0.3, 0.2, 0.1],
            "current": [0.1, 0.2, 0.3, 0.4],
        },
        "unseen_categories": ["new & <odd>"],
        "note": None,
    }


def make_report(n_numeric: int = 4, bins: int = 30) -> dict[str, Any]:
    columns = [numeric_column(f"x{i}", drifted=i == 0, bins=bins) for i in range(n_numeric)]
    columns += [
        numeric_column(HOSTILE, drifted=True),
        numeric_column(BREAKOUT),
        numeric_column(COMMENT),
        categorical_column('plan "A" & B'),
    ]
    return {
        "schema_version": "1.0",
        "watchkeeper_version": "0.1.0",
        "created_at": "2026-11-26T05:00:00+00:00",
        "reference": {"name": "ref<1>.parquet", "n_rows": 1000, "n_columns": len(columns) + 3},
        "current": {"name": "cur & more.csv", "n_rows": 900, "n_columns": len(columns) + 3},
        "schema": {"columns": []},
        "drift": {
            "dataset_drift": False,
            "drift_share": 0.5,
            "share_drifted": 0.375,
            "n_drifted": 3,
            "n_columns": len(columns),
            "columns": columns,
            "target": [categorical_column("label", role="target")],
            "predictions": [numeric_column("score")],
            "skipped": [{"column": "id<x>", "reason": "id columns are not compared"}],
            "policy": {
                "numeric": {"method": "ks", "threshold": None, "min_effect": None},
                "categorical": {"method": "psi", "threshold": 0.2, "min_effect": None},
                "columns": {"x1": {"method": "psi", "threshold": 0.1, "min_effect": None}},
                "numeric_effect": "wasserstein_norm",
                "numeric_min_effect": 0.1,
                "correction": "bh",
                "drift_share": 0.5,
            },
        },
        "quality": {
            "findings": [
                {
                    "column": HOSTILE,
                    "check": "missing_share",
                    "severity": "critical",
                    "message": "column '<script>' is 40% missing & rising",
                    "value": 0.4,
                },
                {
                    "column": None,
                    "check": "duplicate_rows",
                    "severity": "warning",
                    "message": "12 duplicate rows",
                    "value": 12,
                },
                {
                    "column": "x1",
                    "check": "out_of_range",
                    "severity": "info",
                    "message": "1% above the reference maximum",
                    "value": 0.01,
                },
                {
                    "column": "x2",
                    "check": "custom",
                    "severity": "notice",
                    "message": "a severity the renderer does not know",
                    "value": None,
                },
            ],
            "datasets": {
                "reference": {"n_rows": 1000, "n_duplicate_rows": 0},
                "current": {"n_rows": 900, "n_duplicate_rows": 12},
            },
            "columns": [],
        },
    }


class Structure(HTMLParser):
    """Checks that elements nest and close, and collects ids, scripts and URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.starts: dict[str, int] = {}
        self.urls: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts[tag] = self.starts.get(tag, 0) + 1
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        self.urls.extend(str(v) for k, v in attrs if k in {"src", "href", "action"})
        if tag == "script":
            self._script, self._text = found, []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)


def parse(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


def data_island(parsed: Structure) -> str:
    (island,) = [text for attrs, text in parsed.scripts if attrs.get("type") == "application/json"]
    return island


def test_page_is_well_formed_and_complete() -> None:
    page = render_html(make_report())
    parsed = parse(page)
    assert parsed.errors == []
    assert parsed.stack == []
    assert page.startswith("<!DOCTYPE html>")
    for tag in ("html", "head", "body", "title"):
        assert parsed.starts[tag] == 1
    assert len(parsed.ids) == len(set(parsed.ids))
    # Two scripts only: the data island and the code; no hostile name made a third.
    assert parsed.starts["script"] == 2
    assert "<title>watchkeeper report: ref&lt;1&gt;.parquet vs cur &amp; more.csv</title>" in page


def test_every_column_name_is_escaped_in_the_table() -> None:
    data = make_report()
    page = render_html(data)
    names = [c["column"] for c in data["drift"]["columns"]]
    names += [c["column"] for c in data["drift"]["target"] + data["drift"]["predictions"]]
    for name in names:
        assert f'<td class="wk-name">{html.escape(name)}</td>' in page
    for raw in (HOSTILE, BREAKOUT, COMMENT, *CATEGORIES, "new & <odd>", "ref<1>"):
        if raw != "plain":
            assert raw not in page
    assert "<strong>id&lt;x&gt;</strong>: id columns are not compared" in page


def test_embedded_json_round_trips() -> None:
    data = make_report()
    island = data_island(parse(render_html(data)))
    assert json.loads(island) == data
    # Nothing in the island can end the script element or enter its escaped states.
    assert "<" not in island
    assert ">" not in island
    assert "\n" not in island  # compact: no indent


def test_non_finite_numbers_become_null_in_the_island() -> None:
    data = make_report()
    data["drift"]["columns"][0]["statistic"] = float("nan")
    data["drift"]["columns"][1]["statistic"] = float("inf")
    page = render_html(data)
    loaded = json.loads(data_island(parse(page)))
    assert loaded["drift"]["columns"][0]["statistic"] is None
    assert loaded["drift"]["columns"][1]["statistic"] is None


def test_no_external_reference_of_any_kind() -> None:
    page = render_html(make_report())
    parsed = parse(page)
    assert parsed.urls == []
    assert "http://" not in page
    assert "https://" not in page
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    for api in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon"):
        assert api not in page
    assert "default-src 'none'" in page


def test_assets_cannot_end_their_elements() -> None:
    assert "</" not in _asset("report.js")
    assert "</" not in _asset("report.css")


def test_verdict_policy_and_shapes_are_in_the_header() -> None:
    page = render_html(make_report())
    assert "No dataset drift." in page
    assert "3 of 8 compared features drifted (37.5%)" in page
    assert "drifts at 50% or more" in page
    assert "1,000 rows × 11 columns" in page
    assert "900 rows × 11 columns" in page
    assert "numeric: ks (effect wasserstein_norm ≥ 0.1)" in page
    assert "categorical: psi at 0.2" in page
    assert "overrides: x1: psi at 0.1" in page
    data = make_report()
    data["drift"]["dataset_drift"] = True
    assert "Dataset drift detected." in render_html(data)


def test_table_rows_carry_the_numbers_and_verdicts() -> None:
    page = render_html(make_report())
    # x0: statistic 0.2, p 1e-12 (3 significant digits), adjusted 5e-12, effect 0.3.
    row = re.search(r'<tr class="wk-row"[^>]*data-i="0">(.*?)</tr>', page)
    assert row is not None
    cells = [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]
    assert cells[:9] == ["x0", "numeric", "ks", "0.2", "0.05", "1e-12", "5e-12", "0.3", "0.1"]
    assert "drifted" in cells[9]
    assert page.count('class="wk-badge wk-badge-ok">no drift') == 6
    assert 'data-section="target"' in page
    assert 'data-section="predictions"' in page
    assert page.count('tabindex="0"') == 10


def test_findings_are_grouped_by_severity_with_counts() -> None:
    page = render_html(make_report())
    order = [page.index(f"<summary>{s} (1)</summary>") for s in ("Critical", "Warning", "Info")]
    assert order == sorted(order)
    assert page.index("<summary>Info (1)</summary>") < page.index("<summary>Notice (1)</summary>")
    assert '<span class="wk-badge wk-badge-critical">1 critical</span>' in page
    assert "column &#x27;&lt;script&gt;&#x27; is 40% missing &amp; rising" in page
    assert '<td class="wk-name">(dataset)</td>' in page
    assert '<th scope="row">n duplicate rows</th>' in page


def test_a_report_without_findings_or_columns_still_renders() -> None:
    for data in ({}, {"drift": {"columns": []}, "quality": {"findings": []}}):
        page = render_html(data)
        parsed = parse(page)
        assert parsed.errors == []
        assert "No data-quality findings." in page
        assert json.loads(data_island(parsed)) == data


def test_embedded_fragment_is_scoped_and_unique() -> None:
    data = make_report()
    first, second = render_html(data, embedded=True), render_html(data, embedded=True)
    for fragment in (first, second):
        parsed = parse(fragment)
        assert parsed.errors == []
        assert parsed.stack == []
        for tag in ("html", "head", "body", "meta", "title"):
            assert tag not in parsed.starts
        assert len(parsed.ids) == len(set(parsed.ids))
    ids_first, ids_second = set(parse(first).ids), set(parse(second).ids)
    assert ids_first.isdisjoint(ids_second)
    root = parse(first).ids[0]
    assert f'wkStart("{root}");' in first
    assert all(i.startswith(root) for i in ids_first)


def css_selectors(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors: list[str] = []
    for head in re.findall(r"([^{}]+)\{", css):
        head = head.strip()
        if not head.startswith("@"):
            selectors.extend(s.strip() for s in head.split(","))
    return selectors


def test_every_css_rule_is_scoped_to_the_report() -> None:
    selectors = css_selectors(_asset("report.css"))
    assert len(selectors) > 50
    assert [s for s in selectors if not s.startswith(".wk-report")] == []


def test_format_number_reads_like_a_table() -> None:
    # Hand-written: thousands grouped, 4 significant digits, exponent when tiny.
    assert format_number(1234567) == "1,234,567"
    assert format_number(2 / 3) == "0.6667"
    assert format_number(0.000012345) == "1.234e-05"
    assert format_number(0.05, 3) == "0.05"
    assert format_number(float("inf")) == "∞"
    assert format_number(float("nan")) == "—"
    assert format_number(False) == "no"


def test_a_thousand_columns_stay_compact() -> None:
    data = make_report(n_numeric=1000, bins=30)
    page = render_html(data)
    assert page.count('class="wk-row"') == 1006
    assert json.loads(data_island(parse(page))) == data
    # 31 edges and 60 shares per column, each a short number: about 1 kB a column.
    assert len(page) < 3 * 1024 * len(data["drift"]["columns"])


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=1, max_size=30),
    category=st.text(max_size=20),
)
def test_any_text_stays_text(name: str, category: str) -> None:
    data = make_report(n_numeric=1)
    data["drift"]["columns"][0]["column"] = name
    data["drift"]["columns"][-1]["histogram"]["categories"][0] = category
    data["quality"]["findings"][0]["message"] = name + category
    page = render_html(data)
    parsed = parse(page)
    assert parsed.errors == []
    assert parsed.starts["script"] == 2
    assert json.loads(data_island(parsed)) == data
    assert f'<td class="wk-name">{html.escape(name)}</td>' in page


def test_real_report_renders(rng: np.random.Generator) -> None:
    n = 600
    ref = {
        "age": rng.normal(40, 10, n),
        HOSTILE: rng.normal(0, 1, n),
        "plan": rng.choice(CATEGORIES, n),
    }
    cur = {
        "age": rng.normal(50, 10, n),
        HOSTILE: rng.normal(0, 1, n),
        "plan": rng.choice(CATEGORIES, n, p=[0.1, 0.2, 0.3, 0.4]),
    }
    result = report(ref, cur)
    page = result.to_html()
    parsed = parse(page)
    assert parsed.errors == []
    assert parsed.starts["script"] == 2
    assert json.loads(data_island(parsed)) == result.to_dict()
    assert HOSTILE not in page
    assert f'<td class="wk-name">{html.escape(HOSTILE)}</td>' in page
    fragment = result._repr_html_()
    assert "<body" not in fragment
    assert 'class="wk-report"' in fragment


# Appended to the page after the report's own script: it opens a column with the
# keyboard, sorts, filters, and writes what it saw into the DOM for the dump.
DRIVER = """<script>
(function () {
  var root = document.getElementById("wk");
  var names = function () {
    return Array.prototype.map.call(root.querySelectorAll("#wk-columns tr.wk-row"),
      function (r) { return r.hidden ? null : r.cells[0].textContent; })
      .filter(function (n) { return n !== null; });
  };
  var out = {ready: root.getAttribute("data-wk-ready")};
  var row = root.querySelector('#wk-columns tr.wk-row[data-i="4"]');
  row.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  out.expanded = row.getAttribute("aria-expanded");
  out.detailSvg = row.nextElementSibling.querySelectorAll("svg rect").length;
  var cat = root.querySelector('#wk-columns tr.wk-row[data-i="7"]');
  cat.click();
  out.categoryLabels = Array.prototype.map.call(
    cat.nextElementSibling.querySelectorAll("svg > text"),
    function (t) { return t.firstChild.nodeValue; });
  root.querySelector('#wk-columns th[data-key="column"] button').click();
  root.querySelector('#wk-columns th[data-key="column"] button').click();
  out.sortedDesc = names();
  var filter = root.querySelector(".wk-filter");
  filter.value = "X";
  filter.dispatchEvent(new Event("input"));
  out.filtered = names();
  filter.value = "";
  filter.dispatchEvent(new Event("input"));
  var only = root.querySelector(".wk-drifted-only");
  only.click();
  out.driftedOnly = names();
  out.count = root.querySelector(".wk-count").textContent;
  // As text, so that the dump escapes the names in it.
  var pre = document.createElement("pre");
  pre.id = "test-out";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}());
</script>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_script_draws_sorts_and_filters_in_chromium(tmp_path: Path) -> None:
    data = make_report()
    path = tmp_path / "report.html"
    path.write_text(render_html(data).replace("</body>", DRIVER + "</body>"), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            f"{path.as_uri()}#column={BREAKOUT}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    ).stdout
    match = re.search(r'<pre id="test-out">([^<]*)<', dom)
    assert match is not None, dom[:2000]
    seen = json.loads(html.unescape(match.group(1)))
    assert seen["ready"] == "1"
    assert seen["expanded"] == "true"
    assert seen["detailSvg"] == 60  # 30 bins, reference and current
    assert CATEGORIES[0] in seen["categoryLabels"]
    assert "it's <b>bold</b>" in seen["categoryLabels"]
    assert seen["sortedDesc"][:2] == ["x3", "x2"]
    assert seen["filtered"] == ["x3", "x2", "x1", "x0"]
    assert sorted(seen["driftedOnly"]) == sorted(["x0", HOSTILE, 'plan "A" & B'])
    assert seen["count"] == "showing 3 of 8"
    # The link opened the column named like a closing script tag, and it stayed text.
    breakout = dom.index('data-i="5"')
    assert dom.index('aria-expanded="true"', breakout - 200) < breakout
    assert dom.count("<svg") == 3
    assert HOSTILE not in dom
    assert BREAKOUT not in dom
