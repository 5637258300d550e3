"""Forms for deciding a call: one application's decision, the bulk approval above the funding line, publishing.

The decision form checks the shape of what was typed (an outcome chosen, an amount that is money, text not too
long, feedback for a rejection) and shows every problem at once; services.approve_application and its siblings
re-check and add the rules that need the application and the budget (no more than requested, inside the tier,
within what is left), naming the field each problem belongs to.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import Field, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from fundapp.awards.services import CONDITIONS_MAX_CHARS, FEEDBACK_MAX_CHARS, REASON_MAX_CHARS
from fundapp.awards.states import Outcome
from fundapp.core.forms import Form, PoundsField

OUTCOME_CHOICES = {
    Outcome.APPROVED: "Approve",
    Outcome.REJECTED: "Reject",
    Outcome.RESERVE: "Put it on the reserve list",
}
OUTCOME_HINTS = {
    Outcome.APPROVED: "Award a grant: the amount is committed against the call's budget straight away.",
    Outcome.REJECTED: "The applicant reads your feedback once the call's outcomes are published.",
    Outcome.RESERVE: "Fund it later if money comes back (an offer is declined, say).",
}
MAX_CHARS = {"conditions": CONDITIONS_MAX_CHARS, "feedback": FEEDBACK_MAX_CHARS, "reason": REASON_MAX_CHARS}
NOUNS = {"conditions": "The conditions", "feedback": "The feedback", "reason": "The reason"}


def _too_long(field: Field, name: str) -> None:
    if len((field.data or "").strip()) > MAX_CHARS[name]:
        field.errors = [*field.errors, f"{NOUNS[name]} must be {MAX_CHARS[name]:,} characters or fewer"]


class DecisionForm(Form):
    """Approve (amount, conditions), reject (feedback) or reserve (feedback optional), with a reason for the record.

    `outcomes` are the outcomes this application can have now (the reserve list only while it is moderated).
    """

    outcome = RadioField("What is your decision?", validate_choice=False, widget=GovRadioInput())
    amount = PoundsField(
        "Amount to award",
        description="If you approve: no more than the amount asked for, and inside the application's tier",
        invalid="Enter the amount as an amount in pounds, like £20,000",
    )
    conditions = TextAreaField(
        "Conditions of the grant (optional)",
        description="If you approve: anything the organisation must do before the first payment, or as part of the "
        "project. They appear in the offer letter, and due diligence checks they are met.",
        widget=GovCharacterCount(),
    )
    feedback = TextAreaField(
        "Feedback for the applicant",
        description="The applicant reads this once the outcomes are published. You must give feedback when you "
        "reject an application; it is optional for the reserve list and not sent with an approval.",
        widget=GovCharacterCount(),
    )
    reason = TextAreaField(
        "Reason for the record (optional)",
        description="Why you decided this. Only staff see it; it is kept with the decision and in the audit log.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def __init__(self, *args: Any, outcomes: tuple[Outcome, ...] = tuple(Outcome), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        self.outcome.choices = [SelectChoice(o.value, OUTCOME_CHOICES[o]) for o in outcomes]

    @property
    def chosen(self) -> Outcome | None:
        """The outcome chosen, if it is one this application can have."""
        return next((o for o in self.outcomes if o.value == self.outcome.data), None)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        chosen = self.chosen
        if chosen is None:
            self.outcome.errors = [*self.outcome.errors, self._choose_message()]
        elif chosen == Outcome.APPROVED and not self.amount.errors and self.amount.pence is None:
            self.amount.errors = [*self.amount.errors, "Enter the amount to award"]
        elif chosen == Outcome.REJECTED and not (self.feedback.data or "").strip():
            self.feedback.errors = [*self.feedback.errors, "Enter feedback for the applicant: they will read it"]
        if chosen != Outcome.APPROVED:
            self.amount.errors = []  # what is typed in a hidden box does not count
        for name, used in (("conditions", chosen == Outcome.APPROVED), ("feedback", chosen != Outcome.APPROVED)):
            if used:
                _too_long(self[name], name)
        _too_long(self.reason, "reason")
        return valid and not any(self[name].errors for name in ("outcome", "amount", *MAX_CHARS))

    def _choose_message(self) -> str:
        if Outcome.RESERVE in self.outcomes:
            return "Select whether to approve, reject or put the application on the reserve list"
        return "Select whether to approve or reject the application"


class BulkApprovalForm(Form):
    """Confirm approving the applications listed: the fingerprint says which list the person saw."""

    fingerprint = HiddenField()
    reason = TextAreaField(
        "Reason for the record (optional)",
        description="Kept with each decision. If you leave it blank we record “Above the funding line: approved at "
        "the amount requested”.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Approve", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        _too_long(self.reason, "reason")
        return valid and not self.reason.errors


class WithdrawDecisionForm(Form):
    """Take a decision back before the outcomes are published: why (kept in the audit log)."""

    reason = TextAreaField(
        "Why are you changing this decision?",
        description="For example, the wrong application was approved. This is kept in the record.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Take back this decision", widget=GovSubmitInput())
