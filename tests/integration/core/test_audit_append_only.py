"""The audit trail is append-only: the ORM refuses to change or delete an event, and on PostgreSQL so does the
database itself (a trigger), while the foreign key may still blank the actor of a deleted user."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.core.audit import AuditEvent, AuditIsAppendOnly, record_event
from fundapp.extensions import db
from tests.factories import UserFactory


def _event() -> AuditEvent:
    user = UserFactory()
    return record_event("thing.done", actor=user, subject=user, data={"changes": {"name": ["A", "B"]}})


def test_changing_an_audit_event_is_refused(app: Flask, db_session: Any) -> None:
    event = _event()
    event.data = {"changes": {}}
    with pytest.raises(AuditIsAppendOnly, match="append-only"):
        db.session.flush()


def test_deleting_an_audit_event_is_refused(app: Flask, db_session: Any) -> None:
    event = _event()
    db.session.delete(event)
    with pytest.raises(AuditIsAppendOnly, match="append-only"):
        db.session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEvent).values(action="thing.hidden"),
        sa.delete(AuditEvent),
    ],
    ids=["update", "delete"],
)
def test_bulk_statements_on_audit_events_are_refused(app: Flask, db_session: Any, statement: Any) -> None:
    _event()
    with pytest.raises(AuditIsAppendOnly, match="append-only"):
        db.session.execute(statement)


def test_touching_an_event_without_changing_it_is_not_an_error(app: Flask, db_session: Any) -> None:
    event = _event()
    event.action = "thing.done"  # the same value: nothing to write
    db.session.flush()
    assert db.session.get(AuditEvent, event.id).action == "thing.done"


def _postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_events SET action = 'thing.hidden' WHERE id = :id",
        "UPDATE audit_events SET data = '{}' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
    ids=["action", "data", "delete"],
)
def test_postgresql_refuses_raw_updates_and_deletes(app: Flask, db_session: Any, sql: str) -> None:
    _postgresql_only()
    event = _event()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(sql), {"id": event.id})
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.id == event.id)) == "thing.done"


def test_postgresql_lets_the_foreign_key_blank_a_deleted_users_actor(app: Flask, db_session: Any) -> None:
    _postgresql_only()
    event = _event()
    # What ON DELETE SET NULL does when a user row is deleted.
    db.session.execute(sa.text("UPDATE audit_events SET actor_id = NULL WHERE id = :id"), {"id": event.id})
    row = db.session.execute(
        sa.text("SELECT actor_id, action FROM audit_events WHERE id = :id"), {"id": event.id}
    ).one()
    assert tuple(row) == (None, "thing.done")
