"""The shared HTTP POST helper and JSON encoding."""

from __future__ import annotations

import json

import pytest
from tests.service.notifiers.conftest import HttpReceiver

from watchkeeper.service.notifiers import ChannelError, json_body
from watchkeeper.service.notifiers._delivery import location
from watchkeeper.service.notifiers._http import USER_AGENT, post


def test_json_body_is_strict_json() -> None:
    body = json_body({"a": [float("nan"), -float("inf"), 1.0], "b": {"c": float("inf")}})
    assert json.loads(body) == {"a": [None, None, 1.0], "b": {"c": None}}
    with pytest.raises(ValueError, match="Out of range"):
        json.dumps(float("nan"), allow_nan=False)  # why json_body must map them first


def test_location_drops_credentials_path_and_query() -> None:
    assert location("https://u:p@hooks.example.com:8443/a/b?token=1#x") == (
        "https://hooks.example.com:8443"
    )
    assert location("http://[::1]:80/x") == "http://[::1]:80"


def test_post_sends_json_with_user_agent_and_extra_headers(http_receiver: HttpReceiver) -> None:
    result = post(http_receiver.url, b'{"x":1}', headers={"X-Test": "yes"}, timeout=5.0)
    assert (result.ok, result.status) == (True, 200)
    [request] = http_receiver.requests
    assert request.body == b'{"x":1}'
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["X-Test"] == "yes"
    assert request.headers["Content-Type"] == "application/json"


def test_long_error_answers_are_cut(http_receiver: HttpReceiver) -> None:
    http_receiver.status, http_receiver.answer = 502, b"x" * 5000
    result = post(http_receiver.url, b"{}")
    assert result.error is not None
    assert result.error.endswith("x" * 200 + "...")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://h/", "localhost:8080/x"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(ChannelError, match="use an http:// or https:// URL"):
        post(url, b"{}")
