"""The generic webhook, delivered to a real HTTP receiver on loopback."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import logging
import math
from datetime import UTC, datetime, timedelta

import pytest
from tests.service.notifiers.conftest import T0, HttpReceiver, make_event

from watchkeeper.service import AlertState, ChannelSpec
from watchkeeper.service.notifiers import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookVerificationError,
    send,
    send_webhook,
    sign,
    verify_webhook,
)

SECRET = "whsec-4f1c9b2e-not-for-logs"
ENV = {"WK_HOOK_SECRET": SECRET}


def _lower(headers: dict[str, str]) -> dict[str, str]:
    # urllib sends "Webhook-timestamp"; HTTP header names are case-insensitive.
    return {name.lower(): value for name, value in headers.items()}


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
    # 2024-03-01T12:00Z in Unix seconds, from the calendar module.
    stamp = str(calendar.timegm((2024, 3, 1, 12, 0, 0)))
    assert _lower(request.headers)[TIMESTAMP_HEADER] == stamp
    msg_id = _lower(request.headers)[ID_HEADER]
    assert msg_id.startswith("msg_")
    # The receiver's check, with the standard library only (Standard Webhooks: the HMAC
    # of "id.timestamp.body", base64, after "v1,").
    signed = f"{msg_id}.{stamp}.".encode() + request.body
    expected = base64.b64encode(hmac.new(SECRET.encode(), signed, hashlib.sha256).digest())
    assert _lower(request.headers)[SIGNATURE_HEADER] == "v1," + expected.decode()
    assert verify_webhook(request.headers, request.body, SECRET, now=T0) == msg_id


def test_sign_matches_openssl() -> None:
    # echo -n 'msg_1.1700000000.{"state":"firing"}' \
    #   | openssl dgst -sha256 -hmac s3cret -binary | base64
    assert sign("msg_1", 1700000000, b'{"state":"firing"}', "s3cret") == (
        "v1,b/yd7/RtZ/aJPqB3SUr+S9ZG7vel8OIMhcLCFjFqqLY="
    )


def test_a_whsec_secret_is_its_base64_key() -> None:
    # The specification's form of a secret: "whsec_" and the base64 of the key bytes.
    key = bytes(range(24))
    secret = "whsec_" + base64.b64encode(key).decode()
    digest = hmac.new(key, b"msg_2.1700000000.{}", hashlib.sha256).digest()
    assert sign("msg_2", 1700000000, b"{}", secret) == "v1," + base64.b64encode(digest).decode()


def _received(http_receiver: HttpReceiver) -> tuple[dict[str, str], bytes]:
    send_webhook(channel(http_receiver.url), make_event(), environ=ENV, clock=lambda: T0)
    request = http_receiver.requests[-1]
    return _lower(request.headers), request.body


def test_a_tampered_body_fails_verification(http_receiver: HttpReceiver) -> None:
    headers, body = _received(http_receiver)
    with pytest.raises(WebhookVerificationError, match="no v1 signature"):
        verify_webhook(headers, body.replace(b"critical", b"info"), SECRET, now=T0)
    with pytest.raises(WebhookVerificationError, match="no v1 signature"):
        verify_webhook(headers, body, "another-secret", now=T0)


def test_a_replayed_post_is_refused_outside_the_window(http_receiver: HttpReceiver) -> None:
    headers, body = _received(http_receiver)
    assert verify_webhook(headers, body, SECRET, now=T0 + timedelta(minutes=5))
    with pytest.raises(WebhookVerificationError, match="replay window of 300 s"):
        verify_webhook(headers, body, SECRET, now=T0 + timedelta(minutes=5, seconds=1))
    with pytest.raises(WebhookVerificationError, match="outside the replay window"):
        verify_webhook(headers, body, SECRET, now=T0 - timedelta(minutes=6))
    assert verify_webhook(headers, body, SECRET, now=T0 + timedelta(hours=1), tolerance=3600)


def test_moving_the_timestamp_breaks_the_signature(http_receiver: HttpReceiver) -> None:
    # The captured post re-sent an hour later with a fresh timestamp: the signature
    # covers the timestamp, so it no longer matches.
    headers, body = _received(http_receiver)
    later = T0 + timedelta(hours=1)
    headers[TIMESTAMP_HEADER] = str(int(later.timestamp()))
    with pytest.raises(WebhookVerificationError, match="no v1 signature"):
        verify_webhook(headers, body, SECRET, now=later)


def test_rotation_signatures_and_missing_headers() -> None:
    body = b'{"state":"firing"}'
    now = datetime.fromtimestamp(1700000000, UTC)
    both = f"v1,bm90LWl0 {sign('msg_1', 1700000000, body, SECRET)}"
    headers = {"webhook-id": "msg_1", "webhook-timestamp": "1700000000"}
    assert verify_webhook({**headers, "webhook-signature": both}, body, SECRET, now=now)
    with pytest.raises(WebhookVerificationError, match="no webhook-signature header"):
        verify_webhook(headers, body, SECRET, now=now)
    headers["webhook-timestamp"] = "soon"
    with pytest.raises(WebhookVerificationError, match="not Unix seconds"):
        verify_webhook({**headers, "webhook-signature": both}, body, SECRET, now=now)


def test_a_retry_carries_the_same_id(http_receiver: HttpReceiver) -> None:
    first, _ = _received(http_receiver)
    again, _ = _received(http_receiver)
    assert first[ID_HEADER] == again[ID_HEADER]
    resolved = make_event(state=AlertState.RESOLVED)
    send_webhook(channel(http_receiver.url), resolved, environ=ENV, clock=lambda: T0)
    assert _lower(http_receiver.requests[-1].headers)[ID_HEADER] != first[ID_HEADER]


def test_without_secret_env_the_post_is_unsigned(http_receiver: HttpReceiver) -> None:
    spec = ChannelSpec("plain", "webhook", {"url": http_receiver.url})
    assert send(spec, make_event(state=AlertState.RESOLVED), environ={}).ok
    [request] = http_receiver.requests
    assert SIGNATURE_HEADER not in _lower(request.headers)
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
    signature = _lower(http_receiver.requests[0].headers)[SIGNATURE_HEADER]
    for leak in (SECRET, "SECRET-PATH-TOKEN", signature):
        assert leak not in caplog.text
        assert all(leak not in (r.error or "") for r in results)


def test_clock_is_injected_not_read(http_receiver: HttpReceiver) -> None:
    later = datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    send_webhook(channel(http_receiver.url), make_event(), environ=ENV, clock=lambda: later)
    assert _lower(http_receiver.requests[0].headers)[TIMESTAMP_HEADER] == "1893456000"
