"""The generic webhook, delivered to a real HTTP receiver on loopback."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import logging
import math
from datetime import datetime

import pytest
from tests.service.notifiers.conftest import T0, HttpReceiver, make_event

from watchkeeper.service import AlertState, ChannelSpec
from watchkeeper.service.notifiers import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    send,
    send_webhook,
    sign,
)

SECRET = "whsec-4f1c9b2e-not-for-logs"
ENV = {"WK_HOOK_SECRET": SECRET}


def channel(url: str, **settings: object) -> ChannelSpec:
    return ChannelSpec(
        "ops-hook", "webhook", {"url": url, "secret_env": "WK_HOOK_SECRET", **settings}
    )


def test_body_is_the_event_and_the_signature_verifies(http_receiver: HttpReceiver) -> None:
    event = make_event()
    result = send_webhook(channel(http_receiver.url), event, environ=ENV, clock=lambda: T0)
    assert (result.ok, result.status, result.error, result.retryable) == (True, 200, None, False)
    [request] = http_receiver.requests
    assert request.path == "/hook/T000/SECRET-PATH-TOKEN"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    assert body == event.to_dict()
    assert (body["state"], body["severity"], body["value"]) == ("firing", "critical", 0.31)
    assert body["fired_at"] == "2024-03-01T12:00:00+00:00"
    # The receiver's check, with the standard library only.
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers[SIGNATURE_HEADER] == f"sha256={expected}"
    # 2024-03-01T12:00Z in Unix seconds, from the calendar module.
    assert request.headers[TIMESTAMP_HEADER] == str(calendar.timegm((2024, 3, 1, 12, 0, 0)))


def test_sign_matches_openssl() -> None:
    # echo -n '{"state":"firing"}' | openssl dgst -sha256 -hmac s3cret
    assert sign(b'{"state":"firing"}', "s3cret") == (
        "sha256=3b9fb94faef72a013995235996f43bcb8c7e927a8f04bb04a1f6178d33aac7e7"
    )


def test_a_tampered_body_fails_verification(http_receiver: HttpReceiver) -> None:
    send(channel(http_receiver.url), make_event(), environ=ENV)
    request = http_receiver.requests[0]
    tampered = request.body.replace(b"critical", b"info")
    digest = hmac.new(SECRET.encode(), tampered, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(request.headers[SIGNATURE_HEADER], f"sha256={digest}")


def test_without_secret_env_the_post_is_unsigned(http_receiver: HttpReceiver) -> None:
    spec = ChannelSpec("plain", "webhook", {"url": http_receiver.url})
    assert send(spec, make_event(state=AlertState.RESOLVED), environ={}).ok
    [request] = http_receiver.requests
    assert SIGNATURE_HEADER not in request.headers
    assert json.loads(request.body)["resolved_at"] == "2024-03-01T14:00:00+00:00"


def test_non_finite_values_travel_as_null(http_receiver: HttpReceiver) -> None:
    assert send(channel(http_receiver.url), make_event(value=math.inf), environ=ENV).ok
    assert json.loads(http_receiver.requests[0].body)["value"] is None


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (404, False), (400, False)]
)
def test_error_answers(http_receiver: HttpReceiver, status: int, retryable: bool) -> None:
    http_receiver.status, http_receiver.answer = status, b"receiver says no"
    result = send(channel(http_receiver.url), make_event(), environ=ENV)
    assert (result.ok, result.status, result.retryable) == (False, status, retryable)
    assert result.error is not None
    assert f"answered {status}: receiver says no" in result.error
    assert "SECRET-PATH-TOKEN" not in result.error


def test_redirects_are_not_followed(http_receiver: HttpReceiver) -> None:
    http_receiver.status = 302
    result = send(channel(http_receiver.url), make_event(), environ=ENV)
    assert (result.ok, result.status, result.retryable) == (False, 302, False)
    assert len(http_receiver.requests) == 1  # nothing re-sent to /elsewhere


def test_a_closed_port_is_a_retryable_failure(closed_url: str) -> None:
    result = send(channel(closed_url), make_event(), environ=ENV)
    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert result.error is not None
    assert result.error.startswith("POST to http://127.0.0.1:")


def test_missing_secret_variable_sends_nothing(http_receiver: HttpReceiver) -> None:
    result = send(channel(http_receiver.url), make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)
    assert "'WK_HOOK_SECRET'" in (result.error or "")
    assert http_receiver.requests == []


def test_secrets_never_reach_the_logs(
    http_receiver: HttpReceiver, closed_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    results = [send(channel(http_receiver.url), make_event(), environ=ENV)]
    http_receiver.status = 500
    results.append(send(channel(http_receiver.url), make_event(), environ=ENV))
    results.append(send(channel(closed_url), make_event(), environ=ENV))
    assert [r.ok for r in results] == [True, False, False]
    assert "ops-hook" in caplog.text
    for leak in (SECRET, "SECRET-PATH-TOKEN", sign(http_receiver.requests[0].body, SECRET)):
        assert leak not in caplog.text
        assert all(leak not in (r.error or "") for r in results)


def test_clock_is_injected_not_read(http_receiver: HttpReceiver) -> None:
    later = datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    send_webhook(channel(http_receiver.url), make_event(), environ=ENV, clock=lambda: later)
    assert http_receiver.requests[0].headers[TIMESTAMP_HEADER] == "1893456000"
