"""Time: stored in UTC, shown and typed in Europe/London."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the only clock the app reads)."""
    return datetime.now(UTC)


def to_london(value: datetime) -> datetime:
    """Convert an aware datetime to Europe/London for display."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(LONDON)


def london_today() -> date:
    """Today's date in London (what "today" means on a page, a due date or a file name)."""
    return to_london(utcnow()).date()


def london_to_utc(day: date, at: time) -> datetime:
    """Interpret a date and wall-clock time typed in London (GMT or BST) as a UTC instant."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def format_time(value: time | datetime) -> str:
    """'5:00pm', 'midday' or 'midnight', the GOV.UK style (a datetime is shown as its own wall-clock time)."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}"


def format_datetime(value: datetime | None) -> str:
    """'3 March 2026 at 5:00pm' in London time, the GOV.UK style."""
    if value is None:
        return ""
    local = to_london(value)
    return f"{local.day} {local.strftime('%B %Y')} at {format_time(local)}"


def format_date(value: date | datetime | None) -> str:
    """'3 March 2026' (a datetime is converted to its London date first)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value.strftime('%B %Y')}"


# --- reading dates and times that people type ----------------------------------------------------------

_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_MONTHS = "january february march april may june july august september october november december".split()
# 'March', 'mar' and 'sept' as well as '3': GOV.UK date inputs accept month names.
_MONTH_NAMES = {
    **{name: number for number, name in enumerate(_MONTHS, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTHS, start=1)},
    "sept": 9,
}
_WORD_TIMES = {"midday": time(12, 0), "noon": time(12, 0), "midnight": time(0, 0)}


def parse_time_of_day(text: str) -> time:
    """Read a wall-clock time as people type it: '9am', '9:30am', '5.30 pm', '17:30', 'midday', 'midnight'.

    Raises ValueError for anything else (including '13pm' and '24:00').
    """
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _WORD_TIMES:
        return _WORD_TIMES[cleaned]
    match = _TIME_RE.match(cleaned)
    if match is None:
        raise ValueError(text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        raise ValueError(text)  # a bare '5' could be 5am or 5pm: ask for the minutes or am/pm
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return time(hour, minute)


def parse_date_parts(day: str, month: str, year: str, *, noun: str) -> date:
    """A date from the day, month and year boxes of the GOV.UK date input, with GOV.UK error messages.

    `noun` names the date in messages ("the opening date"). Months may be numbers or names ('3', 'Mar',
    'March'). Raises ValueError with a message fit to show at the field.
    """
    parts = {"day": day.strip(), "month": month.strip().lower(), "year": year.strip()}
    subject = noun[:1].upper() + noun[1:]
    if not any(parts.values()):
        raise ValueError(f"Enter {noun}")
    missing = [name for name, value in parts.items() if not value]
    if missing:
        raise ValueError(f"{subject} must include a {' and '.join(missing)}")
    month_number = _MONTH_NAMES.get(parts["month"]) or (int(parts["month"]) if parts["month"].isdigit() else 0)
    if not parts["day"].isdigit() or not month_number:
        raise ValueError(f"{subject} must be a real date")
    if not (parts["year"].isdigit() and len(parts["year"]) == 4):
        raise ValueError("Year must include 4 numbers")
    try:
        return date(int(parts["year"]), month_number, int(parts["day"]))
    except (ValueError, OverflowError):  # a day like 99999999999999999999 overflows rather than being invalid
        raise ValueError(f"{subject} must be a real date") from None
