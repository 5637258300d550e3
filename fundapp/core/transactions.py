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
    """Commit the session, then run the after-commit callbacks; if the commit fails, roll back (running the
    after-rollback callbacks) and re-raise. Used by @commits, CLI commands and jobs."""
    from fundapp.extensions import db

    check_changes_are_audited(db.session)
    callbacks = db.session.info.pop("after_commit", [])
    try:
        db.session.commit()
    except Exception:
        # The database failed (or refused) at the commit: nothing of the unit of work is kept, so undo what was
        # done outside it too (e.g. delete the files written for it), then let the error page say so.
        rollback_unit_of_work()
        raise
    db.session.info.pop("after_rollback", None)
    for callback in callbacks:
        callback()


# --- every state change writes an audit event ------------------------------------------------------------------
#
# A before_flush listener notes, for the session's current transaction, which kinds of rows were added, changed or
# deleted and whether an AuditEvent was added. commit_unit_of_work (the one place requests, CLI commands and jobs
# commit) refuses, in tests, a unit of work that changed rows without an audit event; in production it logs an
# error and commits anyway (the person's work is never lost for a missing audit line). Bulk UPDATE/DELETE
# statements (session.execute(update(...))) bypass the flush and are not seen.
#
# Exempt: pure bookkeeping that is not a change anyone made.
# - OutboxMessage: queuing and delivering email (the change that caused the email is audited).
# - The progress counters of background work (an export's rows written, a letter batch's done/failed counts): the
#   start and the end of the work are audited, the counting in between is not.
UNAUDITED_MODELS = frozenset({"OutboxMessage"})
UNAUDITED_FIELDS: dict[str, frozenset[str]] = {
    "Export": frozenset({"rows_written"}),
    "LetterBatch": frozenset({"done", "failed"}),
}
_CHANGED = "unaudited_changes"
_AUDITED = "audit_events_added"


class UnauditedChange(RuntimeError):
    """A unit of work changed rows without writing an audit event (a bug: every state change is audited)."""


def _changed_fields(obj: Any) -> set[str]:
    from sqlalchemy import inspect

    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _note_changes(session: Any, _flush_context: Any, _instances: Any) -> None:
    from fundapp.core.audit import AuditEvent

    changed: set[str] = session.info.setdefault(_CHANGED, set())
    for obj in session.new:
        if isinstance(obj, AuditEvent):
            session.info[_AUDITED] = True
        elif type(obj).__name__ not in UNAUDITED_MODELS:
            changed.add(f"new {type(obj).__name__}")
    for obj in session.deleted:
        if type(obj).__name__ not in UNAUDITED_MODELS:
            changed.add(f"deleted {type(obj).__name__}")
    for obj in session.dirty:
        name = type(obj).__name__
        if name in UNAUDITED_MODELS or not session.is_modified(obj):
            continue
        fields = _changed_fields(obj) - UNAUDITED_FIELDS.get(name, frozenset())
        if fields:
            changed.add(f"changed {name} ({', '.join(sorted(fields))})")


def _forget_changes(session: Any, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_AUDITED, None)


def forget_unaudited_changes(session: Any) -> None:
    """Flush and forget what the session changed so far: for test set-up (factories), which is not a unit of work."""
    session.flush()
    _forget_changes(session)


def install_audit_tracking() -> None:
    """Note what each transaction changes (see check_changes_are_audited) and keep audit events append-only;
    installed once, in every app."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from fundapp.core.audit import install_append_only

    install_append_only()
    for name, listener in (
        ("before_flush", _note_changes),
        ("after_commit", _forget_changes),
        ("after_rollback", _forget_changes),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def unaudited_changes(session: Any) -> list[str]:
    """What the session's transaction changed without an audit event ([] if it audited, or changed nothing)."""
    session.flush()
    if session.info.get(_AUDITED):
        return []
    return sorted(session.info.get(_CHANGED, ()))


def check_changes_are_audited(session: Any) -> None:
    """Raise UnauditedChange in tests (log an error otherwise) if the unit of work changed rows without an audit."""
    from flask import current_app, has_app_context, has_request_context

    missing = unaudited_changes(session)
    if not missing:
        return
    where = f"{request.method} {request.path}" if has_request_context() else "outside a request"
    message = f"Unaudited change ({where}): {'; '.join(missing)}. Record an audit event (core.audit.record_event)."
    if has_app_context() and current_app.config.get("TESTING"):
        raise UnauditedChange(message)
    if has_app_context():
        current_app.logger.error(message)


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
