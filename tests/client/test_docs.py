"""The example in docs/sdk.md runs and prints what the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"


def test_the_sdk_page_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    shown = re.search(r"It prints.*?```\n(.*?)```", text, re.S)
    assert code and shown
    exec(compile(code.group(1), str(DOC), "exec"), {"__name__": "sdk_example"})
    printed = capsys.readouterr().out.splitlines()
    expected = shown.group(1).splitlines()
    assert printed[0] == expected[0]  # the stats
    # A slow machine may split a batch in two; the paths and the totals are what matter.
    totals: dict[str, int] = {}
    for line in printed[1:]:
        path, n = line.rsplit(" ", 1)
        totals[path] = totals.get(path, 0) + int(n)
    assert totals == {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in expected[1:]}
