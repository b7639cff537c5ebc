"""Generic webhook: the alert event as JSON, signed the Standard Webhooks way.

The body is ``AlertEvent.to_dict()`` as compact JSON. With ``secret_env`` set, the post
carries the three headers of the Standard Webhooks specification
(https://www.standardwebhooks.com):

- ``webhook-id``: the message id, the same when a delivery is retried;
- ``webhook-timestamp``: the send time in Unix seconds;
- ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``.

The signature covers the id and the time, so a captured notification cannot be sent
again later: :func:`verify_webhook` refuses a timestamp outside its replay window
(5 minutes by default), and a receiver that remembers the ids it saw within the window
refuses an exact replay too. A secret written ``whsec_<base64>`` (the specification's
form) is decoded to its key bytes; any other secret is used as its UTF-8 bytes.

Settings: ``url`` (required), ``secret_env`` (the variable holding the signing secret;
without it the post is unsigned), ``timeout`` (seconds, default 10).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from watchkeeper._exceptions import InputError
from watchkeeper.service._types import AlertEvent, ChannelSpec
from watchkeeper.service.notifiers._delivery import DeliveryResult, optional_env_secret, setting
from watchkeeper.service.notifiers._http import json_body, post

__all__ = [
    "ID_HEADER",
    "REPLAY_WINDOW_SECONDS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookVerificationError",
    "send_webhook",
    "sign",
    "verify_webhook",
]

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
REPLAY_WINDOW_SECONDS = 300


class WebhookVerificationError(InputError):
    """A webhook post whose signature or timestamp does not check out."""


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise InputError(
                "the webhook secret starts with 'whsec_' but the rest is not base64; "
                "give the secret as the receiver printed it"
            ) from None
    return secret.encode()


def sign(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """The ``webhook-signature`` value: ``v1,`` and the base64 HMAC-SHA256 of
    ``msg_id.timestamp.body`` under ``secret``.

    >>> sign("msg_1", 1700000000, b'{"state":"firing"}', "s3cret")
    'v1,b/yd7/RtZ/aJPqB3SUr+S9ZG7vel8OIMhcLCFjFqqLY='
    """
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    *,
    tolerance: float = REPLAY_WINDOW_SECONDS,
    now: datetime | None = None,
) -> str:
    """Check a received post; returns its ``webhook-id`` or raises
    :class:`WebhookVerificationError` saying what failed.

    ``headers`` is looked up case-insensitively; ``body`` is the raw bytes, before any
    parsing. A timestamp more than ``tolerance`` seconds from ``now`` is refused, so a
    captured post cannot be replayed later; remember the ids seen within the window to
    refuse an exact replay inside it. ``webhook-signature`` may hold several
    space-separated signatures (during a secret's rotation); one match is enough.

    >>> body = b'{"state":"firing"}'
    >>> at = datetime.fromtimestamp(1700000000, UTC)
    >>> headers = {"Webhook-Id": "msg_1", "Webhook-Timestamp": "1700000000",
    ...            "Webhook-Signature": sign("msg_1", 1700000000, body, "s3cret")}
    >>> verify_webhook(headers, body, "s3cret", now=at)
    'msg_1'
    >>> verify_webhook(headers, body, "s3cret", now=datetime.fromtimestamp(1700000301, UTC))
    Traceback (most recent call last):
    ...
    watchkeeper.service.notifiers._webhook.WebhookVerificationError: the webhook-timestamp ...
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [h for h in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER) if h not in lowered]
    if missing:
        raise WebhookVerificationError(f"the post has no {', '.join(missing)} header")
    msg_id, stamp = lowered[ID_HEADER], lowered[TIMESTAMP_HEADER]
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError(
            f"the webhook-timestamp {stamp[:20]!r} is not Unix seconds"
        ) from None
    current = (now or datetime.now(UTC)).timestamp()
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            f"the webhook-timestamp is {current - timestamp:+.0f} s from now, outside the "
            f"replay window of {tolerance:g} s; check the clocks, or this is a replay"
        )
    expected = sign(msg_id, timestamp, body, secret)
    offered = lowered[SIGNATURE_HEADER].split()
    if not any(hmac.compare_digest(expected.encode(), sig.encode()) for sig in offered):
        raise WebhookVerificationError(
            "no v1 signature in webhook-signature matches the body under the secret"
        )
    return msg_id


def message_id(event: AlertEvent) -> str:
    """The id of the notification of one alert transition: the same on every retry.

    >>> from watchkeeper.service import AlertEvent, AlertState, Condition, Severity
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> e = AlertEvent("k1", "age-drift", "churn", "v1", "drift_score", AlertState.FIRING,
    ...                Severity.CRITICAL, 0.31, Condition("above", threshold=0.2), t, t, t)
    >>> message_id(e)
    'msg_2527376b6dd367ee04659363'
    """
    resolved = event.resolved_at.isoformat() if event.resolved_at else ""
    text = f"{event.key}|{event.state.value}|{event.fired_at.isoformat()}|{resolved}"
    return "msg_" + hashlib.sha256(text.encode()).hexdigest()[:24]


def send_webhook(
    channel: ChannelSpec,
    event: AlertEvent,
    *,
    environ: Mapping[str, str],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DeliveryResult:
    """POST ``event`` as signed JSON to the channel's ``url``."""
    url = str(setting(channel, "url", required=True))
    secret = optional_env_secret(channel, "secret_env", environ)
    body = json_body(event.to_dict())
    msg_id = message_id(event)
    timestamp = int(clock().timestamp())
    headers = {ID_HEADER: msg_id, TIMESTAMP_HEADER: str(timestamp)}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(msg_id, timestamp, body, secret)
    return post(url, body, headers=headers, timeout=float(setting(channel, "timeout", 10.0)))
