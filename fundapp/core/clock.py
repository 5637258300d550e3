"""Time: stored in UTC, shown and typed in Europe/London."""

from __future__ import annotations

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


def london_to_utc(day: date, at: time) -> datetime:
    """Interpret a date and wall-clock time typed in London (GMT or BST) as a UTC instant."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def format_datetime(value: datetime | None) -> str:
    """'3 March 2026 at 5:00pm' in London time, the GOV.UK style."""
    if value is None:
        return ""
    local = to_london(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        clock = "midday"
    elif local.hour == 0 and local.minute == 0:
        clock = "midnight"
    else:
        clock = f"{hour}:{local.minute:02d}{suffix}"
    return f"{local.day} {local.strftime('%B %Y')} at {clock}"


def format_date(value: date | datetime | None) -> str:
    """'3 March 2026' (a datetime is converted to its London date first)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value.strftime('%B %Y')}"
