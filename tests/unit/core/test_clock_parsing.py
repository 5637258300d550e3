"""Reading the dates and times people type: GOV.UK date input boxes and times like '9:30am' or '17:30'."""

from __future__ import annotations

from datetime import date, time

import pytest

from fundapp.core.clock import format_time, parse_date_parts, parse_time_of_day


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("9am", time(9, 0)),
        ("9:30am", time(9, 30)),
        ("5.30 pm", time(17, 30)),
        ("5 p.m.", time(17, 0)),
        ("17:30", time(17, 30)),
        ("09:05", time(9, 5)),
        ("0:00", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("Midday", time(12, 0)),
        ("noon", time(12, 0)),
        (" midnight ", time(0, 0)),
    ],
)
def test_times_are_read_as_people_type_them(typed: str, meant: time) -> None:
    assert parse_time_of_day(typed) == meant


@pytest.mark.parametrize("typed", ["", "5", "13pm", "0am", "24:00", "9:60", "9:5", "teatime", "9:30 in the morning"])
def test_times_that_are_not_real_or_are_ambiguous_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_time_of_day(typed)


@pytest.mark.parametrize("value", [time(0, 0), time(0, 30), time(9, 5), time(12, 0), time(12, 30), time(17, 0)])
def test_a_formatted_time_reads_back_as_the_same_time(value: time) -> None:
    assert parse_time_of_day(format_time(value)) == value


def test_format_time_uses_gov_uk_style() -> None:
    assert [format_time(t) for t in (time(12, 0), time(0, 0), time(9, 5), time(17, 30))] == [
        "midday",
        "midnight",
        "9:05am",
        "5:30pm",
    ]


@pytest.mark.parametrize(
    ("parts", "meant"),
    [
        (("2", "3", "2026"), date(2026, 3, 2)),
        ((" 02 ", "03", "2026"), date(2026, 3, 2)),
        (("2", "March", "2026"), date(2026, 3, 2)),
        (("2", "mar", "2026"), date(2026, 3, 2)),
        (("30", "Sept", "2026"), date(2026, 9, 30)),
        (("29", "2", "2028"), date(2028, 2, 29)),
    ],
)
def test_dates_are_read_from_the_three_boxes(parts: tuple[str, str, str], meant: date) -> None:
    assert parse_date_parts(*parts, noun="the opening date") == meant


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the opening date"),
        (("2", "", "2026"), "The opening date must include a month"),
        (("", "", "2026"), "The opening date must include a day and month"),
        (("2", "3", ""), "The opening date must include a year"),
        (("31", "2", "2026"), "The opening date must be a real date"),
        (("29", "2", "2026"), "The opening date must be a real date"),
        (("1", "13", "2026"), "The opening date must be a real date"),
        (("first", "3", "2026"), "The opening date must be a real date"),
        (("1", "3", "26"), "Year must include 4 numbers"),
    ],
)
def test_date_mistakes_get_gov_uk_messages(parts: tuple[str, str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date_parts(*parts, noun="the opening date")
    assert str(caught.value) == message


def test_a_day_too_big_for_the_computer_is_not_a_real_date_rather_than_a_crash() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date_parts("99999999999999999999", "3", "2026", noun="the assessment deadline")
    assert str(caught.value) == "The assessment deadline must be a real date"
