"""Exit codes, JUnit XML (parsed back with xml.etree) and the Markdown summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.checks import (
    Check,
    Suite,
    SuiteResult,
    exit_code,
    to_junit_xml,
    to_markdown,
    write_junit,
    write_markdown,
)


@pytest.fixture
def result(rng: np.random.Generator) -> SuiteResult:
    reference = {"x": rng.normal(0, 1, 800), "plan": rng.choice(["a", "b"], 800)}
    current = {"x": rng.normal(3, 1, 800), "plan": rng.choice(["a", "b"], 800)}
    suite = Suite(
        (
            Check("dataset.rows", "greater", 0, name="rows & <columns>"),  # passes
            Check("drift.column.x.drifted", "equal", False),  # fails
            Check("quality.column.x.max", "less", 2, "warn"),  # warns
            Check("quality.column.nope.max", "less", 2),  # error
            Check("quality.column.plan.categories", "is_in", ["a|b", "a", "b"]),  # passes
        ),
        name="model-7",
    )
    return suite.check(reference, current)


def test_exit_code_follows_fail_checks_only(result: SuiteResult, rng: np.random.Generator) -> None:
    assert exit_code(result) == 1
    reference = {"x": rng.normal(0, 1, 300)}
    warned = Suite((Check("quality.column.x.max", "less", -5, "warn"),)).check(reference, reference)
    assert exit_code(warned) == 0


def test_junit_follows_the_common_schema(result: SuiteResult, tmp_path: Path) -> None:
    path = write_junit(result, tmp_path / "out.xml")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "model-7"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [r.check.title for r in result.results]
    assert cases[0].get("name") == "rows & <columns>"  # escaped and read back
    assert all(c.get("classname", "").startswith("model-7.") for c in cases)
    # one child per outcome: nothing for a pass, failure, skipped (warning), error
    outcomes = [[child.tag for child in case if child.tag != "system-out"] for case in cases]
    assert outcomes == [[], ["failure"], ["skipped"], ["error"], []]
    failure = cases[1].find("failure")
    assert failure is not None
    assert "drift.column.x.drifted = true" in (failure.get("message") or "")
    for element in (root, suite):
        counts = {
            key: int(element.get(key, "-1")) for key in ("tests", "failures", "errors", "skipped")
        }
        assert counts == {"tests": 5, "failures": 1, "errors": 1, "skipped": 1}
    assert to_junit_xml(result).startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_markdown_lists_problems_first_and_folds_passes(
    result: SuiteResult, tmp_path: Path
) -> None:
    text = write_markdown(result, tmp_path / "out.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "### ❌ watchkeeper checks: model-7 failed"
    assert "2 passed, 2 failed, 1 warnings, of 5 checks." in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    statuses = [row.split("|")[1].strip() for row in rows if not row.startswith("| status")]
    assert statuses == ["❌ fail", "❌ error", "⚠️ warn", "✅ pass", "✅ pass"]
    assert "<details><summary>2 passed checks</summary>" in text
    # a pipe inside a category is escaped so the table keeps its four columns
    assert r"in {a, a\|b, b}" in text
    for row in rows:
        assert len(row.replace("\\|", "").split("|")) == 6


def test_markdown_of_a_passing_suite(rng: np.random.Generator) -> None:
    reference = {"x": rng.normal(0, 1, 300)}
    passed = Suite((Check("dataset.rows", "greater", 0),), name="ok").check(reference, reference)
    assert to_markdown(passed).startswith("### ✅ watchkeeper checks: ok passed")
