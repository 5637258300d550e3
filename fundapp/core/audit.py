"""The append-only audit trail: who did what, to what, when and from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.core.clock import utcnow
from fundapp.core.models import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    subject_type: Mapped[str | None] = mapped_column(sa.String(80))
    subject_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))


class AuditIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit event: the trail is append-only."""


def _refuse_change(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    state = sa.inspect(target)
    if any(attr.history.has_changes() for attr in state.attrs):
        raise AuditIsAppendOnly(f"Audit event {target.id} may not be changed: the audit trail is append-only")


def _refuse_delete(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditIsAppendOnly(f"Audit event {target.id} may not be deleted: the audit trail is append-only")


def _refuse_bulk_change(orm_execute_state: Any) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is not None and mapper.class_ is AuditEvent:
        raise AuditIsAppendOnly("Audit events may not be updated or deleted: the audit trail is append-only")


# In every app: the ORM refuses to update or delete an audit event (row by row, or in bulk). On PostgreSQL a
# trigger refuses it in the database too (migration 5d1a0c3e7f21).
sa.event.listen(AuditEvent, "before_update", _refuse_change)
sa.event.listen(AuditEvent, "before_delete", _refuse_delete)


def install_append_only() -> None:
    """Refuse bulk UPDATE/DELETE statements on audit events issued through any ORM session."""
    from sqlalchemy.orm import Session

    if not sa.event.contains(Session, "do_orm_execute", _refuse_bulk_change):
        sa.event.listen(Session, "do_orm_execute", _refuse_bulk_change)


class _HasId(Protocol):
    id: int


def record_event(
    action: str,
    *,
    actor: _HasId | None,
    subject: _HasId | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event (flushed with the caller's unit of work; never commits)."""
    from fundapp.extensions import db

    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        data=data or {},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_read_event(
    action: str,
    *,
    actor: _HasId | None,
    subject: _HasId | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that someone saw something (e.g. staff downloaded an applicant's file) and commit it at once.

    For GET requests, which otherwise never write: the event is the request's only change (see
    core.transactions.commit_read_audit, which refuses anything else).
    """
    from fundapp.core.transactions import commit_read_audit
    from fundapp.extensions import db

    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("A read audit must be the only change in its unit of work")
    event = record_event(action, actor=actor, subject=subject, data=data)
    commit_read_audit()
    return event


def record_access_denied() -> None:
    """Record that a signed-in person was refused a page (403), with the method and path; never fails the page.

    Anonymous people are sent to sign in instead, and 404s are not recorded (nothing was refused that they knew of).
    """
    from flask import current_app
    from flask_login import current_user

    from fundapp.core.transactions import rollback_unit_of_work

    if not has_request_context() or not current_user.is_authenticated:
        return
    try:
        rollback_unit_of_work()  # a refused request keeps nothing else it did
        record_read_event(
            "auth.access_denied",
            actor=current_user,
            data={"method": request.method, "path": request.path[:500]},
        )
    except Exception:  # the refusal page matters more than its audit line (e.g. the database is away)
        current_app.logger.exception("Could not record a refused request")
        rollback_unit_of_work()
