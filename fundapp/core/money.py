"""Money is integer pence everywhere; this module parses what people type and formats for people."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_MONEY_RE = re.compile(r"^\d+(\.\d{1,2})?$")


class MoneyParseError(ValueError):
    """The text is not an amount of money in pounds and pence."""


def parse_pounds(text: str) -> int:
    """Parse '£1,250', '1250.50' or ' 1 250 ' into pence; reject negatives, fractions of a penny and words."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if cleaned.upper().endswith("GBP"):
        cleaned = cleaned[:-3]
    if not _MONEY_RE.match(cleaned):
        raise MoneyParseError(text)
    try:
        pounds = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees a number
        raise MoneyParseError(text) from exc
    return int(pounds * 100)


def format_pence(pence: int | None, *, show_pence: bool | None = None) -> str:
    """'£12,500' or '£12,500.50' (pence shown only when there are some, unless forced)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    if show_pence or (show_pence is None and rem):
        return f"{sign}£{pounds:,}.{rem:02d}"
    return f"{sign}£{pounds:,}"


def pounds_number(pence: int) -> str:
    """An amount as a plain number of pounds with pence ('12500.00'), which spreadsheets read as a number."""
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def pence_to_input(pence: int | None) -> str:
    """How an amount is shown back in an input box: '12500' or '12500.50'."""
    if pence is None:
        return ""
    pounds, rem = divmod(pence, 100)
    return f"{pounds}.{rem:02d}" if rem else str(pounds)
