"""The examples of docs/monitors-as-code.md run as written.

The console block runs on a copy of the complete example the page points to
(``examples/watchkeeper.yaml`` with its data), line by line through
``python -m watchkeeper`` on a SQLite store: ``validate`` prints the page's line,
``apply`` loads it, ``schedule run`` exits 1 (the example's scored files drift, so its
monitors are in breach; 0 would mean none). The Python snippet loads the same file.
The secrets fragment, set in a webhook channel, is valid as written and an error with
its commented line turned on; the retention example goes through ``parse_config``, and
``watchkeeper retention run`` prints the periods its comment gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.docs._pages import block, blocks, commands, watchkeeper

from watchkeeper.service.config import InvalidConfigError, parse_config

PAGE = "monitors-as-code.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "watchkeeper.yaml", tmp_path / "watchkeeper.yaml")
    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    return tmp_path


def test_every_block_is_run_here() -> None:
    assert [len(blocks(PAGE, kind)) for kind in ("console", "python", "yaml")] == [1, 1, 2]


def test_the_console_lines_on_the_complete_example(example: Path) -> None:
    store = {"WATCHKEEPER_DATABASE_URL": f"sqlite:///{example / 'wk.db'}"}
    lines = block(PAGE, "console", "$ watchkeeper validate").splitlines()
    codes = []
    for k, line in enumerate(lines):
        if not line.startswith("$ "):
            continue
        argv = commands(line[2:])[0].argv
        assert argv[0] == "watchkeeper"
        done = watchkeeper(*argv[1:], cwd=example, env=store)
        codes.append(done.returncode)
        following = lines[k + 1] if k + 1 < len(lines) else "$"
        if not following.startswith("$"):
            assert done.stdout.strip() == following
    assert codes == [0, 0, 1]


def test_the_python_snippet_loads_the_example(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    names: dict[str, Any] = {}
    exec(block(PAGE, "python", "load_config("), names)
    assert len(names["config"].monitors) == 6


def _channel(settings: str) -> str:
    fragment = "".join(f"    {line}\n" for line in settings.splitlines())
    return f"channels:\n  - name: hook\n    type: webhook\n{fragment}".replace(
        "settings:\n", "settings:\n      url: https://hooks.example.com/wk\n", 1
    )


def test_the_secrets_fragment_is_right_and_its_commented_line_is_an_error() -> None:
    fragment = block(PAGE, "yaml", "secret_env:")
    config = parse_config(_channel(fragment))
    assert config.channels[0].settings["secret_env"] == "WATCHKEEPER_WEBHOOK_SECRET"
    wrong = fragment.replace("  secret_env: WATCHKEEPER_WEBHOOK_SECRET", "  #", 1)
    wrong = wrong.replace("  # secret: hunter2", "  secret: hunter2", 1)
    with pytest.raises(InvalidConfigError) as refused:
        parse_config(_channel(wrong))
    assert "environment variable" in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_the_retention_example_gives_the_periods_its_comment_says(tmp_path: Path) -> None:
    code = block(PAGE, "yaml", "retention: {records: 30d}")
    assert [m.name for m in parse_config(code).models] == ["churn"]
    (tmp_path / "watchkeeper.yaml").write_text(code, encoding="utf-8")
    store = {"WATCHKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'wk.db'}"}
    assert watchkeeper("apply", "watchkeeper.yaml", cwd=tmp_path, env=store).returncode == 0
    done = watchkeeper("retention", "run", "watchkeeper.yaml", cwd=tmp_path, env=store)
    # "records 30d (its own), metrics 730d (the server's)"
    first = done.stdout.splitlines()[0]
    assert first.startswith("churn: records 30d (model)") and "metrics 730d (server)" in first
