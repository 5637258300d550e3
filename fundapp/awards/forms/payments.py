"""Forms for finance's payments: recording an approved payment as paid (the bank's reference and the date) or as
failed (why). The form asks only for what the chosen outcome needs and shows every problem at once; the services
re-check and add the rules about dates (not in the future, not before the payment was due)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from fundapp.awards.services import PAYMENT_REFERENCE_MAX_CHARS, REASON_MAX_CHARS
from fundapp.core.forms import DateInputField, Form

PAID = "paid"
FAILED = "failed"


class RecordPaymentForm(Form):
    outcome = RadioField(
        "Was the payment made?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(PAID, "Paid: the money has left our account"),
            SelectChoice(FAILED, "Failed: the bank returned or refused it"),
        ],
        validators=[InputRequired("Select whether the payment was made or failed")],
        validate_choice=False,
    )
    reference = StringField(
        "Payment reference",
        description="The reference on the bank's record of the payment, for example BACS-2026-00123",
        widget=GovTextInput(),
        validators=[
            Length(
                max=PAYMENT_REFERENCE_MAX_CHARS,
                message=f"The payment reference must be {PAYMENT_REFERENCE_MAX_CHARS} characters or fewer",
            )
        ],
    )
    paid_on = DateInputField("Date paid", noun="the date paid", required=False, description="For example, 27 3 2026")
    reason = TextAreaField(
        "Why did the payment fail?",
        description="For example, the account name did not match. Someone approves the payment again once it is fixed.",
        widget=GovCharacterCount(),
        validators=[
            Length(max=REASON_MAX_CHARS, message=f"The reason must be {REASON_MAX_CHARS:,} characters or fewer")
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields the chosen outcome needs; the other outcome's fields are ignored."""
        super().validate(extra_validators=extra_validators)
        if self.outcome.data == PAID:
            self.reason.errors = []
            if not (self.reference.data or "").strip() and not self.reference.errors:
                self.reference.errors = ["Enter the payment reference"]
            if self.paid_on.data is None and not self.paid_on.errors:
                self.paid_on.errors = ["Enter the date paid"]
        elif self.outcome.data == FAILED:
            self.reference.errors = []
            self.paid_on.errors = []
            if not (self.reason.data or "").strip() and not self.reason.errors:
                self.reason.errors = ["Enter why the payment failed"]
        elif not self.outcome.errors:
            self.outcome.errors = ["Select whether the payment was made or failed"]
        return not any(field.errors for field in self)

    @property
    def paid(self) -> bool:
        return self.outcome.data == PAID
