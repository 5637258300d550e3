"""Forms for reviewing a submitted report: approving it (comments optional) or sending it back (comments required).

Both sit on the report's page, so each has its own prefix (field ids approve-comments and changes-comments). The
service checks the comments (required to send a report back; at most COMMENTS_MAX_CHARS) and names the field, so the
page shows its message at the comments box with what was typed kept.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovSelect, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms import Form as UnprotectedForm
from wtforms.fields.choices import SelectChoice

from fundapp.core.forms import Form
from fundapp.reporting.states import REPORT_STAFF_LABELS, ReportStatus

APPROVE_PREFIX = "approve"
CHANGES_PREFIX = "changes"


class ApproveReportForm(Form):
    comments = TextAreaField(
        "Comments for the grantee (optional)",
        description="They are included in the email telling the grantee the report is approved.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Approve report", widget=GovSubmitInput())


class RequestChangesForm(Form):
    comments = TextAreaField(
        "What does the grantee need to change?",
        description="Be specific: the grantee reads this, edits the report and submits it again.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Request changes", widget=GovSubmitInput())


def approve_form(*, posted: bool = False) -> ApproveReportForm:
    """The approve form, filled from the request when posted (else blank)."""
    return (
        ApproveReportForm(prefix=APPROVE_PREFIX) if posted else ApproveReportForm(formdata=None, prefix=APPROVE_PREFIX)
    )


def changes_form(*, posted: bool = False) -> RequestChangesForm:
    """The request-changes form, filled from the request when posted (else blank)."""
    return (
        RequestChangesForm(prefix=CHANGES_PREFIX)
        if posted
        else RequestChangesForm(formdata=None, prefix=CHANGES_PREFIX)
    )


# --- which of a call's reports to list (a GET form: it changes nothing, so it has no CSRF token) -----------------

OVERDUE_ON = "y"


class ReportFiltersForm(UnprotectedForm):
    """Filter a call's reports by status, or to those overdue. A value that is not in the list is ignored."""

    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            *(SelectChoice(s.value, REPORT_STAFF_LABELS[s]) for s in ReportStatus),
        ],
        validate_choice=False,
        widget=GovSelect(),
    )
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput(), false_values=())

    def __init__(self, formdata: MultiDict[str, str]) -> None:
        super().__init__(formdata)
        # Ignore what is not on offer, so the form shows what is applied.
        if self.status.data not in {s.value for s in ReportStatus}:
            self.status.data = ""
        self.overdue.data = formdata.get("overdue") == OVERDUE_ON
        self.overdue.raw_data = [OVERDUE_ON] if self.overdue.data else []

    def statuses(self) -> list[ReportStatus] | None:
        """The status to show (None: any)."""
        return [ReportStatus(self.status.data)] if self.status.data else None

    @property
    def active(self) -> bool:
        return bool(self.status.data) or bool(self.overdue.data)

    def describe(self) -> dict[str, str]:
        """The filters as URL parameters."""
        return {
            k: v
            for k, v in {"status": self.status.data, "overdue": OVERDUE_ON if self.overdue.data else ""}.items()
            if v
        }
