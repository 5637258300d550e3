"""Build the test schema with the real Alembic migrations (so every run tests them), and drop it after."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask


def build_schema(app: Flask) -> None:
    from flask_migrate import upgrade

    from fundapp.extensions import db

    drop_schema(app)
    upgrade(directory=app.extensions["migrate"].directory)
    db.session.remove()


def drop_schema(app: Flask) -> None:
    from fundapp.extensions import db

    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def purge_audit_events(connection: sa.Connection, where: sa.ColumnElement[bool]) -> None:
    """Delete the audit events a test committed for real (a race test), as the documented retention purge does.

    The app never deletes audit events: the ORM refuses it and, on PostgreSQL, so does a trigger. A test that had to
    commit cleans up the way a database owner would, in its own transaction: with the trigger off for the delete, and
    through the table rather than the ORM.
    """
    from fundapp.core.audit import AuditEvent

    table = AuditEvent.__table__
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    connection.execute(sa.delete(table).where(where))
    if postgres:
        connection.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
