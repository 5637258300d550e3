"""Forms for an award's staff page: completing a due-diligence item, undoing one, issuing the letter.

The check form checks the shape of what was typed (text not too long, a register from the list); the service
re-checks and adds the rules that need the award (a number in the register's format, a note for an unregistered
group), naming the field each problem belongs to. Each item's form has its own prefix, so the page can hold one
form per item with unique field ids.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from fundapp.awards.services import NOTE_MAX_CHARS
from fundapp.awards.states import DUE_DILIGENCE_LABELS, REGISTER_LABELS, DueDiligenceItem, Register
from fundapp.core.forms import Form

NUMBER_MAX_CHARS = 20


class CheckForm(Form):
    """One due-diligence item done: a note, and for the registration item the register and the number."""

    note = TextAreaField("Note (optional)", widget=GovCharacterCount())
    register = RadioField("Which register did you check?", validate_choice=False, widget=GovRadioInput())
    registration_number = StringField("Registration number", widget=GovTextInput())
    submit = SubmitField("Mark as checked", widget=GovSubmitInput())

    def __init__(self, *args: Any, item: DueDiligenceItem, **kwargs: Any) -> None:
        super().__init__(*args, prefix=item.value, **kwargs)
        self.item = item
        self.label_text = DUE_DILIGENCE_LABELS[item]
        self.register.choices = [SelectChoice(r.value, REGISTER_LABELS[r]) for r in Register]
        if item == DueDiligenceItem.REGISTRATION:
            self.note.label.text = "Note (needed if the group is not registered)"
            self.note.description = "Say how you confirmed an unregistered group exists."

    @property
    def is_registration(self) -> bool:
        return self.item == DueDiligenceItem.REGISTRATION

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if len((self.note.data or "").strip()) > NOTE_MAX_CHARS:
            self.note.errors = [*self.note.errors, f"The note must be {NOTE_MAX_CHARS:,} characters or fewer"]
        if self.is_registration:
            if self.register.data not in {r.value for r in Register}:
                self.register.errors = [*self.register.errors, "Select the register you checked the number against"]
            if len((self.registration_number.data or "").strip()) > NUMBER_MAX_CHARS:
                self.registration_number.errors = [
                    *self.registration_number.errors,
                    f"The registration number must be {NUMBER_MAX_CHARS} characters or fewer",
                ]
        else:
            self.register.errors = []
            self.registration_number.errors = []
        return valid and not any(self[name].errors for name in ("note", "register", "registration_number"))


class UndoCheckForm(Form):
    """Mark an item as not done again (checked in error)."""

    submit = SubmitField("Undo", widget=GovSubmitInput())


class IssueLetterForm(Form):
    """Render and issue the offer letter (a new version when one was issued before)."""

    submit = SubmitField("Issue the offer letter", widget=GovSubmitInput())


class WithdrawAwardForm(Form):
    """Withdraw the offer: why (the organisation reads it)."""

    reason = TextAreaField(
        "Why is the offer being withdrawn?",
        description="The organisation will read this. For example, the offer was not accepted by its deadline.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Withdraw the offer", widget=GovSubmitInput())
