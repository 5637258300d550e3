"""The base form every page uses, and what happens when a CSRF token fails.

A token lasts as long as the session (WTF_CSRF_TIME_LIMIT = None). When one still fails (the session
expired, or the person signed out in another tab), a form page is shown again with everything that was
typed and a clear message, instead of an error page that throws the answers away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, flash, g, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError

from fundapp.core.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])

CSRF_MESSAGE = (
    "This page had expired, so nothing was saved. Your answers are still here: check them and send the form again."
)


class Form(FlaskForm):
    """FlaskForm with a person-friendly message when the CSRF token fails."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if getattr(self, "csrf_token", None) is not None and self.csrf_token.errors:
            self.csrf_token.errors = [CSRF_MESSAGE]
        return valid


def keeps_input_on_csrf_error(view: F) -> F:
    """Mark a form page: on a CSRF failure it is rendered again (its form then fails validation)."""
    view.rerender_on_csrf_error = True  # type: ignore[attr-defined]
    return view


def register_csrf_error_handler(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerender_on_csrf_error", False):
            # The view's own form re-checks the token, fails, and shows the typed answers with CSRF_MESSAGE.
            g.csrf_failed = True
            return current_app.ensure_sync(view)(**(request.view_args or {}))
        return render_template(
            "core/error.html",
            code=400,
            title="This page had expired",
            detail=CSRF_MESSAGE,
        ), 400


def add_domain_error(form: FlaskForm, exc: DomainError) -> None:
    """Show a service's refusal at the field it names, or as a page message when it names none."""
    field = getattr(form, exc.field or "", None)
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message)
