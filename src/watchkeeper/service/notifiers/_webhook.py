"""Generic webhook: the alert event as JSON, signed with HMAC-SHA256.

The body is ``AlertEvent.to_dict()`` as compact JSON. With ``secret_env`` set, the
header ``X-Watchkeeper-Signature: sha256=<hex>`` carries the HMAC-SHA256 of the raw
body under the secret held by that environment variable, so that a receiver can
reject forged posts; ``X-Watchkeeper-Timestamp`` is the send time in Unix seconds.

Settings: ``url`` (required), ``secret_env`` (the variable holding the signing
secret; without it the post is unsigned), ``timeout`` (seconds, default 10).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from watchkeeper.service._types import AlertEvent, ChannelSpec
from watchkeeper.service.notifiers._delivery import DeliveryResult, optional_env_secret, setting
from watchkeeper.service.notifiers._http import json_body, post

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "send_webhook", "sign"]

SIGNATURE_HEADER = "X-Watchkeeper-Signature"
TIMESTAMP_HEADER = "X-Watchkeeper-Timestamp"


def sign(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``: ``sha256=`` and the hex HMAC-SHA256.

    >>> sign(b'{"state":"firing"}', "s3cret")
    'sha256=3b9fb94faef72a013995235996f43bcb8c7e927a8f04bb04a1f6178d33aac7e7'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
    headers = {TIMESTAMP_HEADER: str(int(clock().timestamp()))}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    return post(url, body, headers=headers, timeout=float(setting(channel, "timeout", 10.0)))
