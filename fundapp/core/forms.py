"""The base form every page uses, and what happens when a CSRF token fails.

A token lasts as long as the session (WTF_CSRF_TIME_LIMIT = None). When one still fails (the session
expired, or the person signed out in another tab), a form page is shown again with everything that was
typed and a clear message, instead of an error page that throws the answers away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from typing import Any, TypeVar

from flask import Flask, current_app, flash, g, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from werkzeug.exceptions import HTTPException
from wtforms import Field, StringField
from wtforms.validators import StopValidation, ValidationError

from fundapp.core.clock import format_time, parse_date_parts, parse_time_of_day
from fundapp.core.errors import DomainError
from fundapp.core.limits import breach_message
from fundapp.core.money import MoneyParseError, parse_pounds, pence_to_input

F = TypeVar("F", bound=Callable[..., Any])

CSRF_MESSAGE = (
    "This page had expired, so nothing was saved. Your answers are still here: check them and send the form again."
)


class Form(FlaskForm):
    """FlaskForm with a person-friendly message when the CSRF token fails, or when a rate limit was hit."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if getattr(self, "csrf_token", None) is not None and self.csrf_token.errors:
            self.csrf_token.errors = [CSRF_MESSAGE]
        too_many = breach_message()
        if too_many is not None:
            _show_only(self, too_many)
            return False
        return valid

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        valid = super().validate_on_submit(extra_validators=extra_validators)
        too_many = breach_message()
        if too_many is not None and self.is_submitted():
            _show_only(self, too_many)  # again: a form's own validate() may add errors after ours
            return False
        return valid


def _show_only(form: FlaskForm, message: str) -> None:
    """Put message at the form's first field a person sees (its button when it has no other), and nothing else."""
    shown = [field for field in form if field.type not in ("CSRFTokenField", "HiddenField")]
    target = next((field for field in shown if field.type != "SubmitField"), shown[0] if shown else None)
    for field in form:
        field.errors = [message] if field is target else []


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
            try:
                return current_app.ensure_sync(view)(**(request.view_args or {}))
            except HTTPException as refused:  # the view's own guard (404 or 403) still answers as it would
                return current_app.handle_http_exception(refused)
        return render_template(
            "core/error.html",
            code=400,
            title="This page had expired",
            detail=CSRF_MESSAGE,
        ), 400


def add_domain_error(form: FlaskForm, exc: DomainError, fields: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal at the field it names, or as a page message when it names none.

    `fields` maps what the service calls a field to the form's name for it (e.g. closes_at → closes_on).
    """
    name = (fields or {}).get(exc.field or "", exc.field)
    field = getattr(form, name or "", None)
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message)


def error_summary(form: FlaskForm) -> dict[str, Any]:
    """The error summary's parameters (govuk-frontend-wtf's wtforms_errors), with a date's link pointing at its day
    box: the date input's own id is on a <div>, which cannot take focus, so the link would move focus nowhere."""
    params = wtforms_errors(form)
    dates = {f"#{field.id}": f"#{field.name}-day" for field in form if isinstance(field, DateInputField)}
    for item in params["errorList"]:
        item["href"] = dates.get(item["href"], item["href"])
    return params


# --- fields for what people type: dates, times of day and money ----------------------------------------


class DateInputField(Field):
    """The GOV.UK date input (day, month and year boxes under one name), with GOV.UK error messages.

    `noun` names the date in messages ("the opening date"). `data` is a date, or None when left blank and not
    required. What was typed is kept in raw_data, so a mistake is shown back exactly as typed.
    """

    widget = GovDateInput()

    def __init__(self, label: str, *, noun: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.noun = noun
        self.required = required

    def process_formdata(self, valuelist: list[str]) -> None:
        # Always exactly three boxes, even from a hand-made request: the widget unpacks day, month and year.
        self.raw_data = [*(str(v) for v in valuelist[:3]), *[""] * (3 - len(valuelist[:3]))]
        self.data = None
        if any(part.strip() for part in self.raw_data):
            self.data = parse_date_parts(*self.raw_data, noun=self.noun)  # ValueError becomes the field's error

    def _value(self) -> str:
        return ""  # the widget reads raw_data or data itself

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(f"Enter {self.noun}")


class TimeOfDayField(StringField):
    """A wall-clock time typed as text ('9:30am', '17:30', 'midday'); `time` holds it once validated."""

    widget = GovTextInput()

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.noun = noun
        self.time: time | None = None

    def process_data(self, value: Any) -> None:
        self.data = format_time(value) if isinstance(value, time) else value

    def pre_validate(self, form: Any) -> None:
        self.time = None
        text = (self.data or "").strip()
        if not text:
            raise StopValidation(f"Enter {self.noun}")
        try:
            self.time = parse_time_of_day(text)
        except ValueError:
            subject = self.noun[:1].upper() + self.noun[1:]
            raise StopValidation(f"{subject} must be a real time, like 9:30am, 5pm or 17:30") from None


class PoundsField(StringField):
    """An amount typed in pounds ('£875,000', '1250.50'); `pence` holds it as integer pence once validated.

    A blank field gives pence None (add InputRequired to insist). `invalid` is the message for anything that
    is not an amount.
    """

    widget = GovTextInput()

    def __init__(self, label: str, *, invalid: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.invalid = invalid
        self.pence: int | None = None

    def process_data(self, value: Any) -> None:
        self.data = pence_to_input(value) if isinstance(value, int) else value

    def pre_validate(self, form: Any) -> None:
        self.pence = None
        text = (self.data or "").strip()
        if text:
            try:
                self.pence = parse_pounds(text)
            except MoneyParseError:
                raise ValidationError(self.invalid) from None
