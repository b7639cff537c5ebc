"""PagerDuty Events API v2-compatible payloads: ``trigger`` on firing, ``resolve`` on resolved.

The alert key is the ``dedup_key``, so PagerDuty opens one incident per alert and
the resolve closes it. A trigger carries ``payload.summary`` (at most 1,024
characters), ``severity`` (``critical``, ``warning`` or ``info``), ``source``,
``timestamp``, ``component`` (the model), ``group`` (the version), ``class`` (the
metric) and the whole event as ``custom_details``; a resolve needs only the routing
key, the action and the dedup key.

Settings: ``routing_key_env`` (required: the variable holding the integration's
routing key), ``url`` (default PagerDuty's enqueue endpoint; any compatible
receiver works), ``source`` (default ``watchkeeper/<model>``), ``timeout`` (seconds,
default 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watchkeeper.service._types import AlertEvent, AlertState, ChannelSpec
from watchkeeper.service.notifiers._delivery import DeliveryResult, env_secret, setting
from watchkeeper.service.notifiers._http import json_body, post

__all__ = ["PAGERDUTY_EVENTS_URL", "pagerduty_payload", "send_pagerduty"]

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_SUMMARY_LIMIT = 1024  # the Events API v2 refuses longer summaries


def pagerduty_payload(
    event: AlertEvent, routing_key: str, *, source: str | None = None
) -> dict[str, Any]:
    """The Events API v2 body for ``event``.

    >>> from datetime import UTC, datetime
    >>> from watchkeeper.service import AlertEvent, AlertState, Condition, Severity
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> e = AlertEvent("k1", "age-drift", "churn", "v1", "drift_score", AlertState.RESOLVED,
    ...                Severity.CRITICAL, 0.05, Condition("above", threshold=0.2), t, t, t)
    >>> pagerduty_payload(e, "R0UT1NG")
    {'routing_key': 'R0UT1NG', 'event_action': 'resolve', 'dedup_key': 'k1'}
    """
    base: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": "trigger" if event.state is AlertState.FIRING else "resolve",
        "dedup_key": event.key,
    }
    if event.state is not AlertState.FIRING:
        return base
    summary = event.message or f"{event.monitor}: {event.metric} on {event.model} {event.version}"
    base["payload"] = {
        "summary": summary[:_SUMMARY_LIMIT],
        "severity": event.severity.value,
        "source": source or f"watchkeeper/{event.model}",
        "timestamp": event.fired_at.isoformat(),
        "component": event.model,
        "group": event.version,
        "class": event.metric,
        "custom_details": event.to_dict(),
    }
    base["client"] = "watchkeeper"
    if event.url:
        base["client_url"] = event.url
        base["links"] = [{"href": event.url, "text": "alert in watchkeeper"}]
    return base


def send_pagerduty(
    channel: ChannelSpec, event: AlertEvent, *, environ: Mapping[str, str]
) -> DeliveryResult:
    """POST the Events API v2 body of ``event`` to the channel's ``url``."""
    routing_key = env_secret(channel, "routing_key_env", environ)
    source = setting(channel, "source")
    body = json_body(pagerduty_payload(event, routing_key, source=source and str(source)))
    url = str(setting(channel, "url", PAGERDUTY_EVENTS_URL))
    return post(url, body, timeout=float(setting(channel, "timeout", 10.0)))
