"""`flask mail deliver` sends what is due and reports what happened."""

from __future__ import annotations

from typing import Any

from flask import Flask

from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from tests.smtp import SMTPSink


def test_mail_deliver_sends_due_messages_and_reports_counts(app: Flask, db_session: Any, mail: SMTPSink) -> None:
    message = OutboxMessage(to_address="ada@example.org", subject="Hello", body_text="Hi.", template="test")
    db_session.add(message)
    db_session.flush()

    result = app.test_cli_runner().invoke(args=["mail", "deliver"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, will retry 0, failed 0"
    assert len(mail.to("ada@example.org")) == 1
    db_session.refresh(message)
    assert message.status == OutboxStatus.SENT
