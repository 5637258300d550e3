"""Database connection settings that make SQLite behave like the production database where it matters."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.engine import Engine

# Requests that may write (and background jobs) take SQLite's write lock when their transaction begins.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing: ContextVar[bool] = ContextVar("sqlite_write_transactions", default=False)


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


@contextmanager
def write_transactions() -> Iterator[None]:
    """Within this block (a background job), SQLite transactions begin IMMEDIATE, like those of unsafe requests."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def begins_immediate() -> bool:
    """Whether a SQLite transaction beginning now should take the write lock at once.

    SQLite has one writer. A deferred transaction that reads and then writes fails at once with "database is
    locked" if another connection wrote in between (its snapshot is stale, so waiting cannot help). Beginning
    IMMEDIATE instead waits its turn (busy_timeout) and then sees the latest data. So POSTs and jobs, which write,
    begin IMMEDIATE; GETs, which only read, keep deferred transactions and never wait for a writer (WAL).
    """
    if _writing.get():
        return True
    return has_request_context() and request.method not in _SAFE_METHODS


def _on_begin(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if begins_immediate() else "BEGIN")


def install_sqlite_fixes() -> None:
    """Register once, process-wide: foreign keys on, WAL, a busy timeout and explicit BEGIN for SQLite."""
    if not sa.event.contains(Engine, "connect", _on_connect):
        sa.event.listen(Engine, "connect", _on_connect)
        sa.event.listen(Engine, "begin", _on_begin)
