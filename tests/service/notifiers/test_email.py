"""E-mail over SMTP, delivered to a real aiosmtpd server on loopback."""

from __future__ import annotations

import email
import email.policy
import logging
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.service.notifiers.conftest import (
    PASSWORD,
    USER,
    SmtpReceiver,
    free_port,
    make_event,
)

from watchkeeper.service import AlertState, ChannelSpec
from watchkeeper.service.notifiers import send

pytest.importorskip("aiosmtpd")


def channel(port: int, **settings: object) -> ChannelSpec:
    return ChannelSpec(
        "mail",
        "email",
        {
            "host": "127.0.0.1",
            "port": port,
            "from": "Watchkeeper <watchkeeper@example.com>",
            "to": ["oncall@example.com", "ml-team@example.com"],
            **settings,
        },
    )


def parse(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()  # type: ignore[attr-defined]


def test_firing_mail_arrives_with_subject_recipients_and_both_bodies(
    smtp_receiver: SmtpReceiver,
) -> None:
    result = send(channel(smtp_receiver.port), make_event(), environ={})
    assert (result.ok, result.status, result.error) == (True, 250, None)
    [mail] = smtp_receiver.mails
    assert mail.mail_from == "watchkeeper@example.com"
    assert mail.rcpt_tos == ["oncall@example.com", "ml-team@example.com"]
    message = parse(mail.content)
    assert message["Subject"] == "[watchkeeper] FIRING critical: age-drift on churn v1 (age)"
    assert message["From"] == "Watchkeeper <watchkeeper@example.com>"
    assert message["To"] == "oncall@example.com, ml-team@example.com"
    assert message["X-Watchkeeper-Alert-Key"] == "73dd1cfa71e7edc4"
    plain, html = bodies(message)
    assert plain.splitlines()[0] == (
        "monitor 'age-drift': drift_score of 'age' on churn v1 is 0.31, above 0.2"
    )
    lines = [" ".join(line.split()) for line in plain.splitlines()]
    assert "Value: 0.31" in lines
    assert "Alert key: 73dd1cfa71e7edc4" in lines
    assert "<th align='left'>Value</th><td>0.31</td>" in html
    assert "drift_score of &#x27;age&#x27;" in html  # escaped
    assert "href='http://watchkeeper.test/alerts/73dd1cfa71e7edc4'" in html


def test_resolved_mail_threads_under_the_firing_one(smtp_receiver: SmtpReceiver) -> None:
    spec = channel(smtp_receiver.port, to="oncall@example.com", subject_prefix="[ml]")
    send(spec, make_event(), environ={})
    send(spec, make_event(state=AlertState.RESOLVED), environ={})
    firing, resolved = (parse(m.content) for m in smtp_receiver.mails)
    assert resolved["Subject"] == "[ml] RESOLVED critical: age-drift on churn v1 (age)"
    assert resolved["In-Reply-To"] == firing["Message-ID"]
    assert firing["Message-ID"].endswith("@example.com>")
    lines = [" ".join(line.split()) for line in bodies(resolved)[0].splitlines()]
    assert "Resolved at: 2024-03-01T14:00:00+00:00" in lines


def test_newlines_cannot_inject_headers(smtp_receiver: SmtpReceiver) -> None:
    event = make_event(monitor="evil\r\nBcc: victim@example.com")
    assert send(channel(smtp_receiver.port), event, environ={}).ok
    [mail] = smtp_receiver.mails
    assert mail.rcpt_tos == ["oncall@example.com", "ml-team@example.com"]
    assert parse(mail.content)["Bcc"] is None


def test_starttls_and_login(
    smtp_tls_receiver: SmtpReceiver,
    tls_files: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    cert, _ = tls_files
    spec = channel(
        smtp_tls_receiver.port,
        starttls=True,
        ca_file=str(cert),
        username=USER,
        password_env="SMTP_PASSWORD",
    )
    result = send(spec, make_event(), environ={"SMTP_PASSWORD": PASSWORD})
    assert result.ok, result.error
    assert smtp_tls_receiver.logins == [(USER.encode(), PASSWORD.encode())]
    [mail] = smtp_tls_receiver.mails
    assert mail.login == USER.encode()
    wrong = send(spec, make_event(), environ={"SMTP_PASSWORD": "nope"})
    assert (wrong.ok, wrong.status, wrong.retryable) == (False, 535, False)
    assert PASSWORD not in caplog.text
    assert "nope" not in (wrong.error or "")


def test_an_untrusted_certificate_is_refused(
    smtp_tls_receiver: SmtpReceiver,
) -> None:
    spec = channel(smtp_tls_receiver.port, starttls=True)
    result = send(spec, make_event(), environ={})
    assert (result.ok, result.retryable) == (False, False)
    assert "certificate not trusted" in (result.error or "")
    assert smtp_tls_receiver.mails == []


def test_a_server_requiring_starttls_refuses_plain_mail(
    smtp_tls_receiver: SmtpReceiver,
) -> None:
    result = send(channel(smtp_tls_receiver.port), make_event(), environ={})
    assert result.ok is False
    assert result.status == 530  # "Must issue a STARTTLS command first"
    assert smtp_tls_receiver.mails == []


def test_login_without_tls_is_refused_before_connecting() -> None:
    spec = channel(free_port(), username=USER, password_env="SMTP_PASSWORD")
    result = send(spec, make_event(), environ={"SMTP_PASSWORD": PASSWORD})
    assert (result.ok, result.retryable) == (False, False)
    assert "starttls" in (result.error or "")


def test_a_closed_port_is_retryable() -> None:
    result = send(channel(free_port()), make_event(), environ={})
    assert (result.ok, result.status, result.retryable) == (False, None, True)
    assert "SMTP server 127.0.0.1:" in (result.error or "")
