"""The job queue: embedded SQLite by default, Redis when REDIS_URL is set, inline in immediate mode."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from fundapp.core.jobs import configure_huey


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_without_redis_the_queue_is_an_sqlite_file(tmp_path: Path) -> None:
    queue = Huey("t-sqlite", immediate=True)
    configure_huey(queue, redis_url=None, sqlite_path=str(tmp_path / "q.db"), immediate=False)

    @queue.task()
    def add(a: int, b: int) -> int:
        return a + b

    add(2, 3)
    assert isinstance(queue.storage, SqliteStorage)
    assert queue.pending_count() == 1
    assert queue.execute(queue.dequeue()) == 5


def test_immediate_mode_runs_jobs_inline_in_memory(tmp_path: Path) -> None:
    queue = Huey("t-immediate", immediate=True)
    configure_huey(queue, redis_url=None, sqlite_path=str(tmp_path / "q.db"), immediate=True)

    @queue.task()
    def double(a: int) -> int:
        return a * 2

    assert isinstance(queue.storage, MemoryStorage)
    assert double(21)() == 42
    assert not (tmp_path / "q.db").exists()


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_jobs_round_trip_through_redis() -> None:
    queue = Huey("fundapp-test-queue", immediate=True)
    configure_huey(queue, redis_url="redis://127.0.0.1:6379/15", sqlite_path="unused", immediate=False)
    queue.flush()

    @queue.task()
    def greet(name: str) -> str:
        return f"hello {name}"

    greet("Londoners")
    assert isinstance(queue.storage, RedisStorage)
    assert queue.pending_count() == 1
    assert queue.execute(queue.dequeue()) == "hello Londoners"
    queue.flush()
