"""A report is overdue while the grantee still owes it and its due date has passed."""

from __future__ import annotations

from datetime import date

import pytest

from fundapp.reporting.states import ReportStatus, is_overdue

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("status", "due_on", "overdue"),
    [
        (ReportStatus.DUE, date(2026, 11, 21), True),
        (ReportStatus.DRAFT, date(2026, 11, 21), True),
        (ReportStatus.CHANGES_REQUESTED, date(2026, 11, 1), True),
        (ReportStatus.DUE, TODAY, False),  # due today is not yet overdue
        (ReportStatus.SUBMITTED, date(2026, 11, 1), False),
        (ReportStatus.APPROVED, date(2026, 11, 1), False),
    ],
)
def test_a_report_is_overdue_only_while_owed_and_past_its_due_date(
    status: ReportStatus, due_on: date, overdue: bool
) -> None:
    assert is_overdue(status, due_on, TODAY) is overdue
