"""The installed product, as a user meets it: the wheel built from this tree, installed
(not editable) into a fresh virtual environment, driven only through its entry points.

Installing every dependency from PyPI on each run would be slow and needs the network,
so the fresh environment holds the wheel alone (``--no-deps``) plus a ``.pth`` line
that appends the development environment's site-packages for the third-party
libraries. A plain path line in a ``.pth`` file does not process that directory's own
``.pth`` files, so the development environment's editable hook to ``src/`` is not
followed: ``watchkeeper`` resolves inside the fresh environment (a test asserts it).

The module also reads the documents the suite holds the product to: README.md's
command-line section and shell examples, and the CI templates in docs/ci/.
"""

from __future__ import annotations

import html
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# Environment variables that would point the installed product back at this checkout;
# every WATCHKEEPER_* setting goes too (a user's shell has none of CI's).
_SCRUBBED = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
PURELIB = "import sysconfig; print(sysconfig.get_path('purelib'))"


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment with the built wheel installed in it."""

    venv: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in _SCRUBBED and not k.startswith("WATCHKEEPER_")
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.venv)
        env["PYTHONUNBUFFERED"] = "1"
        env["NO_COLOR"] = "1"
        return env

    def run(
        self, command: str | Sequence[str], cwd: Path, *, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run ``command`` (a shell line, or an argument list) with the venv first on PATH."""
        return subprocess.run(
            command if isinstance(command, str) else list(command),
            shell=isinstance(command, str),
            executable="/bin/bash" if isinstance(command, str) else None,
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, command: str | Sequence[str], cwd: Path) -> Process:
        """Start a long-running ``command``; its output is read line by line in a thread."""
        popen = subprocess.Popen(
            command if isinstance(command, str) else list(command),
            shell=isinstance(command, str),
            executable="/bin/bash" if isinstance(command, str) else None,
            cwd=cwd,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        return Process(popen)


class Process:
    """A started command whose merged output lines arrive on a queue."""

    def __init__(self, popen: subprocess.Popen[str]) -> None:
        self.popen = popen
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match[str]:
        """Block until a line matches ``pattern``; fail if the process ends first."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern!r} in {timeout:.0f} s:\n{self}")
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"ended before printing {pattern!r}:\n{self}")
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a user stops it; the exit code."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGINT)  # its own session: the shell and its child
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
            raise

    def __str__(self) -> str:
        return "\n".join(self.lines[-40:])


def build_and_install(workspace: Path) -> Installed:
    """Build the wheel from a copy of this tree and install it into a fresh venv."""
    source = workspace / "source"
    shutil.copytree(
        ROOT / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = workspace / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _call([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source])
    (wheel,) = dist.glob("watchkeeper-*.whl")
    venv = workspace / "venv"
    _call([sys.executable, "-m", "venv", "--without-pip", venv])
    _call([*pip, "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index", wheel])
    fresh = Path(
        _call(
            [
                venv / "bin" / "python",
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ]
        ).strip()
    )
    dev = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (fresh / "_watchkeeper_acceptance_deps.pth").write_text("".join(f"{p}\n" for p in dev))
    return Installed(venv=venv, wheel=wheel)


def _call(command: Sequence[Any]) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# The documents


@dataclass(frozen=True)
class Example:
    """One ``watchkeeper`` command from a shell block, with its documented exit code."""

    line: int
    command: str
    exit_code: int

    @property
    def words(self) -> list[str]:
        return self.bare.split()

    @property
    def bare(self) -> str:
        """The command without its trailing comment."""
        return re.sub(r"\s+#.*$", "", self.command)


def fenced_blocks(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """``(language, first line number, lines)`` of each fenced block."""
    language: str | None = None
    start, lines = 0, list[str]()
    for number, line in enumerate(text.splitlines(), 1):
        fence = re.match(r"^```(\S*)\s*$", line)
        if fence and language is None:
            language, start, lines = fence.group(1), number + 1, []
        elif line.startswith("```") and language is not None:
            yield language, start, lines
            language = None
        elif language is not None:
            lines.append(line)


def documented_commands(text: str) -> list[tuple[str, ...]]:
    """The commands (with sub-commands) of README's "The command line" block."""
    section = text.split("## The command line", 1)[1].split("\n## ", 1)[0]
    _, _, lines = next(fenced_blocks(section))
    commands: list[tuple[str, ...]] = []
    for line in lines:
        if not line.startswith("watchkeeper "):
            continue  # a continuation of the previous command's options
        words = []
        for word in line.split()[1:]:
            if not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            words.append(word)
        commands.append(tuple(words))
    return commands


_EXIT = re.compile(r"#.*\bexits?(?: with)?(?: code)? (\d+)\b")


def shell_examples(text: str) -> list[Example]:
    """Every ``watchkeeper`` line of the sh/bash/console blocks, in document order.

    A ``.venv/bin/`` prefix is dropped (the installed command is on PATH); a console
    block's commands are its ``$ `` lines. The exit code is 0 unless a comment on the
    line says ``# exits N``.
    """
    examples = []
    for language, start, lines in fenced_blocks(text):
        if language not in {"sh", "bash", "shell", "console"}:
            continue
        joined: list[tuple[int, str]] = []
        for offset, line in enumerate(lines):
            if joined and joined[-1][1].endswith("\\"):
                joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + line.strip())
            elif language != "console" or line.startswith("$ "):
                joined.append((start + offset, line.removeprefix("$ ").strip()))
        for number, line in joined:
            command = line.removeprefix(".venv/bin/")
            if command.split(" ", 1)[0] != "watchkeeper":
                continue
            code = _EXIT.search(command)
            examples.append(Example(number, command, int(code.group(1)) if code else 0))
    return examples


def ci_commands(document: Any) -> list[str]:
    """The ``watchkeeper`` commands of a GitHub Actions, GitLab CI, CircleCI or Bitbucket
    Pipelines document."""
    scripts: list[str] = []
    for job in (document.get("jobs") or {}).values():  # GitHub Actions, CircleCI
        scripts += [step["run"] for step in job.get("steps", []) if "run" in step]
    for job in document.values():  # GitLab CI
        if isinstance(job, dict):
            for key in ("before_script", "script", "after_script"):
                scripts += job.get(key) or []
    if not scripts:  # Bitbucket Pipelines: steps nest deeper, one step reused by anchors
        scripts = list(dict.fromkeys(_nested_scripts(document)))
    return [" ".join(s.split()) for s in scripts if s.strip().startswith("watchkeeper ")]


def _nested_scripts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [line for item in node for line in _nested_scripts(item)]
    if not isinstance(node, dict):
        return []
    found = [line for line in node.get("script") or [] if isinstance(line, str)]
    return found + [line for k, v in node.items() if k != "script" for line in _nested_scripts(v)]


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(base: str, process: Process, timeout: float = 120) -> None:
    """Poll ``/healthz`` until it answers 200; fail when the server exits first."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError(f"the server exited with {process.popen.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # a poll interval, not a wait for readiness
    raise AssertionError(f"{base}/healthz did not answer 200 within {timeout:.0f} s")


def sign_in(client: Any, base: str, key: str) -> None:
    """Sign in to the dashboard with ``key`` through its form, as a person does."""
    form = client.get(f"{base}/ui/login")
    assert form.status_code == 200, form.text[:500]
    token = re.search(r'name="csrf" value="([^"]*)"', form.text)
    assert token, "the sign-in form has no CSRF token"
    answer = client.post(
        f"{base}/ui/login",
        data={"csrf": html.unescape(token.group(1)), "key": key, "next": "/ui/"},
    )
    assert answer.status_code == 303, f"sign-in answered {answer.status_code}: {answer.text[:500]}"
