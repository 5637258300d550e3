"""Counts in words, as pages, emails and the terminal say them: "1 letter", "3 letters", "2 awards wait"."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """The count and the noun, singular for 1; the plural is noun + "s" unless given."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
