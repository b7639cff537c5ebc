"""``python -m watchkeeper.demo`` from the installed wheel: one simulated day, then
served, where every address it prints answers 200 after sign-in."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from tests.acceptance._product import Installed, sign_in, wait_until_healthy


def test_demo_runs_one_day_without_serving(installed: Installed, workdir: Path) -> None:
    done = installed.run(
        ["python", "-m", "watchkeeper.demo", "--no-serve", "--days", "1", "--output", "out"],
        workdir,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "windows closed" in done.stdout
    assert (workdir / "out" / "report.html").stat().st_size > 10_000


def test_served_demo_answers_at_every_address_it_prints(
    installed: Installed, workdir: Path
) -> None:
    demo = installed.start(
        ["python", "-m", "watchkeeper.demo", "--days", "1", "--per-hour", "40", "--output", "out"],
        workdir,
    )
    try:
        key = demo.wait_for_line(r"API key for this run: (\S+)\)", timeout=600).group(1)
        demo.wait_for_line(r"^serving", timeout=120)
        addresses = re.findall(r"http://127\.0\.0\.1:\d+[^\s)]*", "\n".join(demo.lines))
        base = re.match(r"http://127\.0\.0\.1:(\d+)", addresses[0])
        assert base, addresses
        assert 8000 <= int(base.group(1)) < 8100, "the demo's port is 8000 or the next free one"
        wait_until_healthy(base.group(0), demo)
        root = httpx.get(f"{base.group(0)}/", timeout=30)
        assert (root.status_code, root.headers.get("location")) == (307, "/ui/")
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(timeout=60, headers=headers) as client:
            sign_in(client, base.group(0), key)
            answers = {url: client.get(url, follow_redirects=True) for url in addresses}
        wrong = {
            url: (answer.status_code, str(answer.url))
            for url, answer in answers.items()
            if answer.status_code != 200 or "/login" in answer.url.path
        }
        assert {"/ui/", "/metrics", "/docs"} <= {httpx.URL(url).path for url in addresses}
        assert not wrong, f"{wrong}\n{demo}"
    finally:
        code = demo.interrupt()
    assert code == 0, str(demo)
