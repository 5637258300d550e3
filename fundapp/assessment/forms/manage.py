"""Forms for the manage pages: adding an assessor to a call's pool, and giving an application to an assessor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from fundapp.accounts.forms import EMAIL_FORMAT
from fundapp.core.forms import Form


def _stripped(value: Any) -> Any:
    """Spaces around a pasted email address are not part of it."""
    return value.strip() if isinstance(value, str) else value


class AddAssessorForm(Form):
    """An existing account's email address; the service says who it is not (unknown, disabled, already in)."""

    email = EmailField(
        "Email address",
        description="They must already have an account. They will be able to assess applications in this call only.",
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            InputRequired("Enter the email address of the person to add"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    submit = SubmitField("Add assessor", widget=GovSubmitInput())


class AssignAssessorForm(Form):
    """Choose one of the pool members who can take the application.

    The radios offer only those who can; any other member of the pool is still accepted here, so that the service
    explains why they cannot (a conflict, a connection) at the field, rather than "Not a valid choice".
    """

    assessor = RadioField(
        "Who should assess this application?",
        choices=[],
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Select the assessor to give this application to")],
    )
    submit = SubmitField("Assign assessor", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool_ids: set[str] = set()
        self.hints: list[str] = []  # one per choice, shown under its name

    def set_choices(self, choices: Iterable[tuple[int, str, str]], *, pool_ids: Iterable[int]) -> None:
        """(user id, name, hint) of each assessor who can take it; `pool_ids` are everyone in the call's pool."""
        listed = list(choices)
        self.assessor.choices = [SelectChoice(str(user_id), name) for user_id, name, _hint in listed]
        self.hints = [hint for _user_id, _name, hint in listed]
        self.pool_ids = {str(user_id) for user_id in pool_ids}

    def validate_assessor(self, field: Any) -> None:
        if field.data not in self.pool_ids:
            raise ValidationError("Select an assessor from the list")

    def chosen_id(self) -> int:
        return int(self.assessor.data)
