"""The form asking for a finance export: what to export (a call, a fund, or the awards made between two days) and
in which format. The form checks its shape and shows every problem at once; the service re-checks what the person
may export and that the dates are the right way round.

What to export is one list of radios naming each call and each fund the person may export, then "Awards made between
two dates"; the two dates are separate questions below it, whose hints say they are only for that choice. (No
conditional reveal: GOV.UK Frontend's puts aria-expanded on the radio inputs, which is not allowed on a radio,
alphagov/govuk-frontend#979.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from fundapp.core.forms import DateInputField, Form
from fundapp.programmes.models import Fund, Round
from fundapp.reporting.states import EXPORT_FORMAT_LABELS, ExportFormat, ExportScope

DATES_LABEL = "Awards made between two dates"
DATES_HINT = "Across every call you can export. An award is made on the day it was decided."
ONLY_FOR_DATES = f"Only if you chose “{DATES_LABEL}”."
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
# The scope radio's values: "round-<id>", "fund-<id>" or "dates".
DATES_CHOICE = ExportScope.DATES.value


def round_choice(round_id: int) -> str:
    return f"{ExportScope.ROUND.value}-{round_id}"


def fund_choice(fund_id: int) -> str:
    return f"{ExportScope.FUND.value}-{fund_id}"


class ExportForm(Form):
    scope = RadioField("What do you want to export?", widget=GovRadioInput(), choices=[], validate_choice=False)
    date_from = DateInputField(
        "Awards made from", noun="the first day", required=False, description=f"{ONLY_FOR_DATES} For example, 1 4 2026"
    )
    date_to = DateInputField(
        "Awards made up to",
        noun="the last day",
        required=False,
        description=f"{ONLY_FOR_DATES} For example, 31 3 2027. Awards made on this day count.",
    )
    export_format = RadioField(
        "Format",
        widget=GovRadioInput(),
        choices=[SelectChoice(f.value, EXPORT_FORMAT_LABELS[f]) for f in ExportFormat],
        validate_choice=False,
    )
    submit = SubmitField("Export", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the choice of what to export, the dates when it is a date range (else they are ignored), the format."""
        super().validate(extra_validators=extra_validators)
        if self.chosen_scope != ExportScope.DATES:
            for name in DATE_FIELDS:
                self[name].errors = []
        if self.chosen_scope is None:
            self.scope.errors = ["Select what you want to export"]
        elif self.chosen_scope == ExportScope.DATES:
            self._check_dates()
        if self.export_format.data not in {f.value for f in ExportFormat}:
            self.export_format.errors = ["Select a format"]
        return not any(field.errors for field in self)

    def _check_dates(self) -> None:
        for field in (self.date_from, self.date_to):
            if field.data is None and not field.errors:
                field.errors = [f"Enter {field.noun}"]  # type: ignore[attr-defined]

    def _chosen(self) -> tuple[ExportScope, int | None] | None:
        """The scope and the call's or fund's id, if the choice is one on offer (None otherwise)."""
        offered = {choice.value for choice in self.scope.choices}  # type: ignore[union-attr]
        value = self.scope.data
        if value not in offered:
            return None
        if value == DATES_CHOICE:
            return ExportScope.DATES, None
        kind, _, number = str(value).partition("-")
        return ExportScope(kind), int(number)

    @property
    def chosen_scope(self) -> ExportScope | None:
        chosen = self._chosen()
        return chosen[0] if chosen else None

    @property
    def chosen_round_id(self) -> int | None:
        chosen = self._chosen()
        return chosen[1] if chosen and chosen[0] == ExportScope.ROUND else None

    @property
    def chosen_fund_id(self) -> int | None:
        chosen = self._chosen()
        return chosen[1] if chosen and chosen[0] == ExportScope.FUND else None


def export_form(rounds: Sequence[Round], funds: Sequence[Fund]) -> ExportForm:
    """The form offering each call and each fund the person may export, then a date range."""
    form = ExportForm()
    form.scope.choices = [
        *(SelectChoice(round_choice(r.id), f"{r.name} ({r.code})") for r in rounds),
        *(SelectChoice(fund_choice(f.id), f"Every call in {f.name} ({f.code})") for f in funds),
        SelectChoice(DATES_CHOICE, DATES_LABEL),
    ]
    return form
