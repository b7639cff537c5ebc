"""README.md's shell examples run on the shipped example data with their exit codes.

The blocks run in document order in one folder holding a copy of ``examples/`` (a
key created by one example is there for the next). ``watchkeeper serve`` runs until
stopped, so it is started on a free port (an option it documents), polled until
healthy, opened as a person would (``/`` leads to the dashboard, which a key
created by an earlier example signs in to) and stopped with Ctrl-C.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from tests.acceptance._product import (
    README,
    Example,
    Installed,
    free_port,
    shell_examples,
    sign_in,
    wait_until_healthy,
)

EXAMPLES = shell_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_runnable_examples_on_the_example_data() -> None:
    assert any("examples/data/" in example.command for example in EXAMPLES)


def test_readme_shell_examples_run(installed: Installed, workdir: Path) -> None:
    failures, output = [], ""
    for example in EXAMPLES:
        if example.words[1:2] == ["serve"]:
            failures += _serve(installed, workdir, example, output)
            continue
        done = installed.run(example.command, workdir)
        output += done.stdout
        if done.returncode != example.exit_code:
            failures.append(
                f"README.md:{example.line}: `{example.command}` exited {done.returncode}, "
                f"documented {example.exit_code}\n{done.stderr[-2000:]}"
            )
    assert not failures, "\n\n".join(failures)


def _serve(installed: Installed, workdir: Path, example: Example, earlier: str) -> list[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = installed.start(f"{example.bare} --port {port}", workdir)
    problems = []
    try:
        wait_until_healthy(base, server)
        root = httpx.get(f"{base}/", timeout=30)
        if not (root.is_redirect and root.headers["location"].endswith("/ui/")):
            problems.append(f"{base}/ answered {root.status_code}, not a redirect to /ui/")
        keys = re.findall(r"\bwk_[\w-]+", earlier)
        if keys:
            with httpx.Client(timeout=30) as client:
                sign_in(client, base, keys[-1])
                page = client.get(f"{base}/ui/")
                if page.status_code != 200:
                    problems.append(f"{base}/ui/ answered {page.status_code} after sign-in")
    finally:
        code = server.interrupt()
    if code != 0:
        problems.append(f"README.md:{example.line}: `{example.command}` ended with {code}")
    return [f"README.md:{example.line}: {problem}\n{server}" for problem in problems]
