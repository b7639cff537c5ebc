"""The Slack-compatible incoming webhook, delivered to a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import logging

import pytest
from tests.service.notifiers.conftest import HttpReceiver, make_event

from watchkeeper.service import AlertState, ChannelSpec
from watchkeeper.service.notifiers import send, slack_payload


def test_payload_has_text_and_blocks(http_receiver: HttpReceiver) -> None:
    env = {"SLACK_URL": http_receiver.url}
    spec = ChannelSpec("team", "slack", {"url_env": "SLACK_URL", "channel": "#ml-alerts"})
    result = send(spec, make_event(), environ=env)
    assert (result.ok, result.status) == (True, 200)
    body = json.loads(http_receiver.requests[0].body)
    assert body["text"] == (
        "[FIRING] critical: monitor 'age-drift': drift_score of 'age' on churn v1 is 0.31, "
        "above 0.2"
    )
    assert body["channel"] == "#ml-alerts"
    header, message, fields, context = body["blocks"]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": ":rotating_light: FIRING · critical · age-drift",
            "emoji": True,
        },
    }
    assert message["type"] == "section"
    assert message["text"]["type"] == "mrkdwn"
    texts = [f["text"] for f in fields["fields"]]
    assert texts[:3] == ["*Model*\nchurn v1", "*Metric*\ndrift_score (age)", "*Value*\n0.31"]
    assert all(f["type"] == "mrkdwn" for f in fields["fields"])
    assert context["elements"][0]["text"] == (
        "alert `73dd1cfa71e7edc4` · "
        "<http://watchkeeper.test/alerts/73dd1cfa71e7edc4|open in watchkeeper>"
    )


def test_resolved_payload() -> None:
    payload = slack_payload(make_event(state=AlertState.RESOLVED, segment="region=eu"))
    assert payload["text"].startswith("[RESOLVED] critical: ")
    assert payload["blocks"][0]["text"]["text"].startswith(":white_check_mark: RESOLVED")
    texts = [f["text"] for f in payload["blocks"][2]["fields"]]
    assert "*Segment*\nregion=eu" in texts
    assert "*Resolved at*\n2024-03-01T14:00:00+00:00" in texts


def test_mrkdwn_control_characters_are_escaped() -> None:
    payload = slack_payload(make_event(message="a <b> & <!channel>", monitor="x" * 300))
    assert payload["blocks"][1]["text"]["text"] == "a &lt;b&gt; &amp; &lt;!channel&gt;"
    assert len(payload["blocks"][0]["text"]["text"]) == 150  # Slack's header limit


def test_a_feature_named_like_a_mention_pings_nobody() -> None:
    # Slack turns <!channel>, <!here>, <@U123> and <url|text> into mentions and links in
    # every mrkdwn text, the fallback "text" included (it is what notifications show).
    hostile = "<!channel> & <@U0ADMIN> <https://evil.test|click>"
    event = make_event(feature=hostile, message=f"drift_score of '{hostile}' is 0.31")
    payload = slack_payload(event)
    escaped = "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt; &lt;https://evil.test|click&gt;"
    assert payload["text"] == f"[FIRING] critical: drift_score of '{escaped}' is 0.31"
    assert f"*Metric*\ndrift_score ({escaped})" in [
        f["text"] for f in payload["blocks"][2]["fields"]
    ]
    mrkdwn = [payload["text"], payload["blocks"][1]["text"]["text"]]
    mrkdwn += [f["text"] for f in payload["blocks"][2]["fields"]]
    mrkdwn.append(payload["blocks"][3]["elements"][0]["text"])
    for text in mrkdwn:
        assert "<!" not in text and "<@" not in text and "<https://evil" not in text


def test_a_plain_url_works_for_local_receivers(http_receiver: HttpReceiver) -> None:
    spec = ChannelSpec("local", "slack", {"url": http_receiver.url})
    assert send(spec, make_event(), environ={}).ok


def test_no_url_is_a_settings_problem() -> None:
    result = send(ChannelSpec("team", "slack", {}), make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)
    assert "url_env" in (result.error or "")


def test_500_is_retryable_and_the_url_stays_secret(
    http_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    http_receiver.status = 500
    env = {"SLACK_URL": http_receiver.url}
    result = send(ChannelSpec("team", "slack", {"url_env": "SLACK_URL"}), make_event(), environ=env)
    assert (result.ok, result.status, result.retryable) == (False, 500, True)
    assert "SECRET-PATH-TOKEN" not in (result.error or "")
    assert "SECRET-PATH-TOKEN" not in caplog.text


def test_a_closed_port_fails(closed_url: str) -> None:
    result = send(ChannelSpec("team", "slack", {"url": closed_url}), make_event(), environ={})
    assert (result.ok, result.retryable) == (False, True)
