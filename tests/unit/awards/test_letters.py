"""The letter's amount in words and its reporting dates."""

from __future__ import annotations

from datetime import date

import pytest

from fundapp.awards.letters import amount_in_words, reporting_dates
from fundapp.programmes.monitoring import DEFAULT_REPORTS, DueRule, ReportKind, ReportRule


@pytest.mark.parametrize(
    ("pence", "words"),
    [
        (100, "One pound"),
        (2_000_000, "Twenty thousand pounds"),
        (2_500_050, "Twenty-five thousand pounds and fifty pence"),
        (1_234_501, "Twelve thousand, three hundred and forty-five pounds and one pence"),
        (99, "Zero pounds and ninety-nine pence"),
    ],
)
def test_amounts_are_written_in_british_english_words(pence: int, words: str) -> None:
    assert amount_in_words(pence) == words


def test_reports_fall_due_at_the_mid_point_and_eight_weeks_after_the_end() -> None:
    rows = reporting_dates(date(2027, 4, 1), date(2028, 3, 31), DEFAULT_REPORTS)
    assert [(r.label, r.due_text) for r in rows] == [
        ("Interim report", "30 September 2027"),
        ("Final report", "26 May 2028"),
    ]


def test_no_reporting_dates_without_project_dates() -> None:
    assert reporting_dates(None, date(2028, 3, 31), DEFAULT_REPORTS) == ()
    assert reporting_dates(date(2027, 4, 1), None, DEFAULT_REPORTS) == ()


def test_the_letter_lists_the_reports_the_call_asks_for() -> None:
    rules = (ReportRule(ReportKind.FINAL, "End of grant report", DueRule.AFTER_END, 4),)
    rows = reporting_dates(date(2027, 4, 1), date(2028, 3, 31), rules)
    assert [(r.label, r.due_text) for r in rows] == [("End of grant report", "28 April 2028")]
