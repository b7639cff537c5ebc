"""The dashboard in a real browser: Debian's chromium driven by Playwright.

uvicorn serves create_app on a free loopback port with the seeded SQLite store; the
tests sign in, click through every page, check that the charts drew SVG paths from
their data, acknowledge an alert, switch to dark mode, reach the actions with the
keyboard, and fail on any console error or uncaught page error. Screenshots go to
test-artifacts/dashboard/ (git-ignored; WATCHKEEPER_TEST_ARTIFACTS moves them).
Skipped, with the reason, when chromium or the playwright package is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.dashboard._seed import MODEL
from tests.dashboard.conftest import make_app

CHROMIUM = os.environ.get("WATCHKEEPER_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(service: Any) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        make_app(service), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    runner.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    root = Path(os.environ.get("WATCHKEEPER_TEST_ARTIFACTS", REPO / "test-artifacts"))
    folder = root / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, page: Any, artifacts: Path) -> None:
        self.page = page
        self.artifacts = artifacts
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)


def _open(browser: Any, artifacts: Path, scheme: str = "light") -> Iterator[Watched]:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page(), artifacts)
    yield watched
    context.close()
    assert watched.problems == [], "\n".join(watched.problems)


@pytest.fixture
def tab(browser: Any, artifacts: Path) -> Iterator[Watched]:
    yield from _open(browser, artifacts)


@pytest.fixture
def dark_tab(browser: Any, artifacts: Path) -> Iterator[Watched]:
    yield from _open(browser, artifacts, "dark")


def _sign_in(tab: Watched, server: str, key: str) -> None:
    page = tab.page
    page.goto(f"{server}/ui/")
    assert "/ui/login" in page.url
    tab.shot("01-sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/ui/")


def _charts_drawn(tab: Watched, minimum_with_data: int) -> int:
    """Scroll every chart into view (they load lazily), wait, count those with paths."""
    page = tab.page
    charts = page.locator(".wk-chart[data-src]")
    with_data = 0
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "el => el.getAttribute('data-state') === 'done' || "
            "el.getAttribute('data-state') === 'failed'",
            arg=chart.element_handle(),
            timeout=10_000,
        )
        assert chart.get_attribute("data-state") == "done"
        if chart.locator("svg path.wk-line, svg rect.wk-bar").count():
            with_data += 1
            assert "Latest:" in (chart.get_attribute("aria-label") or "")
    assert with_data >= minimum_with_data
    return with_data


def test_sign_in_and_click_through_every_page(
    tab: Watched, server: str, keys: dict[str, str], service: Any
) -> None:
    page = tab.page
    _sign_in(tab, server, keys["admin"])
    page.wait_for_selector(".wk-spark[data-drawn] svg path")
    assert page.locator(f'.wk-spark[data-model="{MODEL}"] svg path').count() >= 2
    tab.shot("02-overview")

    page.get_by_role("link", name=MODEL, exact=True).click()
    page.wait_for_url(f"**/ui/models/{MODEL}")
    # drift per feature, drift share, accuracy (and the other realized metrics), missing
    # share, latency, throughput, CPU, memory, records, label coverage at least
    _charts_drawn(tab, minimum_with_data=10)
    assert page.locator(".wk-chart line.wk-threshold").count() >= 1
    tab.shot("03-model")

    page.get_by_role("link", name="age", exact=True).click()
    page.wait_for_url("**/feature?name=age*")
    _charts_drawn(tab, minimum_with_data=3)
    assert page.locator(".wk-chart rect.wk-bar").count() >= 1  # the histogram
    tab.shot("04-feature")

    page.get_by_role("link", name=MODEL, exact=True).first.click()
    page.get_by_role("link", name="compare versions").click()
    page.wait_for_url("**/versions")
    _charts_drawn(tab, minimum_with_data=3)
    ab = page.locator(".wk-chart").first.locator(".wk-legend li")
    assert ab.count() == 2
    tab.shot("05-versions")

    page.get_by_role("link", name="Alerts", exact=True).click()
    page.wait_for_url("**/ui/alerts")
    before = len([a for a in service.list_alerts(state="firing") if a.acknowledged_by])
    page.locator('button[data-action="ack"]').first.click()
    page.wait_for_selector("text=Alert acknowledged.")
    after = len([a for a in service.list_alerts(state="firing") if a.acknowledged_by])
    assert after == before + 1
    tab.shot("06-alerts")

    report = {
        "schema_version": "1.0",
        "created_at": "2024-01-01T00:00:00+00:00",
        "reference": {"name": "ref", "n_rows": 3, "n_columns": 1},
        "current": {"name": "cur", "n_rows": 3, "n_columns": 1},
        "drift": {"share_drifted": 0.0, "dataset_drift": False, "columns": []},
        "quality": {"findings": []},
    }
    uploaded = httpx.post(
        f"{server}/v1/reports?name=browser-report",
        json=report,
        headers={"Authorization": f"Bearer {keys['reports']}"},
    )
    assert uploaded.status_code == 201
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="browser-report").first.click()
    frame = page.frame_locator("iframe.wk-report-frame")
    frame.locator(".wk-report").first.wait_for()
    tab.shot("07-report")

    page.get_by_role("link", name="Guard", exact=True).click()
    page.wait_for_selector("text=no LLM guard traffic yet")
    tab.shot("08-guard")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/ui/login")


def test_dark_mode_follows_the_system_and_the_toggle(
    dark_tab: Watched, server: str, keys: dict[str, str]
) -> None:
    page = dark_tab.page
    _sign_in(dark_tab, server, keys["read"])

    def background() -> str:
        value: str = page.evaluate("getComputedStyle(document.body).backgroundColor")
        return value

    assert background() == "rgb(13, 17, 23)"
    page.goto(f"{server}/ui/models/{MODEL}")
    _charts_drawn(dark_tab, minimum_with_data=5)
    dark_tab.shot("09-model-dark")
    toggle = page.locator("#wk-theme")
    toggle.click()  # auto -> light
    assert background() == "rgb(255, 255, 255)"
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.reload()  # the choice is remembered
    assert background() == "rgb(255, 255, 255)"
    page.locator("#wk-theme").click()  # light -> dark
    assert background() == "rgb(13, 17, 23)"
    assert "dark" in (page.locator("#wk-theme").get_attribute("aria-label") or "")


def test_keyboard_reaches_the_skip_link_and_the_actions(
    tab: Watched, server: str, keys: dict[str, str]
) -> None:
    page = tab.page
    _sign_in(tab, server, keys["admin"])
    page.goto(f"{server}/ui/alerts")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.action") == "ack":
            break
    else:
        pytest.fail("no Acknowledge button is reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    tab.shot("10-keyboard-focus")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Alert acknowledged.")


def test_read_only_users_see_no_action_buttons(
    tab: Watched, server: str, keys: dict[str, str]
) -> None:
    page = tab.page
    _sign_in(tab, server, keys["read"])
    page.goto(f"{server}/ui/alerts")
    assert page.locator("button[data-action]").count() == 0
    assert page.get_by_text("Signed in read-only").count() == 1
