"""``pip install watchkeeper`` without extras, simulated on the installed wheel.

``_core_only.py`` hides every distribution outside the core requirements' closure
(see its docstring). The README's first report runs there; a command that needs the
``server`` extra says which one to install (exit 2), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.acceptance._product import README, Example, Installed, shell_examples

CORE_ONLY = Path(__file__).with_name("_core_only.py")
REPORTS = [e for e in shell_examples(README.read_text()) if e.words[1:2] == ["report"]]


def _core(installed: Installed, args: list[str], cwd: Path) -> tuple[int, str, str]:
    done = installed.run(["python", str(CORE_ONLY), *args], cwd)
    return done.returncode, done.stdout, done.stderr


def test_the_simulation_hides_what_only_an_extra_brings(
    installed: Installed, workdir: Path
) -> None:
    hide = (
        f"import sys; sys.path.insert(0, {str(CORE_ONLY.parent)!r}); import _core_only as c; "
        "sys.meta_path.insert(0, c.HideOthers(c.core_closure())); "
    )
    assert installed.run(["python", "-c", "import fastapi"], workdir).returncode == 0
    hidden = installed.run(["python", "-c", hide + "import fastapi"], workdir)
    assert "No module named 'fastapi'" in hidden.stderr, hidden.stderr
    core = installed.run(["python", "-c", hide + "import numpy, scipy, pyarrow, yaml"], workdir)
    assert core.returncode == 0, core.stderr


@pytest.mark.parametrize("example", REPORTS, ids=lambda e: f"README.md:{e.line}")
def test_readme_report_runs_on_the_core_install(
    installed: Installed, workdir: Path, example: Example
) -> None:
    code, _, stderr = _core(installed, example.words[1:], workdir)
    assert code == example.exit_code, stderr


@pytest.mark.parametrize(
    "args",
    [
        ["serve"],
        ["keys", "list"],
        ["apply", "examples/watchkeeper.yaml"],
    ],
    ids=" ".join,
)
def test_a_server_command_without_the_extra_says_what_to_install(
    installed: Installed, workdir: Path, args: list[str]
) -> None:
    code, _, stderr = _core(installed, args, workdir)
    assert "Traceback" not in stderr, stderr
    assert code == 2 and "pip install 'watchkeeper[server]'" in stderr, stderr
