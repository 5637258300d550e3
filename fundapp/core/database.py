"""Database connection settings that make SQLite behave like the production database where it matters."""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy issue BEGIN itself so savepoints and transactional DDL work (pysqlite's own
    # transaction handling is broken for them), and enforce foreign keys as PostgreSQL does.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _on_begin(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def install_sqlite_fixes() -> None:
    """Register once, process-wide: foreign keys on, WAL, a busy timeout and explicit BEGIN for SQLite."""
    if not sa.event.contains(Engine, "connect", _on_connect):
        sa.event.listen(Engine, "connect", _on_connect)
        sa.event.listen(Engine, "begin", _on_begin)
