"""The form asking for a finance export: what to export (a call, a fund, or the awards made between two days) and
in which format. The form checks its shape and shows every problem at once; the service re-checks what the person
may export and that the dates are the right way round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from fundapp.core.forms import DateInputField, Form
from fundapp.programmes.models import Fund, Round
from fundapp.reporting.states import EXPORT_FORMAT_LABELS, ExportFormat, ExportScope

SCOPE_LABELS = {
    ExportScope.ROUND: "The awards of one call",
    ExportScope.FUND: "The awards of every call in a fund",
    ExportScope.DATES: "Awards made between two dates",
}
SCOPE_HINTS = {
    ExportScope.ROUND: "",
    ExportScope.FUND: "",
    ExportScope.DATES: "Across every call you can export. An award is made on the day it was decided.",
}
FORMAT_HINTS = {
    ExportFormat.CSV: "One row per award. Opens in Excel, LibreOffice or Google Sheets; amounts are plain numbers.",
    ExportFormat.XLSX: "The same rows as a workbook, with amounts formatted as money and dates as dates.",
    ExportFormat.THREESIXTYGIVING_JSON: (
        "To publish on 360Giving. Only accepted, active and completed grants are included, and the file is checked "
        "against the 360Giving standard: if a grant breaks a rule you get a list of what to fix instead of a file."
    ),
    ExportFormat.THREESIXTYGIVING_CSV: "The 360Giving data as a spreadsheet with the standard's column titles, checked "
    "the same way.",
    ExportFormat.THREESIXTYGIVING_XLSX: "The 360Giving spreadsheet as an Excel workbook, checked the same way.",
}

DATE_FIELDS = ("date_from", "date_to")


class ExportForm(Form):
    scope = RadioField(
        "What do you want to export?",
        widget=GovRadioInput(),
        choices=[SelectChoice(scope.value, SCOPE_LABELS[scope]) for scope in ExportScope],
        validate_choice=False,
    )
    round_id = SelectField("Call", widget=GovSelect(), validate_choice=False)
    fund_id = SelectField("Fund", widget=GovSelect(), validate_choice=False)
    date_from = DateInputField("From", noun="the first day", required=False, description="For example, 1 4 2026")
    date_to = DateInputField(
        "To", noun="the last day", required=False, description="For example, 31 3 2027. Awards made on this day count."
    )
    export_format = RadioField(
        "Format",
        widget=GovRadioInput(),
        choices=[SelectChoice(f.value, EXPORT_FORMAT_LABELS[f]) for f in ExportFormat],
        validate_choice=False,
    )
    submit = SubmitField("Export", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """Check what the chosen scope needs (the other scopes' fields are ignored) and the format."""
        super().validate(extra_validators=extra_validators)
        scope = self.scope.data
        needs = {ExportScope.ROUND: ("round_id",), ExportScope.FUND: ("fund_id",), ExportScope.DATES: DATE_FIELDS}
        for name in ("round_id", "fund_id", *DATE_FIELDS):
            if name not in needs.get(scope, ()):
                self[name].errors = []
        if scope not in {choice.value for choice in self.scope.choices}:  # type: ignore[union-attr]
            self.scope.errors = ["Select what you want to export"]
        elif scope == ExportScope.ROUND and self.chosen_round_id is None:
            self.round_id.errors = ["Select the call to export"]
        elif scope == ExportScope.FUND and self.chosen_fund_id is None:
            self.fund_id.errors = ["Select the fund to export"]
        elif scope == ExportScope.DATES:
            self._check_dates()
        if self.export_format.data not in {f.value for f in ExportFormat}:
            self.export_format.errors = ["Select a format"]
        return not any(field.errors for field in self)

    def _check_dates(self) -> None:
        for field in (self.date_from, self.date_to):
            if field.data is None and not field.errors:
                field.errors = [f"Enter {field.noun}"]  # type: ignore[attr-defined]

    @staticmethod
    def _chosen(field: SelectField) -> int | None:
        allowed = {choice.value for choice in field.choices if choice.value}  # type: ignore[union-attr]
        return int(field.data) if field.data in allowed else None

    @property
    def chosen_round_id(self) -> int | None:
        return self._chosen(self.round_id)

    @property
    def chosen_fund_id(self) -> int | None:
        return self._chosen(self.fund_id)


def export_form(rounds: Sequence[Round], funds: Sequence[Fund]) -> ExportForm:
    """The form with the calls and funds the person may export (the fund option only when there is one)."""
    form = ExportForm()
    form.round_id.choices = [
        SelectChoice("", "Choose a call"),
        *(SelectChoice(str(r.id), f"{r.name} ({r.code})") for r in rounds),
    ]
    form.fund_id.choices = [
        SelectChoice("", "Choose a fund"),
        *(SelectChoice(str(f.id), f"{f.name} ({f.code})") for f in funds),
    ]
    form.scope.choices = [
        SelectChoice(scope.value, SCOPE_LABELS[scope]) for scope in ExportScope if scope != ExportScope.FUND or funds
    ]
    return form
