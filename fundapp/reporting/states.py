"""Monitoring report and export lifecycles as data, with the labels staff and grantees read."""

from __future__ import annotations

import enum
from datetime import date


class ReportStatus(enum.StrEnum):
    DUE = "due"  # scheduled; nothing saved yet
    DRAFT = "draft"  # the grantee has saved some of it
    SUBMITTED = "submitted"  # waiting for staff review
    CHANGES_REQUESTED = "changes_requested"  # staff sent it back with comments; the grantee edits and resubmits
    APPROVED = "approved"  # final: the tranche waiting on it is released


REPORT_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    ReportStatus.DUE: frozenset({ReportStatus.DRAFT}),
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.APPROVED, ReportStatus.CHANGES_REQUESTED}),
    ReportStatus.CHANGES_REQUESTED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.APPROVED: frozenset(),
}

# The grantee may change what the report says in these states.
EDITABLE = frozenset({ReportStatus.DUE, ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED})
# Still owed by the grantee: counted as due, or overdue once the due date has passed.
OUTSTANDING = EDITABLE


def is_overdue(status: ReportStatus, due_on: date, today: date) -> bool:
    """Still owed by the grantee and past its due date (queries.overdue_condition is the same rule in SQL)."""
    return status in OUTSTANDING and due_on < today


REPORT_STAFF_LABELS = {
    ReportStatus.DUE: "Not started",
    ReportStatus.DRAFT: "In progress",
    ReportStatus.SUBMITTED: "Waiting for review",
    ReportStatus.CHANGES_REQUESTED: "Changes requested",
    ReportStatus.APPROVED: "Approved",
}

REPORT_GRANTEE_LABELS = {
    ReportStatus.DUE: "Not started",
    ReportStatus.DRAFT: "In progress",
    ReportStatus.SUBMITTED: "Submitted",
    ReportStatus.CHANGES_REQUESTED: "Changes requested",
    ReportStatus.APPROVED: "Approved",
}

REPORT_TAG_CLASSES = {
    ReportStatus.DUE: "govuk-tag--grey",
    ReportStatus.DRAFT: "govuk-tag--light-blue",
    ReportStatus.SUBMITTED: "govuk-tag--blue",
    ReportStatus.CHANGES_REQUESTED: "govuk-tag--orange",
    ReportStatus.APPROVED: "govuk-tag--green",
}


class ReviewOutcome(enum.StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    THREESIXTYGIVING_JSON = "360giving-json"
    THREESIXTYGIVING_CSV = "360giving-csv"
    THREESIXTYGIVING_XLSX = "360giving-xlsx"


EXPORT_FORMAT_LABELS = {
    ExportFormat.CSV: "CSV (opens in Excel)",
    ExportFormat.XLSX: "Excel workbook (XLSX)",
    ExportFormat.THREESIXTYGIVING_JSON: "360Giving data package (JSON)",
    ExportFormat.THREESIXTYGIVING_CSV: "360Giving spreadsheet (CSV)",
    ExportFormat.THREESIXTYGIVING_XLSX: "360Giving spreadsheet (XLSX)",
}

EXPORT_EXTENSIONS = {
    ExportFormat.CSV: "csv",
    ExportFormat.XLSX: "xlsx",
    ExportFormat.THREESIXTYGIVING_JSON: "json",
    ExportFormat.THREESIXTYGIVING_CSV: "csv",
    ExportFormat.THREESIXTYGIVING_XLSX: "xlsx",
}

EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

THREESIXTYGIVING_FORMATS = frozenset(
    {ExportFormat.THREESIXTYGIVING_JSON, ExportFormat.THREESIXTYGIVING_CSV, ExportFormat.THREESIXTYGIVING_XLSX}
)


class ExportScope(enum.StrEnum):
    ROUND = "round"
    FUND = "fund"
    DATES = "dates"  # awards made between two dates, across every call the person may export


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    INVALID = "invalid"  # a 360Giving export that broke a data-quality rule: no file, a list of rows and reasons
    FAILED = "failed"  # something went wrong while writing it


EXPORT_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    ExportStatus.QUEUED: frozenset({ExportStatus.RUNNING, ExportStatus.FAILED}),
    ExportStatus.RUNNING: frozenset({ExportStatus.DONE, ExportStatus.INVALID, ExportStatus.FAILED}),
    ExportStatus.DONE: frozenset(),
    ExportStatus.INVALID: frozenset(),
    ExportStatus.FAILED: frozenset(),
}

EXPORT_STATUS_LABELS = {
    ExportStatus.QUEUED: "Waiting to start",
    ExportStatus.RUNNING: "Being prepared",
    ExportStatus.DONE: "Ready to download",
    ExportStatus.INVALID: "Not valid 360Giving data",
    ExportStatus.FAILED: "Failed",
}
