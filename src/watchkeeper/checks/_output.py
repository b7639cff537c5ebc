"""What a CI system reads from a suite's result: an exit code, JUnit XML, Markdown.

The exit code is 0 when every ``fail`` check passed and 1 otherwise (2, bad input, is
the command line's). JUnit XML follows the common (Jenkins/Surefire) schema that
GitHub, GitLab, Jenkins and Azure read: one ``testsuite`` holding one ``testcase``
per check, a failed ``fail`` check as ``failure`` (``error`` when its metric could
not be read) and a failed ``warn`` check as ``skipped``, so it shows up without
turning the build red. The Markdown is a table for a pull-request comment or a job
summary, worst rows first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from watchkeeper.checks._suite import CheckResult, SuiteResult

__all__ = [
    "EXIT_FAILED",
    "EXIT_PASSED",
    "exit_code",
    "to_junit_xml",
    "to_markdown",
    "write_junit",
    "write_markdown",
]

EXIT_PASSED = 0
EXIT_FAILED = 1

_PASS, _FAIL, _WARN = "✅", "❌", "⚠️"


def exit_code(result: SuiteResult) -> int:
    """1 when a ``fail`` check failed (or could not be read), else 0.

    >>> from watchkeeper.checks._suite import SuiteResult
    >>> exit_code(SuiteResult("empty", ()))
    0
    """
    return EXIT_PASSED if result.passed else EXIT_FAILED


def to_junit_xml(result: SuiteResult) -> str:
    """The result as a JUnit XML document (UTF-8, with its declaration).

    >>> from watchkeeper.checks._suite import SuiteResult
    >>> print(to_junit_xml(SuiteResult("empty", ())).splitlines()[1])
    <testsuites name="watchkeeper" tests="0" failures="0" errors="0" skipped="0">
    """
    counts = _junit_counts(result)
    root = ET.Element("testsuites", {"name": "watchkeeper", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": result.name, **counts})
    for item in result.results:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"{result.name}.{item.check.metric}", "name": item.check.title},
        )
        if item.passed:
            continue
        if item.check.severity == "warn":
            ET.SubElement(case, "skipped", {"message": f"warning: {item.message}"})
        elif item.status == "error":
            ET.SubElement(
                case, "error", {"message": item.message, "type": "unreadable"}
            ).text = item.message
        else:
            ET.SubElement(
                case, "failure", {"message": item.message, "type": "check"}
            ).text = item.message
        ET.SubElement(case, "system-out").text = item.message
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _junit_counts(result: SuiteResult) -> dict[str, str]:
    failures = [r for r in result.failures if r.status == "failed"]
    errors = [r for r in result.failures if r.status == "error"]
    return {
        "tests": str(len(result.results)),
        "failures": str(len(failures)),
        "errors": str(len(errors)),
        "skipped": str(len(result.warnings)),
    }


def _cell(text: str) -> str:
    # A pipe would end the table cell and a newline the row.
    return text.replace("|", "\\|").replace("\n", " ")


def _status(item: CheckResult) -> str:
    if item.passed:
        return f"{_PASS} pass"
    if item.check.severity == "warn":
        return f"{_WARN} warn"
    return f"{_FAIL} {'error' if item.status == 'error' else 'fail'}"


def _row(item: CheckResult) -> str:
    value = item.message if item.status == "error" else item.message.split(";")[0]
    return (
        f"| {_status(item)} | {_cell(item.check.title)} | {_cell(value)} "
        f"| {_cell(item.check.expectation)} |"
    )


def to_markdown(result: SuiteResult) -> str:
    """A Markdown summary: a verdict line, failed and warning checks, then passed ones
    folded in a ``<details>`` block.

    >>> from watchkeeper.checks._suite import SuiteResult
    >>> print(to_markdown(SuiteResult("empty", ())).splitlines()[0])
    ### ✅ watchkeeper checks: empty passed
    """
    counts = result.counts()
    verdict = f"{_PASS} watchkeeper checks: {result.name} passed"
    if not result.passed:
        verdict = f"{_FAIL} watchkeeper checks: {result.name} failed"
    lines = [
        f"### {verdict}",
        "",
        f"{counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['warnings']} warnings, of {counts['total']} checks.",
    ]
    header = ["| status | check | value | expected |", "| --- | --- | --- | --- |"]
    order = {"fail": 0, "warn": 1}
    # sorted() is stable, so the suite's order holds within each group.
    flagged = sorted(
        (r for r in result.results if not r.passed), key=lambda r: order[r.check.severity]
    )
    passed = [r for r in result.results if r.passed]
    if flagged:
        lines += ["", *header, *(_row(item) for item in flagged)]
    if passed:
        # Passing checks fold away so a long suite's comment shows its problems first.
        lines += [
            "",
            "<details><summary>" + f"{len(passed)} passed checks</summary>",
            "",
            *header,
            *(_row(item) for item in passed),
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"


def write_junit(result: SuiteResult, path: str | Path) -> Path:
    """Write :func:`to_junit_xml` to ``path``."""
    path = Path(path)
    path.write_text(to_junit_xml(result), encoding="utf-8")
    return path


def write_markdown(result: SuiteResult, path: str | Path) -> Path:
    """Write :func:`to_markdown` to ``path``."""
    path = Path(path)
    path.write_text(to_markdown(result), encoding="utf-8")
    return path
