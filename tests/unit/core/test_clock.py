"""Time is stored in UTC and typed and shown in Europe/London (GMT in winter, BST in summer)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from fundapp.core.clock import format_date, format_datetime, london_to_utc, to_london, utcnow


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_london_time_in_winter_is_utc() -> None:
    assert london_to_utc(date(2026, 1, 15), time(9, 0)) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_london_time_in_summer_is_an_hour_ahead_of_utc() -> None:
    assert london_to_utc(date(2026, 7, 15), time(9, 0)) == datetime(2026, 7, 15, 8, 0, tzinfo=UTC)


def test_london_to_utc_across_the_spring_change() -> None:
    # Clocks go forward at 01:00 GMT on 29 March 2026.
    assert london_to_utc(date(2026, 3, 29), time(0, 30)) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert london_to_utc(date(2026, 3, 29), time(2, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_london_to_utc_across_the_autumn_change() -> None:
    # Clocks go back at 02:00 BST on 25 October 2026.
    assert london_to_utc(date(2026, 10, 24), time(17, 0)) == datetime(2026, 10, 24, 16, 0, tzinfo=UTC)
    assert london_to_utc(date(2026, 10, 26), time(17, 0)) == datetime(2026, 10, 26, 17, 0, tzinfo=UTC)


def test_a_deadline_typed_in_london_is_shown_back_unchanged() -> None:
    deadline = london_to_utc(date(2026, 6, 1), time(17, 0))
    assert format_datetime(deadline) == "1 June 2026 at 5:00pm"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2026, 3, 3, 17, 0, tzinfo=UTC), "3 March 2026 at 5:00pm"),
        (datetime(2026, 1, 5, 12, 0, tzinfo=UTC), "5 January 2026 at midday"),
        (datetime(2026, 7, 1, 11, 0, tzinfo=UTC), "1 July 2026 at midday"),  # BST
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "1 January 2026 at midnight"),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "1 July 2026 at midnight"),  # BST: the next London day
        (datetime(2026, 1, 5, 9, 5, tzinfo=UTC), "5 January 2026 at 9:05am"),
        (datetime(2026, 1, 5, 12, 30, tzinfo=UTC), "5 January 2026 at 12:30pm"),
        (datetime(2026, 1, 5, 0, 30, tzinfo=UTC), "5 January 2026 at 12:30am"),
        (datetime(2026, 1, 5, 23, 59, tzinfo=UTC), "5 January 2026 at 11:59pm"),
    ],
)
def test_format_datetime_uses_gov_uk_style_in_london_time(value: datetime, shown: str) -> None:
    assert format_datetime(value) == shown


def test_format_datetime_of_nothing_is_empty() -> None:
    assert format_datetime(None) == ""


def test_naive_datetimes_are_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_london(datetime(2026, 1, 1, 12, 0))


def test_format_date_shows_the_london_date() -> None:
    assert format_date(date(2026, 3, 3)) == "3 March 2026"
    assert format_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert format_date(None) == ""
