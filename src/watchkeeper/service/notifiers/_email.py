"""E-mail over SMTP: one message per alert transition, plain text and HTML.

The resolved message answers the firing one (``In-Reply-To``), so mail readers
thread them. ``X-Watchkeeper-Alert-Key`` carries the alert key for mail filters.

Settings: ``host`` (required), ``port`` (default 25; 587 is usual with STARTTLS),
``from`` (required), ``to`` (required: an address, a comma-separated list or a list),
``starttls`` (default false), ``ca_file`` (a PEM bundle to verify a private relay's
certificate), ``username`` and ``password_env`` (the variable holding the password;
logging in requires ``starttls``, so that no password crosses the network in clear),
``subject_prefix`` (default ``[watchkeeper]``), ``timeout`` (seconds, default 10).
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from watchkeeper.service._types import AlertEvent, AlertState, ChannelSpec
from watchkeeper.service.notifiers._delivery import (
    ChannelError,
    DeliveryResult,
    env_secret,
    setting,
)

__all__ = ["email_message", "send_email"]

_SMTP_OK = 250


def email_message(
    event: AlertEvent,
    *,
    sender: str,
    to: tuple[str, ...],
    subject_prefix: str = "[watchkeeper]",
    date: datetime | None = None,
) -> EmailMessage:
    """The message for ``event``, with a plain-text body and an HTML alternative.

    >>> from datetime import UTC, datetime
    >>> from watchkeeper.service import AlertEvent, AlertState, Condition, Severity
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> e = AlertEvent("k1", "age-drift", "churn", "v1", "drift_score", AlertState.FIRING,
    ...                Severity.CRITICAL, 0.31, Condition("above", threshold=0.2), t, t, t,
    ...                feature="age")
    >>> m = email_message(e, sender="wk@example.com", to=("ops@example.com",))
    >>> m["Subject"]
    '[watchkeeper] FIRING critical: age-drift on churn v1 (age)'
    >>> m["Message-ID"]
    '<watchkeeper.k1.1704067200.firing@example.com>'
    """
    subject = f"{subject_prefix} {event.state.value.upper()} {event.severity.value}: "
    subject += f"{event.monitor} on {event.model} {event.version}"
    if event.feature is not None:
        subject += f" ({event.feature})"
    if event.segment is not None:
        subject += f" [{event.segment}]"
    domain = parseaddr(sender)[1].rpartition("@")[2] or "watchkeeper.invalid"
    thread = f"watchkeeper.{event.key}.{int(event.fired_at.timestamp())}"
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(date or event.fired_at)
    message["Message-ID"] = f"<{thread}.{event.state.value}@{domain}>"
    if event.state is AlertState.RESOLVED:
        message["In-Reply-To"] = f"<{thread}.firing@{domain}>"
        message["References"] = f"<{thread}.firing@{domain}>"
    message["X-Watchkeeper-Alert-Key"] = event.key
    rows = _rows(event)
    lead = event.message or f"Monitor {event.monitor!r} is {event.state.value}."
    width = max(len(label) for label, _ in rows) + 2
    text = [lead, ""] + [f"{label + ':':<{width}}{value}" for label, value in rows]
    message.set_content("\n".join(text) + "\n")
    cells = "".join(
        f"<tr><th align='left'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in rows
    )
    link = (
        f"<p><a href='{html.escape(event.url, quote=True)}'>Open the alert</a></p>"
        if event.url
        else ""
    )
    message.add_alternative(
        f"<html><body><p>{html.escape(lead)}</p><table>{cells}</table>{link}</body></html>\n",
        subtype="html",
    )
    return message


def send_email(
    channel: ChannelSpec,
    event: AlertEvent,
    *,
    environ: Mapping[str, str],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DeliveryResult:
    """Send the message of ``event`` through the channel's SMTP server."""
    host = str(setting(channel, "host", required=True))
    port = int(setting(channel, "port", 25))
    sender = str(setting(channel, "from", required=True))
    to = _recipients(channel, setting(channel, "to", required=True))
    if not to:
        raise ChannelError(f"channel {channel.name!r} (email) has no address in 'to'")
    starttls = bool(setting(channel, "starttls", False))
    username = setting(channel, "username")
    password = None
    if username is not None:
        if not starttls:
            raise ChannelError(
                f"channel {channel.name!r} (email) logs in without TLS; set starttls: true "
                "so that the password is not sent in clear"
            )
        password = env_secret(channel, "password_env", environ)
    message = email_message(
        event,
        sender=sender,
        to=to,
        subject_prefix=str(setting(channel, "subject_prefix", "[watchkeeper]")),
        date=clock(),
    )
    where = f"SMTP server {host}:{port}"
    try:
        with smtplib.SMTP(host, port, timeout=float(setting(channel, "timeout", 10.0))) as smtp:
            if starttls:
                cafile = setting(channel, "ca_file")
                smtp.starttls(context=ssl.create_default_context(cafile=cafile and str(cafile)))
            if username is not None and password is not None:
                smtp.login(str(username), password)
            refused = smtp.send_message(message, from_addr=parseaddr(sender)[1], to_addrs=to)
    except smtplib.SMTPAuthenticationError as exc:
        return _failed(f"{where} refused the login of {username!r}", exc.smtp_code, False)
    except smtplib.SMTPResponseException as exc:
        raw = exc.smtp_error
        reply = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        code = exc.smtp_code
        return _failed(f"{where} answered {code} {reply}", code, 400 <= code < 500)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        text = ", ".join(f"{addr} ({code})" for addr, (code, _) in exc.recipients.items())
        retry = all(400 <= code < 500 for code in codes)
        return _failed(f"{where} refused every recipient: {text}", codes[0], retry)
    except smtplib.SMTPNotSupportedError as exc:
        return _failed(f"{where} does not support what the channel asks: {exc}", None, False)
    except ssl.SSLCertVerificationError as exc:
        return _failed(
            f"{where}: certificate not trusted ({exc.verify_message}); set ca_file", None, False
        )
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(f"{where} failed: {type(exc).__name__}: {exc}", None, True)
    if refused:
        # Delivered to the others: a retry would send them a second copy.
        return DeliveryResult(
            ok=True,
            status=_SMTP_OK,
            error=f"{where} refused {', '.join(sorted(refused))}",
            retryable=False,
        )
    return DeliveryResult(ok=True, status=_SMTP_OK)


def _failed(error: str, status: int | None, retryable: bool) -> DeliveryResult:
    return DeliveryResult(ok=False, status=status, error=error, retryable=retryable)


def _recipients(channel: ChannelSpec, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        raise ChannelError(
            f"channel {channel.name!r} (email) has 'to' of type {type(value).__name__}; "
            "give an address or a list of addresses"
        )
    return tuple(addr for _, addr in getaddresses(items) if addr)


def _one_line(text: str) -> str:
    # Header injection: a monitor name with a newline must not add headers.
    return " ".join(text.splitlines())


def _rows(event: AlertEvent) -> list[tuple[str, str]]:
    rows = [
        ("State", event.state.value),
        ("Severity", event.severity.value),
        ("Monitor", event.monitor),
        ("Model", f"{event.model} {event.version}"),
        ("Metric", event.metric),
    ]
    if event.feature is not None:
        rows.append(("Feature", event.feature))
    if event.segment is not None:
        rows.append(("Segment", event.segment))
    rows += [
        ("Value", f"{event.value:.4g}"),
        ("Window", f"{event.window_start.isoformat()} to {event.window_end.isoformat()}"),
        ("Fired at", event.fired_at.isoformat()),
    ]
    if event.resolved_at is not None:
        rows.append(("Resolved at", event.resolved_at.isoformat()))
    rows.append(("Alert key", event.key))
    if event.url:
        rows.append(("Link", event.url))
    return rows
