"""Notifiers: deliver alert events to webhooks (signed the Standard Webhooks way),
Slack-compatible incoming webhooks, e-mail over SMTP and PagerDuty Events API
v2-compatible endpoints.

:func:`send` dispatches by channel type through :data:`NOTIFIERS` and never raises for
network or settings trouble; secrets come from environment variables named by the
channel's settings and never appear in results or logs.
"""

from watchkeeper.service.notifiers._delivery import ChannelError, DeliveryResult
from watchkeeper.service.notifiers._email import email_message, send_email
from watchkeeper.service.notifiers._http import json_body
from watchkeeper.service.notifiers._pagerduty import (
    PAGERDUTY_EVENTS_URL,
    pagerduty_payload,
    send_pagerduty,
)
from watchkeeper.service.notifiers._registry import (
    NOTIFIERS,
    Notifier,
    NotifierInfo,
    check_channel,
    notifier_info,
    notifier_types,
    send,
)
from watchkeeper.service.notifiers._slack import send_slack, slack_payload
from watchkeeper.service.notifiers._webhook import (
    ID_HEADER,
    REPLAY_WINDOW_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookVerificationError,
    send_webhook,
    sign,
    verify_webhook,
)

__all__ = [
    "ID_HEADER",
    "NOTIFIERS",
    "PAGERDUTY_EVENTS_URL",
    "REPLAY_WINDOW_SECONDS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "ChannelError",
    "DeliveryResult",
    "Notifier",
    "NotifierInfo",
    "WebhookVerificationError",
    "check_channel",
    "email_message",
    "json_body",
    "notifier_info",
    "notifier_types",
    "pagerduty_payload",
    "send",
    "send_email",
    "send_pagerduty",
    "send_slack",
    "send_webhook",
    "sign",
    "slack_payload",
    "verify_webhook",
]
