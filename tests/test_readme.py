"""Every ```python block of the README runs as written (a newcomer copies them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    # A comment after a print that looks like a value (a list, a number, one word) is
    # the output the README promises; prose comments are not checked.
    for comment in re.findall(r"print\(.*\)\s+# (.+)", code):
        expected = comment.strip()
        if re.fullmatch(r"\[.*\]|[\w.]+", expected):
            assert expected in printed
