"""PagerDuty Events API v2 payloads, delivered to a real HTTP receiver on loopback.

Field names and values follow PagerDuty's Events API v2 reference (send an alert
event: routing_key, event_action trigger/acknowledge/resolve, dedup_key, payload with
summary, source, severity critical/error/warning/info, timestamp, component, group,
class, custom_details; 202 Accepted on success).
"""

from __future__ import annotations

import json
import logging

import pytest
from tests.service.notifiers.conftest import HttpReceiver, make_event

from watchkeeper.service import AlertState, ChannelSpec, Severity
from watchkeeper.service.notifiers import PAGERDUTY_EVENTS_URL, send

ROUTING_KEY = "R0UT1NGKEY0000000000000000000000"
ENV = {"PD_ROUTING_KEY": ROUTING_KEY}


def channel(url: str) -> ChannelSpec:
    return ChannelSpec("pager", "pagerduty", {"routing_key_env": "PD_ROUTING_KEY", "url": url})


def test_trigger_payload(http_receiver: HttpReceiver) -> None:
    http_receiver.status = 202
    http_receiver.answer = b'{"status":"success","message":"Event processed","dedup_key":"x"}'
    event = make_event()
    result = send(channel(http_receiver.url), event, environ=ENV)
    assert (result.ok, result.status) == (True, 202)
    body = json.loads(http_receiver.requests[0].body)
    assert body["routing_key"] == ROUTING_KEY
    assert body["event_action"] == "trigger"
    assert body["dedup_key"] == "73dd1cfa71e7edc4"
    payload = body["payload"]
    assert payload["summary"] == event.message
    assert payload["severity"] == "critical"
    assert payload["source"] == "watchkeeper/churn"
    assert payload["timestamp"] == "2024-03-01T12:00:00+00:00"
    assert (payload["component"], payload["group"], payload["class"]) == (
        "churn",
        "v1",
        "drift_score",
    )
    assert payload["custom_details"] == event.to_dict()
    assert body["links"] == [{"href": event.url, "text": "alert in watchkeeper"}]


def test_resolve_payload_has_only_what_the_api_needs(http_receiver: HttpReceiver) -> None:
    http_receiver.status = 202
    send(channel(http_receiver.url), make_event(state=AlertState.RESOLVED), environ=ENV)
    assert json.loads(http_receiver.requests[0].body) == {
        "routing_key": ROUTING_KEY,
        "event_action": "resolve",
        "dedup_key": "73dd1cfa71e7edc4",
    }


@pytest.mark.parametrize("severity", list(Severity))
def test_every_severity_is_one_pagerduty_accepts(severity: Severity) -> None:
    assert severity.value in {"critical", "error", "warning", "info"}


def test_summary_is_cut_to_the_api_limit(http_receiver: HttpReceiver) -> None:
    send(channel(http_receiver.url), make_event(message="m" * 5000), environ=ENV)
    assert len(json.loads(http_receiver.requests[0].body)["payload"]["summary"]) == 1024


def test_source_setting(http_receiver: HttpReceiver) -> None:
    spec = ChannelSpec(
        "pager",
        "pagerduty",
        {"routing_key_env": "PD_ROUTING_KEY", "url": http_receiver.url, "source": "prod-eu"},
    )
    send(spec, make_event(), environ=ENV)
    assert json.loads(http_receiver.requests[0].body)["payload"]["source"] == "prod-eu"


def test_default_url_is_pagerdutys_enqueue_endpoint() -> None:
    assert PAGERDUTY_EVENTS_URL == "https://events.pagerduty.com/v2/enqueue"


def test_refusals_and_outages(
    http_receiver: HttpReceiver, closed_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    http_receiver.status = 400
    http_receiver.answer = b'{"status":"invalid event","message":"Event object is invalid"}'
    bad = send(channel(http_receiver.url), make_event(), environ=ENV)
    assert (bad.ok, bad.status, bad.retryable) == (False, 400, False)
    assert "Event object is invalid" in (bad.error or "")
    http_receiver.status = 429
    assert send(channel(http_receiver.url), make_event(), environ=ENV).retryable
    down = send(channel(closed_url), make_event(), environ=ENV)
    assert (down.ok, down.retryable) == (False, True)
    assert ROUTING_KEY not in caplog.text


def test_missing_routing_key_sends_nothing(http_receiver: HttpReceiver) -> None:
    result = send(channel(http_receiver.url), make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)
    assert http_receiver.requests == []
