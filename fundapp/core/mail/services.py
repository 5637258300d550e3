"""Writes to the outbox: queue a message, claim it for sending, and record the outcome of an attempt."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from fundapp.core.clock import utcnow
from fundapp.core.mail.models import OutboxMessage, OutboxStatus
from fundapp.core.transactions import after_commit

# A claim older than this belongs to a sender that died mid-send; another sender may take it over.
CLAIM_TIMEOUT = timedelta(minutes=10)


def queue_email(*, to: str, subject: str, template: str, context: dict[str, Any]) -> OutboxMessage:
    """Render a plain-text template into the outbox; delivery is scheduled for after the commit."""
    from fundapp.extensions import db

    context = {"service_name": current_app.config["SERVICE_NAME"], **context}
    body = render_template(f"{template}.txt", **context)
    # A header is one line: names people typed may hold line breaks or runs of spaces.
    subject = " ".join(subject.split())[:250]
    message = OutboxMessage(to_address=to.strip(), subject=subject, body_text=body, template=template)
    db.session.add(message)
    db.session.flush()
    if _schedule_delivery not in db.session.info.get("after_commit", []):
        after_commit(_schedule_delivery)
    return message


def _schedule_delivery() -> None:
    from fundapp.core.jobs import deliver_outbox

    deliver_outbox()


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed attempt: 1, 2, 4, 8 … minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        ),
        sa.and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - CLAIM_TIMEOUT,
        ),
    )


def list_due_message_ids(*, now: datetime, limit: int) -> list[int]:
    """Ids of messages ready for an attempt, oldest first."""
    from fundapp.extensions import db

    query = sa.select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
    return list(db.session.scalars(query))


def claim_message(message_id: int, *, now: datetime) -> OutboxMessage | None:
    """Mark a due message as being sent with a conditional update, so two senders never both send it."""
    from fundapp.extensions import db

    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def record_sent(message: OutboxMessage) -> None:
    """The transport accepted the message."""
    from fundapp.extensions import db

    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.claimed_at = None
    message.last_error = None
    db.session.flush()


def record_failed_attempt(message: OutboxMessage, *, error: str, max_attempts: int) -> OutboxStatus:
    """The transport refused or was unreachable: retry later with back-off, or give up after max_attempts."""
    from fundapp.extensions import db

    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_at = None
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
    db.session.flush()
    return message.status
