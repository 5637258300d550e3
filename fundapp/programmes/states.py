"""Round lifecycle as data, question types, and the scales criteria may use."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any


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


# What each point of a criterion's scale means when staff do not say: (score, label, description), best first.
# The keys are the scales a criterion may use, (lowest, highest), in the order staff are offered them.
DEFAULT_DESCRIPTORS: dict[tuple[int, int], tuple[tuple[int, str, str], ...]] = {
    (1, 5): (
        (5, "Strong", "Fully meets the criterion with clear, convincing evidence."),
        (4, "Good", "Meets the criterion well, with minor gaps."),
        (3, "Satisfactory", "Meets the criterion, but some parts are unclear or thin."),
        (2, "Partial", "Meets only part of the criterion; important gaps remain."),
        (1, "Poor", "Does not meet the criterion, or gives little or no evidence."),
    ),
    (0, 5): (
        (5, "Strong", "Fully meets the criterion with clear, convincing evidence."),
        (4, "Good", "Meets the criterion well, with minor gaps."),
        (3, "Satisfactory", "Meets the criterion, but some parts are unclear or thin."),
        (2, "Partial", "Meets only part of the criterion; important gaps remain."),
        (1, "Poor", "Barely meets the criterion; the evidence is weak."),
        (0, "No evidence", "Gives no evidence against the criterion."),
    ),
    (0, 4): (
        (4, "Strong", "Fully meets the criterion with clear, convincing evidence."),
        (3, "Good", "Meets the criterion well, with minor gaps."),
        (2, "Partial", "Meets only part of the criterion; important gaps remain."),
        (1, "Poor", "Barely meets the criterion; the evidence is weak."),
        (0, "No evidence", "Gives no evidence against the criterion."),
    ),
    (0, 3): (
        (3, "Strong", "Fully meets the criterion with clear, convincing evidence."),
        (2, "Satisfactory", "Meets the criterion, but with gaps or thin evidence."),
        (1, "Poor", "Barely meets the criterion; the evidence is weak."),
        (0, "No evidence", "Gives no evidence against the criterion."),
    ),
}

# (lowest, highest) points on a criterion's scale (the database's allowed_scale check says the same).
ALLOWED_SCALES = frozenset(DEFAULT_DESCRIPTORS)


def scale_label(low: int, high: int) -> str:
    """How a scale is written for people: '1 to 5'."""
    return f"{low} to {high}"


def call_phase(round_: Any, now: datetime) -> str:
    """'open' (applications accepted now), 'upcoming' (open, but its opening time is still ahead) or 'closed'.

    The server clock decides: a call whose closing time has passed is closed even before staff move it on.
    """
    if round_.status != RoundStatus.OPEN or round_.closes_at <= now:
        return "closed"
    return "upcoming" if round_.opens_at > now else "open"


class PaymentTrigger(enum.StrEnum):
    """What makes a tranche due."""

    ACCEPTANCE = "acceptance"
    INTERIM_REPORT = "interim_report"
    FINAL_REPORT = "final_report"


TRIGGER_LABELS = {
    PaymentTrigger.ACCEPTANCE: "On acceptance of the grant",
    PaymentTrigger.INTERIM_REPORT: "On approval of the interim report",
    PaymentTrigger.FINAL_REPORT: "On approval of the final report",
}
