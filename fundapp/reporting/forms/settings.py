"""The form for a call's monitoring settings: the metrics grantees report (a name, a hint and the application question
holding each one's target) as rows, blank rows ignored, and the reports each award owes (an interim report at the
project's mid-point or none, and a final report some weeks after it ends).

Each row's shape is checked here, at its fields, numbered as the page shows them; the service checks the settings
as a whole (programmes.monitoring.metric_problems and report_problems) and the page lists what it finds at the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import wtforms
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from fundapp.core.forms import Form
from fundapp.programmes.monitoring import (
    LABEL_MAX_CHARS,
    MAX_METRICS,
    DueRule,
    Metric,
    ReportKind,
    ReportRule,
    metric_key,
)

HINT_MAX_CHARS = 250
BLANK_ROWS = 2  # rows offered beyond those the call has, up to MAX_METRICS
MAX_WEEKS = 52
NO_INTERIM = "none"
MIDPOINT = "midpoint"
NO_TARGET = ""


class MetricRowForm(wtforms.Form):
    """One metric (a sub-form: the page's form carries the CSRF token)."""

    label = StringField("Name", widget=GovTextInput())
    hint = StringField("Hint for grantees (optional)", widget=GovTextInput())
    target_question = SelectField("Target", widget=GovSelect(), validate_choice=False)

    @property
    def blank(self) -> bool:
        return (
            not (self.label.data or "").strip() and not (self.hint.data or "").strip() and not self.target_question.data
        )


class MonitoringForm(Form):
    metrics = FieldList(FormField(MetricRowForm), min_entries=0, max_entries=MAX_METRICS)
    interim = RadioField(
        "Interim report",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(MIDPOINT, "One interim report, due at the project's mid-point"),
            SelectChoice(NO_INTERIM, "No interim report"),
        ],
        validate_choice=False,
    )
    final_weeks = StringField(
        "When is the final report due?",
        description=f"Weeks after the project ends, from 0 to {MAX_WEEKS}",
        widget=GovTextInput(),
    )
    submit = SubmitField("Save monitoring settings", widget=GovSubmitInput())

    def offer_targets(self, questions: Sequence[tuple[str, str]]) -> None:
        """Offer these (key, label) application questions as targets in every row (and pad the rows when the page
        is first shown: the call's metrics and BLANK_ROWS more, up to MAX_METRICS)."""
        choices = [SelectChoice(NO_TARGET, "No target"), *(SelectChoice(key, label) for key, label in questions)]
        for entry in self.metrics:
            entry.form.target_question.choices = list(choices)

    def pad(self, rows: int) -> None:
        while len(self.metrics) < min(rows, MAX_METRICS):
            self.metrics.append_entry()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        seen: dict[str, int] = {}
        for number, entry in enumerate(self.metrics, start=1):
            row = entry.form
            if row.blank:
                continue
            _check_metric_row(row, number, seen)
            valid = valid and not (row.label.errors or row.hint.errors or row.target_question.errors)
        entry_errors = [entry.errors for entry in self.metrics]
        self.metrics.errors = entry_errors if any(entry_errors) else []
        if self.interim.data not in (MIDPOINT, NO_INTERIM):
            self.interim.errors = [*self.interim.errors, "Select whether grantees send an interim report"]
        weeks = (self.final_weeks.data or "").strip()
        if not weeks.isdigit() or int(weeks) > MAX_WEEKS:
            self.final_weeks.errors = [
                *self.final_weeks.errors,
                f"Enter the number of weeks as a whole number from 0 to {MAX_WEEKS}, like 8",
            ]
        return valid and not self.interim.errors and not self.final_weeks.errors

    def metric_list(self, existing: Sequence[Metric]) -> list[Metric]:
        """The rows filled in, as Metrics (once validated). A metric keeps its key while its name is unchanged."""
        keys = {metric.label: metric.key for metric in existing}
        metrics = []
        for row in (entry.form for entry in self.metrics):
            if row.blank:
                continue
            label = row.label.data.strip()
            metrics.append(
                Metric(
                    key=keys.get(label) or metric_key(label),
                    label=label,
                    hint=(row.hint.data or "").strip(),
                    target_question=row.target_question.data or "",
                )
            )
        return metrics

    def report_list(self, existing: Sequence[ReportRule]) -> list[ReportRule]:
        """The reports each award owes (once validated), keeping the names the call gave them."""
        names = {rule.kind: rule.label for rule in reversed(existing)}
        rules = []
        if self.interim.data == MIDPOINT:
            rules.append(
                ReportRule(ReportKind.INTERIM, names.get(ReportKind.INTERIM, "Interim report"), DueRule.MIDPOINT)
            )
        weeks = int(self.final_weeks.data.strip())
        rules.append(
            ReportRule(ReportKind.FINAL, names.get(ReportKind.FINAL, "Final report"), DueRule.AFTER_END, weeks)
        )
        return rules


def _check_metric_row(row: MetricRowForm, number: int, seen: dict[str, int]) -> None:
    label = (row.label.data or "").strip()
    if not label:
        row.label.errors = [*row.label.errors, f"Enter a name for metric {number}"]
    elif len(label) > LABEL_MAX_CHARS:
        row.label.errors = [
            *row.label.errors,
            f"The name of metric {number} must be {LABEL_MAX_CHARS} characters or fewer",
        ]
    elif not any(c.isalpha() for c in label):
        row.label.errors = [
            *row.label.errors,
            f"The name of metric {number} must include a word, like Londoners reached",
        ]
    elif metric_key(label) in seen:
        row.label.errors = [
            *row.label.errors,
            f"Metric {number} has the same name as metric {seen[metric_key(label)]}: give each metric its own name",
        ]
    else:
        seen[metric_key(label)] = number
    if len((row.hint.data or "").strip()) > HINT_MAX_CHARS:
        row.hint.errors = [
            *row.hint.errors,
            f"The hint for metric {number} must be {HINT_MAX_CHARS} characters or fewer",
        ]
    if (row.target_question.data or NO_TARGET) not in {choice.value for choice in row.target_question.choices}:
        row.target_question.errors = [
            *row.target_question.errors,
            f"Choose the target of metric {number} from the list",
        ]


def monitoring_data(metrics: Sequence[Metric], reports: Sequence[ReportRule]) -> dict[str, Any]:
    """The form's data for the call's current settings."""
    final = next((rule for rule in reports if rule.kind == ReportKind.FINAL), None)
    return {
        "metrics": [{"label": m.label, "hint": m.hint, "target_question": m.target_question} for m in metrics],
        "interim": MIDPOINT if any(rule.kind == ReportKind.INTERIM for rule in reports) else NO_INTERIM,
        "final_weeks": str(final.weeks) if final is not None and final.due == DueRule.AFTER_END else "8",
    }
