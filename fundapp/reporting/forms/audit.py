"""The admin audit log's filters, sent by GET so a filtered page can be bookmarked: an action (a list of the known
ones), a person's email, and London days from and to. Every problem is shown at its field and what was typed stays."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from fundapp.accounts import queries as account_queries
from fundapp.core.forms import DateInputField, Form
from fundapp.reporting.audit_log import ACTION_LABELS, AuditFilters

ANY_ACTION = ""


def action_choices() -> list[SelectChoice]:
    """Every labelled action, by label, after "Any action"."""
    ordered = sorted(ACTION_LABELS.items(), key=lambda item: item[1])
    return [
        SelectChoice(ANY_ACTION, "Any action"),
        *(SelectChoice(code, f"{label} ({code})") for code, label in ordered),
    ]


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a search: it changes nothing

    action = SelectField("Action", widget=GovSelect(), choices=action_choices(), validate_choice=False)
    person = StringField(
        "Person’s email address",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=320, message="Email address must be 320 characters or fewer")],
        description="The person who did it",
    )
    date_from = DateInputField("From", noun="the first day", required=False, description="For example, 1 4 2026")
    date_to = DateInputField(
        "To", noun="the last day", required=False, description="For example, 30 4 2026. Events on this day count."
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the action is one on the list, the email looks like one and belongs to someone, and the days'
        order."""
        super().validate(extra_validators=extra_validators)
        if self.action.data and self.action.data not in ACTION_LABELS:
            self.action.errors = ["Select an action from the list"]
        self._check_person()
        if (
            self.date_from.data
            and self.date_to.data
            and self.date_to.data < self.date_from.data
            and not self.date_to.errors
        ):
            self.date_to.errors = ["The last day must be the same as or after the first day"]
        return not any(field.errors for field in self)

    def _check_person(self) -> None:
        email = (self.person.data or "").strip()
        if not email or self.person.errors:
            return
        if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
            self.person.errors = ["Enter an email address in the correct format, like name@example.com"]
        elif account_queries.find_user_by_email(email) is None:
            self.person.errors = ["There is no one with this email address"]

    def filters(self) -> AuditFilters:
        """The filters chosen (only after validate() passed)."""
        return AuditFilters(
            action=self.action.data or None,
            person_email=(self.person.data or "").strip() or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
