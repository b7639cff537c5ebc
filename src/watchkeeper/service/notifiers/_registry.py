"""The notifiers by channel type, with the settings each one reads.

The configuration loader checks channels against this table (:func:`check_channel`),
the docs list it, and :func:`send` dispatches through it. A failed delivery is never
an exception: :func:`send` returns a :class:`DeliveryResult` whose ``retryable``
tells the caller whether to try again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from watchkeeper._exceptions import UnknownMethodError
from watchkeeper.service._types import AlertEvent, ChannelSpec
from watchkeeper.service.notifiers._delivery import ChannelError, DeliveryResult
from watchkeeper.service.notifiers._email import send_email
from watchkeeper.service.notifiers._pagerduty import send_pagerduty
from watchkeeper.service.notifiers._slack import send_slack
from watchkeeper.service.notifiers._webhook import send_webhook

__all__ = [
    "NOTIFIERS",
    "Notifier",
    "NotifierInfo",
    "check_channel",
    "notifier_info",
    "notifier_types",
    "send",
]

_log = logging.getLogger("watchkeeper.service.notifiers")


class Notifier(Protocol):
    def __call__(
        self, channel: ChannelSpec, event: AlertEvent, *, environ: Mapping[str, str]
    ) -> DeliveryResult: ...


@dataclass(frozen=True)
class NotifierInfo:
    """What the registry knows about one channel type.

    ``required`` holds groups of settings of which at least one must be given;
    ``secrets`` are the settings that name environment variables holding secrets.

    >>> info = notifier_info("pagerduty")
    >>> info.required, info.secrets
    ((('routing_key_env',),), ('routing_key_env',))
    """

    type: str
    send: Notifier
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...]
    secrets: tuple[str, ...]
    description: str

    @property
    def settings(self) -> tuple[str, ...]:
        """Every setting name this channel type reads."""
        return tuple(name for group in self.required for name in group) + self.optional


NOTIFIERS: Mapping[str, NotifierInfo] = MappingProxyType(
    {
        info.type: info
        for info in (
            NotifierInfo(
                "webhook",
                send_webhook,
                required=(("url",),),
                optional=("secret_env", "timeout"),
                secrets=("secret_env",),
                description="JSON POST of the alert event, signed with HMAC-SHA256",
            ),
            NotifierInfo(
                "slack",
                send_slack,
                required=(("url_env", "url"),),
                optional=("channel", "username", "icon_emoji", "timeout"),
                secrets=("url_env",),
                description="Slack-compatible incoming webhook (text and Block Kit blocks)",
            ),
            NotifierInfo(
                "email",
                send_email,
                required=(("host",), ("from",), ("to",)),
                optional=(
                    "port",
                    "starttls",
                    "ca_file",
                    "username",
                    "password_env",
                    "subject_prefix",
                    "timeout",
                ),
                secrets=("password_env",),
                description="e-mail over SMTP, plain text and HTML, STARTTLS and login optional",
            ),
            NotifierInfo(
                "pagerduty",
                send_pagerduty,
                required=(("routing_key_env",),),
                optional=("url", "source", "timeout"),
                secrets=("routing_key_env",),
                description="PagerDuty Events API v2 trigger/resolve, dedup_key = alert key",
            ),
        )
    }
)


def notifier_types() -> tuple[str, ...]:
    """The registered channel types.

    >>> notifier_types()
    ('webhook', 'slack', 'email', 'pagerduty')
    """
    return tuple(NOTIFIERS)


def notifier_info(type: str) -> NotifierInfo:
    """The registry entry for channel type ``type``; an unknown one lists the known ones.

    >>> notifier_info("webhook").optional
    ('secret_env', 'timeout')
    """
    try:
        return NOTIFIERS[type]
    except KeyError:
        raise UnknownMethodError(
            f"no notifier for channel type {type!r}; choose one of {', '.join(NOTIFIERS)}"
        ) from None


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


def _is_addresses(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return (
        isinstance(value, list | tuple) and bool(value) and all(isinstance(v, str) for v in value)
    )


_KINDS: Mapping[str, tuple[Callable[[Any], bool], str]] = MappingProxyType(
    {
        "timeout": (_is_positive_number, "a positive number of seconds"),
        "port": (_is_port, "a port number between 1 and 65535"),
        "starttls": (lambda v: isinstance(v, bool), "true or false"),
        "to": (_is_addresses, "an address or a list of addresses"),
    }
)


def check_channel(
    channel: ChannelSpec, *, environ: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """Every problem with ``channel``'s settings, as sentences naming the fix.

    With ``environ``, also checks that the variables named by secret settings are set.

    >>> from watchkeeper.service import ChannelSpec
    >>> for problem in check_channel(ChannelSpec("ops", "email", {"host": "h", "port": 0})):
    ...     print(problem)
    channel 'ops' (email) needs the setting 'from'
    channel 'ops' (email) needs the setting 'to'
    channel 'ops' (email) setting 'port' is 0; give a port number between 1 and 65535
    """
    where = f"channel {channel.name!r} ({channel.type})"
    try:
        info = notifier_info(channel.type)
    except UnknownMethodError as exc:
        return (f"{where}: {exc}",)
    problems = []
    settings = channel.settings
    for group in info.required:
        if not any(settings.get(name) not in (None, "") for name in group):
            names = " or ".join(repr(name) for name in group)
            problems.append(f"{where} needs the setting {names}")
    for name, value in settings.items():
        if name not in info.settings:
            problems.append(
                f"{where} has an unknown setting {name!r}; "
                f"its settings are {', '.join(info.settings)}"
            )
        elif name in _KINDS and value is not None and not _KINDS[name][0](value):
            problems.append(f"{where} setting {name!r} is {value!r}; give {_KINDS[name][1]}")
        elif name not in _KINDS and value is not None and not isinstance(value, str):
            problems.append(f"{where} setting {name!r} is {value!r}; give a text value")
    if channel.type == "email" and settings.get("username"):
        if not settings.get("password_env"):
            problems.append(f"{where} sets 'username' without 'password_env'; add password_env")
        if settings.get("starttls") is not True:
            problems.append(
                f"{where} logs in without STARTTLS; set starttls: true so that the password "
                "is not sent in clear"
            )
    if environ is not None:
        for name in info.secrets:
            variable = settings.get(name)
            if isinstance(variable, str) and variable and not environ.get(variable):
                problems.append(
                    f"{where} setting {name!r} names the environment variable {variable!r}, "
                    "which is not set"
                )
    return tuple(problems)


def send(channel: ChannelSpec, event: AlertEvent, *, environ: Mapping[str, str]) -> DeliveryResult:
    """Deliver ``event`` through ``channel``; never raises for network or settings trouble.

    >>> from datetime import UTC, datetime
    >>> from watchkeeper.service import AlertEvent, AlertState, ChannelSpec, Condition, Severity
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> e = AlertEvent("k1", "m", "churn", "v1", "row_count", AlertState.FIRING,
    ...                Severity.INFO, 3.0, Condition("below", threshold=10.0), t, t, t)
    >>> r = send(ChannelSpec("pd", "pagerduty", {"routing_key_env": "PD_KEY"}), e, environ={})
    >>> r.ok, r.retryable
    (False, False)
    >>> print(r.error)  # doctest: +NORMALIZE_WHITESPACE
    channel 'pd' (pagerduty) reads its secret from the environment variable 'PD_KEY'
    (routing_key_env), which is not set; set it where the service runs
    """
    where = f"channel {channel.name!r} ({channel.type})"
    try:
        result = notifier_info(channel.type).send(channel, event, environ=environ)
    except (ChannelError, UnknownMethodError) as exc:
        result = DeliveryResult(ok=False, status=None, error=str(exc), retryable=False)
    except (TypeError, ValueError) as exc:
        # A setting of the wrong type (a timeout of "soon"). URLs never get here (the HTTP
        # helper reports them without their text), and the other settings name secrets
        # rather than hold them, so the message can be shown.
        result = DeliveryResult(
            ok=False,
            status=None,
            error=f"{where} has a setting of the wrong type ({exc}); check it with "
            "`watchkeeper validate`",
            retryable=False,
        )
    if result.ok:
        _log.info(
            "alert %s (%s) delivered to %s: status %s",
            event.key,
            event.state.value,
            where,
            result.status,
        )
    else:
        _log.warning(
            "alert %s (%s) not delivered to %s (retryable: %s): %s",
            event.key,
            event.state.value,
            where,
            result.retryable,
            result.error,
        )
    return result
