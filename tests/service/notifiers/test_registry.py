"""The notifier registry: every channel type is complete, checkable and never raises."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.service.notifiers.conftest import free_port, make_event

from watchkeeper._exceptions import UnknownMethodError
from watchkeeper.service import ChannelSpec
from watchkeeper.service.notifiers import (
    NOTIFIERS,
    DeliveryResult,
    check_channel,
    notifier_info,
    notifier_types,
    send,
)

MINIMAL = {
    "webhook": {"url": "http://127.0.0.1:9/hook"},
    "slack": {"url_env": "SLACK_URL"},
    "email": {"host": "127.0.0.1", "from": "wk@example.com", "to": "ops@example.com"},
    "pagerduty": {"routing_key_env": "PD_KEY"},
}


def test_the_types_are_the_ones_channel_spec_allows() -> None:
    literal = inspect.get_annotations(ChannelSpec, eval_str=True)["type"]
    assert set(notifier_types()) == set(literal.__args__)
    assert set(MINIMAL) == set(NOTIFIERS)


@pytest.mark.parametrize("kind", sorted(NOTIFIERS))
def test_every_entry_is_consistent(kind: str) -> None:
    info = notifier_info(kind)
    assert info.type == kind
    assert info.description
    assert set(info.secrets) <= set(info.settings)
    assert all(name.endswith("_env") for name in info.secrets)
    assert len(set(info.settings)) == len(info.settings)
    assert check_channel(ChannelSpec("c", kind, MINIMAL[kind])) == ()  # type: ignore[arg-type]


def test_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(UnknownMethodError, match="choose one of webhook, slack, email, pagerduty"):
        notifier_info("sms")
    spec = ChannelSpec("c", "sms", {})  # type: ignore[arg-type]
    assert check_channel(spec)[0].startswith("channel 'c' (sms): no notifier for channel type")
    result = send(spec, make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)


def test_check_channel_names_each_problem_and_fix() -> None:
    spec = ChannelSpec(
        "ops",
        "webhook",
        {"url": "http://x", "timeout": -1, "secret": "inline!", "secret_env": "HOOK_KEY"},
    )
    assert check_channel(spec, environ={}) == (
        "channel 'ops' (webhook) setting 'timeout' is -1; give a positive number of seconds",
        "channel 'ops' (webhook) has an unknown setting 'secret'; its settings are url, "
        "secret_env, timeout",
        "channel 'ops' (webhook) setting 'secret_env' names the environment variable "
        "'HOOK_KEY', which is not set",
    )
    mail = ChannelSpec(
        "m", "email", {**MINIMAL["email"], "username": "u", "starttls": "yes", "to": []}
    )
    assert check_channel(mail) == (
        "channel 'm' (email) setting 'to' is []; give an address or a list of addresses",
        "channel 'm' (email) setting 'starttls' is 'yes'; give true or false",
        "channel 'm' (email) sets 'username' without 'password_env'; add password_env",
        "channel 'm' (email) logs in without STARTTLS; set starttls: true so that the "
        "password is not sent in clear",
    )
    assert check_channel(ChannelSpec("s", "slack", {})) == (
        "channel 's' (slack) needs the setting 'url_env' or 'url'",
    )


def test_a_setting_of_the_wrong_type_is_a_result_not_a_crash() -> None:
    spec = ChannelSpec("ops", "webhook", {"url": "http://127.0.0.1:9/", "timeout": "soon"})
    result = send(spec, make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)
    assert "wrong type" in (result.error or "")


def test_malformed_urls_are_reported_without_their_text() -> None:
    for url in ("http://127.0.0.1:notaport/t0ken", "http://[::1/t0ken", "ftp://host/t0ken"):
        result = send(ChannelSpec("ops", "webhook", {"url": url}), make_event(), environ={})
        assert (result.ok, result.retryable) == (False, False), url
        assert "t0ken" not in (result.error or ""), url


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.floats(), st.text(max_size=20),
    st.lists(st.text(max_size=10), max_size=3),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_send_never_raises_whatever_the_settings(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(NOTIFIERS)))
    info = notifier_info(kind)
    closed = free_port()
    endpoints = {
        "url": st.sampled_from([f"http://127.0.0.1:{closed}/x", "not a url", "ftp://h/x", ""]),
        "host": st.sampled_from(["127.0.0.1", ""]),
        "port": st.sampled_from([closed, 0, "25", None]),
    }
    chosen: dict[str, Any] = {}
    for name in info.settings:
        if data.draw(st.booleans()):
            chosen[name] = data.draw(endpoints.get(name, _values))
    # Environment variables named by secret settings sometimes exist.
    environ = {
        str(value): f"http://127.0.0.1:{closed}/secret"
        for name, value in chosen.items()
        if name in info.secrets and isinstance(value, str) and data.draw(st.booleans())
    }
    if chosen.get("timeout") is not None:
        chosen["timeout"] = 1.0 if data.draw(st.booleans()) else chosen["timeout"]
    result = send(ChannelSpec("fuzz", kind, chosen), make_event(), environ=environ)  # type: ignore[arg-type]
    assert isinstance(result, DeliveryResult)
    assert result.ok is False


def test_log_lines_name_channel_and_outcome(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="watchkeeper.service.notifiers")
    send(ChannelSpec("ops", "webhook", {"url": f"http://127.0.0.1:{free_port()}/"}),
         make_event(), environ={})  # fmt: skip
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(
        "alert 73dd1cfa71e7edc4 (firing) not delivered to channel 'ops' (webhook) (retryable: True)"
    )
