"""The examples of docs/alerts.md run as written and show what the notifiers send.

The ``transition`` snippet runs and its last line equals its comment; the channels YAML
loads through ``parse_config`` and every channel passes ``check_channel`` with its
secrets in the environment; the webhook, Slack and PagerDuty bodies the page shows are
what ``send`` posts (to a receiver on 127.0.0.1, through the channels of the page's
YAML, their URLs pointed at the receiver) for the event the page describes: monitor
``age-drift`` (critical) on churn v1, feature ``age``, 0.31 above 0.2, window 11:00 to
12:00 on 2024-03-01; the receiver's ``verify`` of the page accepts the signed webhook;
the e-mail is ``email_message`` of that event (no SMTP server here: tests/service
covers the delivery). The state diagram is a drawing, not an example.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.docs._pages import block, blocks

from watchkeeper.service import AlertEvent, Condition, MonitorSpec, Severity
from watchkeeper.service.alerts import Evaluation, transition
from watchkeeper.service.config import parse_config
from watchkeeper.service.notifiers import check_channel, email_message, send, verify_webhook

PAGE = "alerts.md"
SECRETS = {
    "WK_HOOK_SECRET": "a-long-webhook-signing-secret",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/XXXX",
    "SMTP_PASSWORD": "smtp-password",
    "PD_ROUTING_KEY": "R0UT1NGKEY",
}


def _event() -> AlertEvent:
    """The event the page's payloads describe."""
    monitor = MonitorSpec(
        "age-drift", "churn", "drift_score", Condition("above", threshold=0.2),
        severity=Severity.CRITICAL,
    )  # fmt: skip
    start = datetime(2024, 3, 1, 11, tzinfo=UTC)
    evaluation = Evaluation(
        monitor, "churn", "v1", "age", None, breached=True, value=0.31,
        window_start=start, window_end=start + timedelta(hours=1), n_samples=500,
    )  # fmt: skip
    url = "https://watchkeeper.example.com/alerts/{key}"
    first = transition(None, evaluation, now=start + timedelta(hours=1))
    [event] = first.events
    return replace(event, url=url.format(key=event.key))


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An HTTP endpoint on 127.0.0.1 that keeps each post's headers and raw body."""
    posts: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "raw": raw})
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", posts
    server.shutdown()
    server.server_close()


def _channels(url: str) -> dict[str, Any]:
    """The page's channels, from its YAML, with the HTTP ones pointed at ``url``."""
    config = parse_config(block(PAGE, "yaml", "channels:"))
    channels = {c.name: c for c in config.channels}
    hook = channels["ops-hook"]
    pager = channels["pager"]
    channels["ops-hook"] = replace(hook, settings={**hook.settings, "url": url})
    channels["pager"] = replace(pager, settings={**pager.settings, "url": url})
    return channels


def _shown(holding: str) -> Any:
    return json.loads(block(PAGE, "json", holding))


def test_the_transition_snippet_returns_its_comment() -> None:
    code = block(PAGE, "python", "transition(None, ev")
    *lines, last = code.strip().splitlines()
    expression, comment = last.split("#", 1)
    names: dict[str, Any] = {}
    exec("\n".join(lines), names)
    assert repr(eval(expression, names)) == comment.strip()


def test_the_channels_load_and_check_clean() -> None:
    config = parse_config(block(PAGE, "yaml", "channels:"))
    assert [c.type for c in config.channels] == ["webhook", "slack", "email", "pagerduty"]
    for channel in config.channels:
        assert check_channel(channel, environ=SECRETS) == (), channel.name


def test_the_webhook_posts_the_event_the_page_shows_and_its_verify_accepts_it(
    receiver: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, posts = receiver
    event = _event()
    assert send(_channels(url)["ops-hook"], event, environ=SECRETS).ok
    [post] = posts
    assert json.loads(post["raw"]) == _shown('"condition": {"kind"')
    names: dict[str, Any] = {}
    exec(block(PAGE, "python", "def verify("), names)
    monkeypatch.setenv("WK_HOOK_SECRET", SECRETS["WK_HOOK_SECRET"])
    msg_id = names["verify"](post["headers"], post["raw"])
    assert msg_id.startswith("msg_")
    assert verify_webhook(post["headers"], post["raw"], SECRETS["WK_HOOK_SECRET"]) == msg_id
    with pytest.raises(ValueError, match="bad signature"):
        names["verify"](post["headers"], post["raw"].replace(b"0.31", b"0.01"))


def test_the_slack_post_is_the_page_s(receiver: tuple[str, list[dict[str, Any]]]) -> None:
    url, posts = receiver
    assert send(_channels(url)["ml-team"], _event(), environ={"SLACK_WEBHOOK_URL": url}).ok
    assert json.loads(posts[0]["raw"]) == _shown('"blocks": [')


def test_the_pagerduty_event_is_the_page_s(receiver: tuple[str, list[dict[str, Any]]]) -> None:
    url, posts = receiver
    event = _event()
    assert send(_channels(url)["pager"], event, environ=SECRETS).ok
    sent = json.loads(posts[0]["raw"])
    shown = _shown('"event_action": "trigger"')
    assert shown.pop("routing_key") == "<from PD_ROUTING_KEY>"
    assert sent.pop("routing_key") == SECRETS["PD_ROUTING_KEY"]
    details = shown["payload"].pop("custom_details")
    assert details.pop("...") == "the whole event"
    assert sent["payload"].pop("custom_details") == {**event.to_dict(), **details}
    assert sent == shown


def test_the_mail_is_the_page_s() -> None:
    mail = block(PAGE, "", "Subject: [watchkeeper]")
    headers, body = mail.split("\n\n", 1)
    channel = _channels("http://127.0.0.1:9/")["oncall-mail"]
    message = email_message(
        _event(), sender=channel.settings["from"], to=tuple(channel.settings["to"])
    )
    for line in headers.splitlines():
        name, value = line.split(": ", 1)
        assert message[name] == value, name
    plain = message.get_body(("plain",))
    assert plain is not None
    assert plain.get_content().strip() == body.strip()


def test_every_example_block_is_run_here() -> None:
    assert len(blocks(PAGE, "python")) == 2
    assert len(blocks(PAGE, "json")) == 3
    assert len(blocks(PAGE, "yaml")) == 1
    assert len(blocks(PAGE, "")) == 2  # the state diagram and the mail
