"""Forms for application pages. The questions themselves are data (see answers.py); the forms here are the
envelopes around them (the CSRF token, the version a page was loaded at) and the small fixed forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from fundapp.core.forms import Form


class SectionForm(Form):
    """The envelope of a section page: which version of the section the page was showing when it was loaded."""

    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message="Reload the page and try again")])


class StartApplicationForm(Form):
    """Which of the user's organisations is applying (one choice is pre-selected when there is only one)."""

    organisation = RadioField(
        "Which organisation is applying?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the organisation that is applying")],
        validate_choice=False,
    )
    submit = SubmitField("Start application", widget=GovSubmitInput())

    def __init__(self, *args: Any, organisations: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.name) for o in organisations]
        if len(organisations) == 1 and not self.organisation.data:
            self.organisation.data = str(organisations[0].id)

    def validate_organisation(self, field: Any) -> None:
        from wtforms.validators import ValidationError

        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select one of your organisations")


class CompleteSectionForm(Form):
    completed = RadioField(
        "Have you completed this section?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("yes", "Yes, I’ve completed this section"),
            SelectChoice("no", "No, I’ll come back to it later"),
        ],
        validators=[InputRequired("Select whether you have completed this section")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _reason_field(label: str, hint: str, missing: str) -> TextAreaField:
    """A required reason of up to 2,000 characters (kept with the application and in the audit log)."""
    return TextAreaField(
        label,
        description=hint,
        widget=GovCharacterCount(),
        validators=[InputRequired(missing), Length(max=2000, message="The reason must be 2,000 characters or fewer")],
    )


class WithdrawForm(Form):
    reason = _reason_field(
        "Why are you withdrawing your application?",
        "We keep this with your application. It helps us improve the fund.",
        "Enter why you are withdrawing your application",
    )
    submit = SubmitField("Withdraw application", widget=GovSubmitInput())


class OverrideEligibilityForm(Form):
    decision = RadioField(
        "What should the eligibility decision be?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("eligible", "Eligible: it goes forward to assessment"),
            SelectChoice("ineligible", "Ineligible"),
        ],
        validators=[InputRequired("Select eligible or ineligible")],
    )
    reason = _reason_field(
        "Why are you changing the decision?",
        "The reason is kept in the audit log. If you make it ineligible, the applicant reads it.",
        "Enter the reason for changing the eligibility decision",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.decision.data and current in {"eligible", "ineligible"}:
            self.decision.data = "ineligible" if current == "eligible" else "eligible"
