"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from flask import render_template, request
from sqlalchemy.exc import DBAPIError, NoResultFound
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from flask import Flask


class DomainError(Exception):
    """A business rule refused the action. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this to this object (services re-check what views already guard)."""


class InvalidTransition(DomainError):
    """A status change that the state table does not allow."""

    def __init__(self, model: str, from_state: enum.Enum, to_state: enum.Enum) -> None:
        super().__init__(f"{model} cannot move from {from_state.value} to {to_state.value}")
        self.model = model
        self.from_state = from_state
        self.to_state = to_state


def check_transition(
    model: str,
    table: dict[enum.Enum, frozenset[enum.Enum]],
    current: enum.Enum,
    target: enum.Enum,
) -> None:
    """Raise InvalidTransition unless the state table allows current → target."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(model, current, target)


ERROR_TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This action is not allowed",
    413: "The file or form you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for HTTP errors; a missing row (NoResultFound) is a 404 in one place, and a database
    that fails mid-request (gone away, refused, timed out) a 503, logged, its unit of work rolled back."""

    def render(code: int):
        title = ERROR_TITLES.get(code, "Sorry, there is a problem")
        return render_template("core/error.html", code=code, title=title), code

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code == 403:
            from fundapp.core.audit import record_access_denied

            record_access_denied()
        return render(exc.code)

    @app.errorhandler(NoResultFound)
    def not_found(_exc: NoResultFound):
        return render(404)

    @app.errorhandler(DBAPIError)
    def database_failed(exc: DBAPIError):
        app.logger.error("Database error during %s %s", request.method, request.path, exc_info=exc)
        return render(503)

    @app.errorhandler(500)
    def server_error(_exc: Exception):
        return render(500)
