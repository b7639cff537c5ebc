"""Take the code blocks of a docs page, and run its shell commands as a reader would.

The tests of tests/docs read each page itself (never a copy), so an example that stops
working, or output that stops matching what the page shows, fails CI.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def blocks(page: str, language: str) -> list[str]:
    """The code blocks of ``docs/<page>`` fenced as ``language`` (``""``: no language),
    in order."""
    found: list[str] = []
    opened: str | None = None
    lines: list[str] = []
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if opened is None and line.startswith("```"):
            opened, lines = line[3:].strip(), []
        elif opened is not None and line.strip() == "```":
            if opened == language:
                found.append("".join(f"{kept}\n" for kept in lines))
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


def block(page: str, language: str, holding: str) -> str:
    """The one block of ``docs/<page>`` in ``language`` that holds ``holding``."""
    found = [code for code in blocks(page, language) if holding in code]
    assert len(found) == 1, f"{len(found)} {language} blocks of {page} hold {holding!r}"
    return found[0]


@dataclass(frozen=True)
class Command:
    """One shell command of a block (continuation lines joined) and the lines of
    ``# output`` the page shows right after it."""

    text: str
    shown: str

    @property
    def argv(self) -> list[str]:
        """The command's words, as the shell splits them (comments dropped; no
        variables expanded)."""
        return shlex.split(self.text.replace("\\\n", " "), comments=True)


def commands(code: str) -> list[Command]:
    """Split a shell block into its commands: a command ends where its quotes are
    balanced and its line has no trailing backslash; comment lines that follow a command
    directly (``# {...}``) are the output the page shows for it."""
    found: list[Command] = []
    pending = ""
    shown: list[str] = []
    for line in code.splitlines():
        if not pending and line.lstrip().startswith("#"):
            if found and (shown or line.startswith(("# {", "# [", "#  "))):
                shown.append(line[1:].strip())
            continue
        if shown:
            found[-1] = Command(found[-1].text, " ".join(shown))
            shown = []
        if not pending and not line.strip():
            continue
        pending += line + "\n"
        if line.endswith("\\"):
            continue
        try:
            shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the command goes on
            continue
        found.append(Command(pending.rstrip("\n"), ""))
        pending = ""
    if shown:
        found[-1] = Command(found[-1].text, " ".join(shown))
    assert not pending, f"unfinished command: {pending!r}"
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def watchkeeper(
    *argv: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line, as ``python -m watchkeeper`` of the interpreter running the tests."""
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper", *argv],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def serving(*argv: str, cwd: Path, env: Mapping[str, str]) -> Iterator[str]:
    """``watchkeeper serve ARGV`` on a free loopback port; yields its base URL once
    ``/healthz`` answers, and stops it (SIGTERM) on exit."""
    import httpx

    port = free_port()
    log = (cwd / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port), *argv],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):  # a start that takes a minute on a loaded machine
            if server.poll() is not None:
                raise AssertionError((cwd / "serve.log").read_text())
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError(f"no answer from {url}/healthz: {(cwd / 'serve.log').read_text()}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
