"""Transports: the file backend used on a developer's machine, and what a built message looks like."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from fundapp.core.jobs import deliver_due_email
from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from fundapp.core.mail.transports import build_message
from tests.smtp import SMTPSink


def test_the_file_backend_writes_an_eml_file_instead_of_sending(
    app: Flask, db_session: Any, mail: SMTPSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(folder))
    message = OutboxMessage(
        to_address="ada@example.org", subject="Your award", body_text="Congratulations.\n", template="test"
    )
    db_session.add(message)
    db_session.flush()

    assert deliver_due_email()["sent"] == 1

    [path] = folder.glob("*.eml")
    written = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert written["To"] == "ada@example.org"
    assert written["Subject"] == "Your award"
    assert written["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert written.get_content() == "Congratulations.\n"  # type: ignore[attr-defined]
    assert mail.messages == []
    db_session.refresh(message)
    assert message.status == OutboxStatus.SENT


def test_a_built_message_is_plain_text_with_date_and_message_id() -> None:
    built = build_message(sender="Fund <no-reply@example.org>", to="ada@example.org", subject="Hi £", body="Hello.")
    assert built.get_content_type() == "text/plain"
    assert built["Date"] and built["Message-ID"]
    assert str(built["Subject"]) == "Hi £"


def test_header_injection_through_the_subject_is_refused() -> None:
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        build_message(sender="a@example.org", to="b@example.org", subject="Hi\r\nBcc: c@example.org", body="x")
