"""SQLite transactions that will write begin IMMEDIATE: a second writer waits its turn instead of failing."""

from __future__ import annotations

import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.core.database import begins_immediate, install_sqlite_fixes, write_transactions


@pytest.mark.parametrize(("method", "immediate"), [("GET", False), ("HEAD", False), ("POST", True), ("DELETE", True)])
def test_requests_that_may_write_begin_immediate(app: Flask, method: str, immediate: bool) -> None:
    with app.test_request_context("/", method=method):
        assert begins_immediate() is immediate


def test_background_jobs_begin_immediate_and_nothing_else_does(app: Flask) -> None:
    with app.app_context():
        assert begins_immediate() is False
        with write_transactions():
            assert begins_immediate() is True
        assert begins_immediate() is False


def _read_then_write_twice_at_once(app: Flask, *, immediate: bool) -> tuple[int, list[str]]:
    """Two threads each read a counter, pause, and write it back plus one, overlapping in time."""
    install_sqlite_fixes()
    folder = tempfile.mkdtemp(prefix="fundapp-sqlite-")
    engine = sa.create_engine(f"sqlite:///{Path(folder) / 'counter.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list[str] = []

    def job() -> None:
        try:
            with app.app_context(), write_transactions() if immediate else nullcontext(), engine.begin() as conn:
                current = conn.exec_driver_sql("SELECT n FROM counter").scalar_one()
                time.sleep(0.3)  # the other thread reads meanwhile (deferred) or waits for the lock (immediate)
                conn.exec_driver_sql("UPDATE counter SET n = ?", (current + 1,))
        except sa.exc.OperationalError as exc:
            errors.append(str(exc.orig))

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT n FROM counter").scalar_one()
    engine.dispose()
    return total, errors


def test_two_read_then_write_jobs_on_one_sqlite_file_both_commit(app: Flask) -> None:
    assert _read_then_write_twice_at_once(app, immediate=True) == (2, [])


def test_without_immediate_transactions_the_second_writer_fails(app: Flask) -> None:
    """Why: a deferred transaction that read before another committed cannot write (its snapshot is stale)."""
    total, errors = _read_then_write_twice_at_once(app, immediate=False)

    assert total == 1
    assert errors == ["database is locked"]
