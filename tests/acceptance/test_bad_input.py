"""README's promise about exit codes, from the installed command: bad input ends with
exit 2 and a one-line message that names the file, never a traceback; a closed pipe
(``watchkeeper methods | head -1``) ends quietly."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.acceptance._product import Installed

REFERENCE = "examples/data/churn-reference.parquet"
BAD = {
    "missing": None,
    "binary.csv": bytes(range(256)) * 8,
    "latin1.csv": "plan,age\ncaf\xe9,41\nbasic,30\n".encode("latin-1"),
    "empty.parquet": b"",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_exits_2_with_a_message(installed: Installed, workdir: Path, name: str) -> None:
    content = BAD[name]
    if content is not None:
        (workdir / name).write_bytes(content)
    done = installed.run(["watchkeeper", "report", REFERENCE, name], workdir)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], done.stderr


def test_a_closed_pipe_ends_quietly(installed: Installed, workdir: Path) -> None:
    # The status is head's; the writer may die of SIGPIPE (141), as Unix tools do, but
    # says nothing on stderr.
    done = installed.run("watchkeeper methods | head -1", workdir)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert len(done.stdout.splitlines()) == 1
