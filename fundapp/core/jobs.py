"""Background jobs (huey). Each job runs inside an app context and commits at its own boundary."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage

from fundapp.core.database import write_transactions
from fundapp.extensions import huey

# How many times a job that does one piece of work (a letter of a batch, an export) is tried again after a failure
# (a database blip, "database is locked", a file that could not be written) before the failure is final.
RETRIES = 3

# The app a worker process runs jobs in; set by fundapp.worker (core may not import create_app).
_worker_app: Flask | None = None


def configure_huey(queue: Huey, *, redis_url: str | None, sqlite_path: str, immediate: bool) -> None:
    """Point the queue at Redis when REDIS_URL is set, else an embedded SQLite file; or run jobs inline."""
    if redis_url:
        queue.storage_class = RedisStorage
        queue.storage_kwargs = {"url": redis_url}
    else:
        queue.storage_class = SqliteStorage
        queue.storage_kwargs = {"filename": sqlite_path}
    queue._immediate = immediate  # noqa: SLF001 (the public setter only rebuilds storage on a change)
    queue.storage = queue.create_storage()


def bind_worker_app(app: Flask) -> None:
    """Used by fundapp.worker: jobs a consumer runs get this app's context."""
    global _worker_app
    _worker_app = app


def is_retry(task: Any) -> bool:
    """Whether this run of a task (`context=True`) is a retry of one that failed."""
    return task is not None and task.retries < task.default_retries


def is_final_attempt(task: Any) -> bool:
    """Whether a failure of this run of a task (`context=True`) is final: no retries left, or immediate mode (a retry
    would be scheduled in memory, where nothing runs it)."""
    return task is None or not task.retries or huey.immediate


def in_app_context(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a job inside an app context: the caller's (immediate mode) or the worker's app, where SQLite
    transactions begin IMMEDIATE (two worker processes writing wait their turn instead of failing)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        if _worker_app is None:
            raise RuntimeError("Jobs run in a worker started with `huey_consumer fundapp.worker.huey`")
        with _worker_app.app_context(), write_transactions():
            return func(*args, **kwargs)

    return wrapper


def deliver_due_email(*, limit: int = 100) -> dict[str, int]:
    """Try every due outbox message once, committing after each so a crash never sends one twice."""
    from fundapp.core.clock import utcnow
    from fundapp.core.mail import services, transports
    from fundapp.core.transactions import commit_unit_of_work

    cfg = current_app.config
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    now = utcnow()
    for message_id in services.list_due_message_ids(now=now, limit=limit):
        message = services.claim_message(message_id, now=now)
        commit_unit_of_work()
        if message is None:
            continue  # another sender took it
        try:
            email = transports.build_message(
                sender=cfg["MAIL_DEFAULT_SENDER"],
                to=message.to_address,
                subject=message.subject,
                body=message.body_text,
            )
            transports.send(email)
        except ValueError as exc:  # a message that can never be built (e.g. a malformed address)
            services.record_failed_attempt(message, error=f"Unsendable: {exc}", max_attempts=message.attempts + 1)
            counts["failed"] += 1
            current_app.logger.error("Email %s can never be sent: %s", message.id, exc)
        except transports.DELIVERY_ERRORS as exc:
            status = services.record_failed_attempt(
                message, error=f"{type(exc).__name__}: {exc}", max_attempts=cfg["MAIL_MAX_ATTEMPTS"]
            )
            counts["failed" if status == "failed" else "retrying"] += 1
            current_app.logger.warning("Email %s not sent (%s): %s", message.id, status, message.last_error)
        else:
            services.record_sent(message)
            counts["sent"] += 1
        commit_unit_of_work()
    return counts


@huey.task(retries=0)
@in_app_context
def deliver_outbox() -> dict[str, int]:
    """Deliver due email now (queued after every commit that added a message)."""
    return deliver_due_email()


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def retry_outbox() -> dict[str, int]:
    """Every minute: retry messages whose back-off has passed."""
    return deliver_due_email()
