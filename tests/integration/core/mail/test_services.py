"""The outbox: a message exists only if the unit of work that queued it commits, and is then delivered once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.core.clock import utcnow
from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from fundapp.core.mail.services import claim_message, queue_email, record_failed_attempt, record_sent
from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
from tests.smtp import SMTPSink


@pytest.fixture()
def in_request(app: Flask, db_session: Any) -> Iterator[None]:
    """Services queue email while handling a POST (commits are refused on GET)."""
    with app.test_request_context(method="POST"):
        yield


def _queue(to: str = "ada@example.org", link: str = "http://localhost/reset-password/abc") -> OutboxMessage:
    return queue_email(
        to=to,
        subject="Reset your password",
        template="accounts/emails/password_reset",
        context={"name": "Ada Lovelace", "link": link, "minutes": 60},
    )


def _outbox(db_session: Any) -> list[OutboxMessage]:
    return list(db_session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_queued_email_is_delivered_over_smtp_once_the_unit_of_work_commits(
    in_request: None, db_session: Any, mail: SMTPSink, app: Flask
) -> None:
    message = _queue(link="http://localhost/reset-password/tok-123")
    assert mail.messages == []  # nothing leaves before the commit

    commit_unit_of_work()

    [delivered] = mail.to("ada@example.org")
    assert delivered["Subject"] == "Reset your password"
    assert delivered["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert delivered["Message-ID"]
    body = delivered.get_content()
    assert "Dear Ada Lovelace," in body
    assert "http://localhost/reset-password/tok-123" in body
    assert app.config["SERVICE_NAME"] in body
    db_session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 1, None)
    assert message.sent_at is not None


def test_the_rendered_body_is_stored_in_the_outbox(in_request: None) -> None:
    message = _queue()
    assert message.status == OutboxStatus.PENDING
    assert message.template == "accounts/emails/password_reset"
    assert "The link works once and stops working after 60 minutes." in message.body_text


def test_email_queued_in_a_rolled_back_unit_of_work_is_never_sent(
    in_request: None, db_session: Any, mail: SMTPSink
) -> None:
    _queue()
    rollback_unit_of_work()

    assert _outbox(db_session) == []
    assert mail.messages == []


def test_several_messages_in_one_unit_of_work_are_all_delivered(in_request: None, mail: SMTPSink) -> None:
    _queue(to="one@example.org")
    _queue(to="two@example.org")
    commit_unit_of_work()

    assert len(mail.to("one@example.org")) == 1
    assert len(mail.to("two@example.org")) == 1


def test_email_queued_after_a_rolled_back_unit_of_work_is_still_delivered(in_request: None, mail: SMTPSink) -> None:
    # A job or command that gives up on one item and carries on with the next uses one session throughout.
    _queue(to="abandoned@example.org")
    rollback_unit_of_work()
    _queue(to="kept@example.org")
    commit_unit_of_work()

    assert mail.to("abandoned@example.org") == []
    assert len(mail.to("kept@example.org")) == 1


def test_email_can_be_queued_outside_a_request(db_session: Any, mail: SMTPSink) -> None:
    # Background jobs and CLI commands queue email with only an app context.
    _queue(to="from-a-job@example.org")
    commit_unit_of_work()

    assert len(mail.to("from-a-job@example.org")) == 1


def _pending(db_session: Any, **values: Any) -> OutboxMessage:
    message = OutboxMessage(
        to_address="ada@example.org", subject="Hello", body_text="Hello.", template="test", **values
    )
    db_session.add(message)
    db_session.flush()
    return message


def test_a_due_message_can_be_claimed_only_once(db_session: Any) -> None:
    message = _pending(db_session)
    now = utcnow()

    claimed = claim_message(message.id, now=now)

    assert claimed is not None
    assert (claimed.status, claimed.claimed_at) == (OutboxStatus.SENDING, now)
    assert claim_message(message.id, now=now) is None
    assert claim_message(message.id, now=now + timedelta(minutes=9)) is None


def test_a_claim_abandoned_by_a_dead_sender_can_be_taken_over(db_session: Any) -> None:
    message = _pending(db_session)
    claim_message(message.id, now=utcnow() - timedelta(minutes=11))

    assert claim_message(message.id, now=utcnow()) is not None


def test_a_message_is_not_claimed_before_its_next_attempt(db_session: Any) -> None:
    message = _pending(db_session, next_attempt_at=utcnow() + timedelta(minutes=5))

    assert claim_message(message.id, now=utcnow()) is None


def test_sent_and_failed_messages_are_never_claimed(db_session: Any) -> None:
    sent = _pending(db_session, status=OutboxStatus.SENT)
    failed = _pending(db_session, status=OutboxStatus.FAILED)

    assert claim_message(sent.id, now=utcnow()) is None
    assert claim_message(failed.id, now=utcnow()) is None


def test_a_failed_attempt_is_retried_later_with_back_off(db_session: Any) -> None:
    message = _pending(db_session, attempts=2)
    before = utcnow()

    status = record_failed_attempt(message, error="ConnectionRefusedError: nope", max_attempts=6)

    assert status == OutboxStatus.PENDING
    assert message.attempts == 3
    assert message.last_error == "ConnectionRefusedError: nope"
    assert message.next_attempt_at >= before + timedelta(minutes=4)


def test_the_last_allowed_attempt_marks_the_message_failed(db_session: Any) -> None:
    message = _pending(db_session, attempts=5)

    assert record_failed_attempt(message, error="boom", max_attempts=6) == OutboxStatus.FAILED
    assert message.attempts == 6


def test_a_long_error_is_truncated_to_fit(db_session: Any) -> None:
    message = _pending(db_session)
    record_failed_attempt(message, error="x" * 5000, max_attempts=6)
    assert len(message.last_error or "") == 2000


def test_a_sent_message_forgets_its_earlier_error(db_session: Any) -> None:
    message = _pending(db_session, attempts=1, last_error="boom")
    record_sent(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, None)
