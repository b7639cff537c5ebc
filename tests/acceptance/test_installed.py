"""The wheel is what runs, and every command README.md documents answers ``--help``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.acceptance._product import README, ROOT, Installed, documented_commands

COMMANDS = documented_commands(README.read_text(encoding="utf-8"))


def test_the_installed_wheel_is_what_runs(installed: Installed, workdir: Path) -> None:
    done = installed.run(
        ["python", "-c", "import watchkeeper; print(watchkeeper.__file__)"], workdir
    )
    assert done.returncode == 0, done.stderr
    where = Path(done.stdout.strip()).resolve()
    assert where.is_relative_to(installed.venv.resolve()), where
    assert not where.is_relative_to(ROOT / "src"), where
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    done = installed.run(["watchkeeper", "--version"], workdir)
    assert (done.returncode, version in done.stdout) == (0, True), done.stdout + done.stderr


def test_the_readme_documents_the_commands() -> None:
    # Guards the parser below: an empty list would make the next test vacuous.
    assert {("report",), ("serve",), ("grafana", "dashboard")} <= set(COMMANDS)


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_documented_command_answers_help(
    installed: Installed, workdir: Path, words: tuple[str, ...]
) -> None:
    done = installed.run(["watchkeeper", *words, "--help"], workdir, timeout=120)
    assert done.returncode == 0, f"`watchkeeper {' '.join(words)} --help`:\n{done.stderr}"
    assert f"usage: watchkeeper {' '.join(words)}" in " ".join(done.stdout.split())
