"""One commit per request: mutating views commit once, only on success; everything else rolls back.

Services flush and never commit. A view that changes data is decorated with @commits; it commits after
a 2xx/3xx response to a POST (never on GET/HEAD), and rolls back otherwise. Flask-SQLAlchemy removes the
session at teardown, discarding anything uncommitted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import make_response, request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def commits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Commit the request's unit of work if the view succeeds on a non-GET request."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            rollback_unit_of_work()
            raise
        if request.method not in SAFE_METHODS and response.status_code < 400:
            commit_unit_of_work()
        else:
            rollback_unit_of_work()
        return response

    wrapper.commits = True  # type: ignore[attr-defined]
    return wrapper


# Set while a safe request commits the audit of what it showed (commit_read_audit), the one write it may make.
_READ_AUDIT = "committing_read_audit"


def _refuse_commit_on_safe_request(session: Any) -> None:
    from flask import has_request_context

    if session.info.get(_READ_AUDIT):
        return
    if has_request_context() and request.method in SAFE_METHODS:
        raise RuntimeError(f"{request.method} {request.path} tried to commit: GET requests must not change data")


def install_get_commit_guard() -> None:
    """Fail loudly if anything commits while serving a safe (GET/HEAD) request (on in tests and debug)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_commit", _refuse_commit_on_safe_request):
        event.listen(Session, "before_commit", _refuse_commit_on_safe_request)


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once the current unit of work has committed (e.g. send queued email); dropped on rollback."""
    from fundapp.extensions import db

    db.session.info.setdefault("after_commit", []).append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run callback if the current unit of work is rolled back (e.g. delete a file written for it)."""
    from fundapp.extensions import db

    db.session.info.setdefault("after_rollback", []).append(callback)


def commit_unit_of_work() -> None:
    """Commit the session, then run the after-commit callbacks. Used by @commits, CLI commands and jobs."""
    from fundapp.extensions import db

    callbacks = db.session.info.pop("after_commit", [])
    db.session.info.pop("after_rollback", None)
    db.session.commit()
    for callback in callbacks:
        callback()


def commit_read_audit() -> None:
    """Commit the audit event a GET recorded about what it showed (e.g. a staff download), and nothing else.

    Reading a file can be a fact worth keeping, yet a GET must not change data: this is the one exception, and it
    refuses if anything but audit events is waiting to be written.
    """
    from fundapp.core.audit import AuditEvent
    from fundapp.extensions import db

    session = db.session
    if session.dirty or session.deleted or any(not isinstance(obj, AuditEvent) for obj in session.new):
        raise RuntimeError("Only audit events may be committed while reading")
    session.info[_READ_AUDIT] = True
    try:
        commit_unit_of_work()
    finally:
        session.info.pop(_READ_AUDIT, None)


def rollback_unit_of_work() -> None:
    """Roll back and forget the after-commit callbacks of the abandoned unit of work."""
    from fundapp.extensions import db

    db.session.info.pop("after_commit", None)
    callbacks = db.session.info.pop("after_rollback", [])
    db.session.rollback()
    for callback in callbacks:
        callback()
