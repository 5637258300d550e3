"""Forms for finance's payments: recording an approved payment as paid (the bank's reference and the date) or as
failed (why). The form asks only for what the chosen outcome needs and shows every problem at once; the services
re-check and add the rules about dates (not in the future, not before the payment was due).

Each outcome's fields are questions of their own below the choice, their hints saying which outcome they are for (no
conditional reveal: GOV.UK Frontend's puts aria-expanded on radio inputs, which is not allowed on a radio,
alphagov/govuk-frontend#979)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from fundapp.awards.services import PAYMENT_REFERENCE_MAX_CHARS, REASON_MAX_CHARS
from fundapp.core.clock import london_today
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
        description="Only if it was paid. The reference on the bank's record of the payment, like BACS-2026-00123",
        widget=GovTextInput(),
        validators=[
            Length(
                max=PAYMENT_REFERENCE_MAX_CHARS,
                message=f"The payment reference must be {PAYMENT_REFERENCE_MAX_CHARS} characters or fewer",
            ),
            # The characters a bank payment (BACS or Faster Payments) reference may hold: a typo such as "#" or ":"
            # would not match the bank's record.
            Regexp(
                r"^[A-Za-z0-9 .&/-]*$",
                message="The payment reference must only include letters, numbers, spaces, hyphens, full stops, "
                "slashes and ampersands",
            ),
        ],
    )
    paid_on = DateInputField(
        "Date paid", noun="the date paid", required=False, description="Only if it was paid. For example, 27 3 2026"
    )
    reason = TextAreaField(
        "Why did the payment fail?",
        description=(
            "Only if it failed. For example, the account name did not match. Someone approves the payment again once "
            "it is fixed."
        ),
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
            elif self.paid_on.data is not None and self.paid_on.data > london_today():
                # The service refuses it too; saying so here shows it with the other problems, all at once.
                self.paid_on.errors = ["The date paid must be today or in the past"]
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
