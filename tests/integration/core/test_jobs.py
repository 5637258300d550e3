"""Delivering the outbox: real SMTP to a loopback sink, retries with back-off, giving up, never sending twice."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from fundapp.core.clock import utcnow
from fundapp.core.jobs import deliver_due_email
from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from fundapp.core.mail.services import claim_message, queue_email
from fundapp.core.transactions import commit_unit_of_work
from tests.smtp import SMTPSink


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def smtp_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app at a port nobody listens on (monkeypatch restores the real sink afterwards)."""
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    yield


@pytest.fixture()
def in_request(app: Flask, db_session: Any) -> Iterator[None]:
    with app.test_request_context(method="POST"):
        yield


def _queue_and_commit(to: str = "ada@example.org") -> OutboxMessage:
    message = queue_email(
        to=to,
        subject="Reset your password",
        template="accounts/emails/password_reset",
        context={"name": "Ada", "link": "http://localhost/reset-password/x", "minutes": 60},
    )
    commit_unit_of_work()
    return message


def _pending(db_session: Any, to: str = "ada@example.org", subject: str = "Hello", **values: Any) -> OutboxMessage:
    message = OutboxMessage(to_address=to, subject=subject, body_text="Hello there.", template="test", **values)
    db_session.add(message)
    db_session.flush()
    return message


def _make_due(db_session: Any, message: OutboxMessage) -> None:
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db_session.flush()


def test_when_smtp_is_unreachable_the_message_waits_for_a_retry(
    in_request: None, smtp_down: None, db_session: Any, mail: SMTPSink
) -> None:
    before = utcnow()
    message = _queue_and_commit()

    db_session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error is not None and "ConnectionRefusedError" in message.last_error
    assert message.claimed_at is None
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert mail.messages == []


def test_after_max_attempts_a_message_is_failed_and_left_alone(
    in_request: None, smtp_down: None, app: Flask, db_session: Any, mail: SMTPSink
) -> None:
    max_attempts = app.config["MAIL_MAX_ATTEMPTS"]
    message = _queue_and_commit()  # the first attempt

    for attempt in range(2, max_attempts + 1):
        _make_due(db_session, message)
        counts = deliver_due_email()
        expected = "failed" if attempt == max_attempts else "retrying"
        assert counts[expected] == 1, (attempt, counts)

    db_session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, max_attempts)
    _make_due(db_session, message)
    assert deliver_due_email() == {"sent": 0, "retrying": 0, "failed": 0}
    assert mail.messages == []


def test_a_message_that_failed_is_sent_when_smtp_comes_back(
    in_request: None, app: Flask, db_session: Any, mail: SMTPSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    message = _queue_and_commit()
    monkeypatch.setitem(app.config, "MAIL_PORT", real_port)

    _make_due(db_session, message)
    assert deliver_due_email() == {"sent": 1, "retrying": 0, "failed": 0}

    db_session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, None)
    assert len(mail.to("ada@example.org")) == 1


def test_messages_not_yet_due_are_not_attempted(db_session: Any, mail: SMTPSink) -> None:
    _pending(db_session, next_attempt_at=utcnow() + timedelta(minutes=3))

    assert deliver_due_email() == {"sent": 0, "retrying": 0, "failed": 0}
    assert mail.messages == []


def test_due_messages_are_all_sent_and_each_only_once(db_session: Any, mail: SMTPSink) -> None:
    first = _pending(db_session, to="first@example.org")
    second = _pending(db_session, to="second@example.org")

    assert deliver_due_email() == {"sent": 2, "retrying": 0, "failed": 0}
    assert deliver_due_email() == {"sent": 0, "retrying": 0, "failed": 0}

    assert [len(mail.to(m.to_address)) for m in (first, second)] == [1, 1]
    [delivered] = mail.to("first@example.org")
    assert (delivered["Subject"], delivered.get_content().strip()) == ("Hello", "Hello there.")


def test_a_message_claimed_by_another_sender_is_not_sent_again(db_session: Any, mail: SMTPSink) -> None:
    message = _pending(db_session)
    assert claim_message(message.id, now=utcnow()) is not None  # another worker is sending it right now

    assert deliver_due_email() == {"sent": 0, "retrying": 0, "failed": 0}
    assert mail.messages == []
    db_session.refresh(message)
    assert message.status == OutboxStatus.SENDING


def test_a_message_whose_sender_died_mid_send_is_sent_by_the_next_run(db_session: Any, mail: SMTPSink) -> None:
    message = _pending(db_session)
    claim_message(message.id, now=utcnow() - timedelta(minutes=30))

    assert deliver_due_email()["sent"] == 1
    assert len(mail.to("ada@example.org")) == 1
    db_session.refresh(message)
    assert message.status == OutboxStatus.SENT


def test_a_message_that_cannot_be_built_is_failed_without_stopping_the_others(db_session: Any, mail: SMTPSink) -> None:
    # Subjects carry names people type; a line break must not wedge the outbox (or inject headers).
    broken = _pending(db_session, to="broken@example.org", subject="Eve\r\nBcc: victim@example.org")
    _pending(db_session, to="fine@example.org")

    counts = deliver_due_email()

    assert counts["sent"] == 1
    assert len(mail.to("fine@example.org")) == 1
    assert all("victim@example.org" not in str(m) for m in mail.messages)
    db_session.refresh(broken)
    assert broken.status != OutboxStatus.SENDING
    assert broken.last_error
