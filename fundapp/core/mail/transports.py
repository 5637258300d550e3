"""Ways to hand a built email to the world: SMTP, or a file plus the terminal for local development."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from fundapp.core.clock import utcnow

# What a transport may raise for a message that could succeed on a later attempt.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """An RFC 5322 plain-text message; the email library encodes headers, so user text cannot inject any."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="fundapp.local")
    email.set_content(body)
    return email


def send(email: EmailMessage) -> None:
    """Deliver with the configured backend (MAIL_BACKEND = smtp | file)."""
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(email)
    else:
        _write_file(email)


def _send_smtp(email: EmailMessage) -> None:
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SERVER"], cfg["MAIL_PORT"], cfg["MAIL_TIMEOUT"]
    smtp: smtplib.SMTP
    if cfg["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def _write_file(email: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S%f}.eml"
    path.write_bytes(bytes(email))
    # Local mode: show the whole message in the terminal so a developer can follow links in it.
    current_app.logger.warning(
        "\n--- email to %s (saved to %s) ---\nSubject: %s\n\n%s--- end of email ---",
        email["To"],
        path,
        email["Subject"],
        email.get_content(),
    )
