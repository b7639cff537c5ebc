"""Slack-compatible incoming webhook: a ``text`` fallback and Block Kit ``blocks``.

Mattermost, Rocket.Chat, Zulip's Slack endpoint and Discord's ``/slack`` URLs take
the same payload. The webhook URL is itself a secret (whoever has it can post), so
give it by environment variable with ``url_env``; ``url`` is accepted for local
receivers. Optional: ``channel``, ``username``, ``icon_emoji`` (honoured by the
Slack-compatible servers that still read them), ``timeout`` (seconds, default 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watchkeeper.service._types import AlertEvent, AlertState, ChannelSpec
from watchkeeper.service.notifiers._delivery import (
    ChannelError,
    DeliveryResult,
    optional_env_secret,
    setting,
)
from watchkeeper.service.notifiers._http import json_body, post

__all__ = ["send_slack", "slack_payload"]

_ICON = {AlertState.FIRING: ":rotating_light:", AlertState.RESOLVED: ":white_check_mark:"}
# Slack refuses header blocks and section texts longer than these.
_HEADER_LIMIT = 150
_SECTION_LIMIT = 2900


def slack_payload(event: AlertEvent, *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The incoming-webhook payload for ``event``.

    >>> from datetime import UTC, datetime
    >>> from watchkeeper.service import AlertEvent, AlertState, Condition, Severity
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> e = AlertEvent("k1", "age-drift", "churn", "v1", "drift_score", AlertState.FIRING,
    ...                Severity.CRITICAL, 0.31, Condition("above", threshold=0.2), t, t, t,
    ...                feature="age", message="drift_score of 'age' is 0.31, above 0.2")
    >>> p = slack_payload(e)
    >>> p["text"]
    "[FIRING] critical: drift_score of 'age' is 0.31, above 0.2"
    >>> [b["type"] for b in p["blocks"]]
    ['header', 'section', 'section', 'context']
    """
    state = event.state.value.upper()
    title = f"{_ICON[event.state]} {state} · {event.severity.value} · {event.monitor}"
    if len(title) > _HEADER_LIMIT:
        title = title[: _HEADER_LIMIT - 3] + "..."
    fields = [
        ("Model", f"{event.model} {event.version}"),
        ("Metric", event.metric if event.feature is None else f"{event.metric} ({event.feature})"),
        ("Value", f"{event.value:.4g}"),
        ("Window", f"{event.window_start.isoformat()} to {event.window_end.isoformat()}"),
        ("Fired at", event.fired_at.isoformat()),
    ]
    if event.segment is not None:
        fields.insert(1, ("Segment", event.segment))
    if event.resolved_at is not None:
        fields.append(("Resolved at", event.resolved_at.isoformat()))
    context = f"alert `{_escape(event.key)}`"
    if event.url:
        context += f" · <{_escape(event.url)}|open in watchkeeper>"
    summary = (event.message or f"monitor {event.monitor!r}")[:_SECTION_LIMIT]
    payload: dict[str, Any] = {
        # Slack reads the fallback text as mrkdwn too: a feature named <!channel> pings.
        "text": f"[{state}] {event.severity.value}: {_escape(summary)}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}},
            {"type": "section", "text": {"type": "mrkdwn", "text": _escape(summary)}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{name}*\n{_escape(value)}"}
                    for name, value in fields
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }
    payload.update(extra or {})
    return payload


def send_slack(
    channel: ChannelSpec, event: AlertEvent, *, environ: Mapping[str, str]
) -> DeliveryResult:
    """POST the Slack payload of ``event`` to the channel's incoming webhook."""
    url = optional_env_secret(channel, "url_env", environ) or setting(channel, "url")
    if not url:
        raise ChannelError(
            f"channel {channel.name!r} (slack) has neither 'url_env' nor 'url'; set url_env "
            "to the environment variable holding the incoming webhook URL"
        )
    extra = {
        key: channel.settings[key]
        for key in ("channel", "username", "icon_emoji")
        if channel.settings.get(key)
    }
    body = json_body(slack_payload(event, extra=extra))
    return post(str(url), body, timeout=float(setting(channel, "timeout", 10.0)))


def _escape(text: str) -> str:
    """Text that Slack shows as written: its mrkdwn reserves ``&``, ``<`` and ``>`` for
    links and mentions (``<!channel>``, ``<@U123>``), so they become entities.

    >>> _escape("age <!channel> & <@U1|x>")
    'age &lt;!channel&gt; &amp; &lt;@U1|x&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
