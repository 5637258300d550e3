"""Round lifecycle as data, question types, and the scales criteria may use."""

from __future__ import annotations

import enum


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ASSESSING = "assessing"
    DECIDED = "decided"
    ARCHIVED = "archived"


ROUND_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.ASSESSING, RoundStatus.OPEN}),
    RoundStatus.ASSESSING: frozenset({RoundStatus.DECIDED}),
    RoundStatus.DECIDED: frozenset({RoundStatus.ARCHIVED}),
    RoundStatus.ARCHIVED: frozenset(),
}

ROUND_STAFF_LABELS = {
    RoundStatus.DRAFT: "Draft",
    RoundStatus.OPEN: "Open for applications",
    RoundStatus.CLOSED: "Closed",
    RoundStatus.ASSESSING: "Assessing",
    RoundStatus.DECIDED: "Decided",
    RoundStatus.ARCHIVED: "Archived",
}

ROUND_PUBLIC_LABELS = {
    RoundStatus.DRAFT: "Coming soon",
    RoundStatus.OPEN: "Open",
    RoundStatus.CLOSED: "Closed",
    RoundStatus.ASSESSING: "Closed",
    RoundStatus.DECIDED: "Closed",
    RoundStatus.ARCHIVED: "Closed",
}


class QuestionType(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    THEMES = "themes"
    BOROUGHS = "boroughs"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    FILE = "file"
    BUDGET_TABLE = "budget_table"
    ORGANISATION_PROFILE = "organisation_profile"


# (lowest, highest) points on a criterion's scale.
ALLOWED_SCALES = frozenset({(0, 3), (0, 4), (1, 5), (0, 5)})
