"""Forms for the applicant's offer: accepting it (the signatory's name, position and confirmation) and declining it.

Both carry the version of the letter the page showed, so that a letter re-issued after the page was loaded is
never accepted or declined unread (services.accept_award and decline_award compare it with the newest version).
The forms check what was typed and show every problem at once; the services re-check and own the rules.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from fundapp.awards.services import NAME_MAX_CHARS, REASON_MAX_CHARS
from fundapp.core.forms import Form

CONFIRM_MISSING = "Confirm that you are authorised to accept the grant on the organisation's behalf"


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _LetterVersionForm(Form):
    letter_version = HiddenField()

    def shown_version(self) -> int:
        """The letter version the page was showing (0 when the hidden field was tampered with: never current)."""
        text = (self.letter_version.data or "").strip()
        return int(text) if text.isdigit() and len(text) < 10 else 0


class AcceptForm(_LetterVersionForm):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=NAME_MAX_CHARS, message=f"Your name must be {NAME_MAX_CHARS} characters or fewer"),
        ],
    )
    position = StringField(
        "Your position in the organisation",
        description="For example, Chair of trustees",
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            DataRequired("Enter your position in the organisation"),
            Length(max=NAME_MAX_CHARS, message=f"Your position must be {NAME_MAX_CHARS} characters or fewer"),
        ],
    )
    confirm = BooleanField("", widget=GovCheckboxInput(), validators=[DataRequired(CONFIRM_MISSING)])
    submit = SubmitField("Accept the grant", widget=GovSubmitInput())

    def set_letter(self, *, organisation_name: str, version: int) -> None:
        """Name the letter being accepted in the confirmation (and, unless posted, in the hidden field)."""
        self.confirm.label.text = (
            f"I confirm that I have read the grant offer letter (version {version}), that I am authorised to "
            f"accept it on behalf of {organisation_name}, and that {organisation_name} accepts the grant on the "
            "terms in the letter"
        )
        if not self.letter_version.data:
            self.letter_version.data = str(version)

    def show_newer_letter(self, *, organisation_name: str, version: int) -> None:
        """A newer letter was issued: untick the confirmation (it named the old one) and point at the new one."""
        self.confirm.data = False
        self.letter_version.data = str(version)
        self.set_letter(organisation_name=organisation_name, version=version)

    def prefill(self, *, name: str, position: str) -> None:
        """The signatory the application named, as a starting point (on GET)."""
        self.name.data = self.name.data or name
        self.position.data = self.position.data or position


class DeclineForm(_LetterVersionForm):
    reason = TextAreaField(
        "Why is the organisation declining the grant?",
        description="The fund's staff read this. It helps them understand, and the money goes back to the fund.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Enter why the organisation is declining the grant"),
            Length(max=REASON_MAX_CHARS, message=f"The reason must be {REASON_MAX_CHARS:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Decline the grant", widget=GovSubmitInput())
