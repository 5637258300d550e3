"""Assessment and moderation lifecycles as data, recommendations and kinds of connection, with their labels."""

from __future__ import annotations

import enum


class AssessmentStatus(enum.StrEnum):
    """One assessor's scorecard for one application."""

    ASSIGNED = "assigned"  # allocated; the assessor has not yet confirmed they have no conflict of interest
    IN_PROGRESS = "in_progress"  # no conflict confirmed; the scorecard is a draft
    SUBMITTED = "submitted"
    CONFLICTED = "conflicted"  # the assessor declared a conflict: removed, and never assigned to it again
    UNASSIGNED = "unassigned"  # a fund manager took it away; it may be assigned again


ASSESSMENT_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    AssessmentStatus.ASSIGNED: frozenset(
        {AssessmentStatus.IN_PROGRESS, AssessmentStatus.CONFLICTED, AssessmentStatus.UNASSIGNED}
    ),
    AssessmentStatus.IN_PROGRESS: frozenset(
        {AssessmentStatus.SUBMITTED, AssessmentStatus.CONFLICTED, AssessmentStatus.UNASSIGNED}
    ),
    # The assessor may reopen their own submitted scorecard until moderation starts.
    AssessmentStatus.SUBMITTED: frozenset({AssessmentStatus.IN_PROGRESS}),
    AssessmentStatus.CONFLICTED: frozenset(),
    AssessmentStatus.UNASSIGNED: frozenset({AssessmentStatus.ASSIGNED}),
}

# Assessments that count towards an application's assessors (and an assessor's workload).
ACTIVE = frozenset({AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS, AssessmentStatus.SUBMITTED})
# Assessments whose assessor may open the application (after confirming no conflict).
OPENABLE = frozenset({AssessmentStatus.IN_PROGRESS, AssessmentStatus.SUBMITTED})

ASSESSMENT_LABELS = {
    AssessmentStatus.ASSIGNED: "Not started",
    AssessmentStatus.IN_PROGRESS: "In progress",
    AssessmentStatus.SUBMITTED: "Submitted",
    AssessmentStatus.CONFLICTED: "Conflict declared",
    AssessmentStatus.UNASSIGNED: "Unassigned",
}

ASSESSMENT_TAG_CLASSES = {
    AssessmentStatus.ASSIGNED: "govuk-tag--grey",
    AssessmentStatus.IN_PROGRESS: "govuk-tag--light-blue",
    AssessmentStatus.SUBMITTED: "govuk-tag--green",
    AssessmentStatus.CONFLICTED: "govuk-tag--orange",
    AssessmentStatus.UNASSIGNED: "govuk-tag--grey",
}


class Recommendation(enum.StrEnum):
    FUND = "fund"
    FUND_WITH_CONDITIONS = "fund_with_conditions"
    DO_NOT_FUND = "do_not_fund"


RECOMMENDATION_LABELS = {
    Recommendation.FUND: "Fund",
    Recommendation.FUND_WITH_CONDITIONS: "Fund with conditions",
    Recommendation.DO_NOT_FUND: "Do not fund",
}


class ConnectionKind(enum.StrEnum):
    """How an assessor is connected to an organisation (a standing declaration, or a conflict on one bid)."""

    EMPLOYMENT = "employment"
    TRUSTEE = "trustee"
    VOLUNTEER = "volunteer"
    FAMILY = "family"
    FINANCIAL = "financial"
    OTHER = "other"


CONNECTION_LABELS = {
    ConnectionKind.EMPLOYMENT: "I work for it, or did in the last two years",
    ConnectionKind.TRUSTEE: "I am a trustee, director or committee member",
    ConnectionKind.VOLUNTEER: "I volunteer for it",
    ConnectionKind.FAMILY: "A family member or partner works for it or runs it",
    ConnectionKind.FINANCIAL: "I have a financial interest in it (a contract, a loan, a gift)",
    ConnectionKind.OTHER: "Another connection",
}

CONNECTION_SHORT_LABELS = {
    ConnectionKind.EMPLOYMENT: "Employment",
    ConnectionKind.TRUSTEE: "Trustee",
    ConnectionKind.VOLUNTEER: "Volunteer",
    ConnectionKind.FAMILY: "Family",
    ConnectionKind.FINANCIAL: "Financial",
    ConnectionKind.OTHER: "Other",
}


class ModerationStatus(enum.StrEnum):
    """Moderation of one application once its assessments are in."""

    PENDING = "pending"  # no flag: a moderator confirms the mean (one by one or all at once)
    FLAGGED = "flagged"  # the assessors disagree, or a criterion scored at the bottom of its scale
    RESOLVED = "resolved"


MODERATION_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    # Flags are recomputed whenever a scorecard is submitted again before moderation starts.
    ModerationStatus.PENDING: frozenset({ModerationStatus.FLAGGED, ModerationStatus.RESOLVED}),
    ModerationStatus.FLAGGED: frozenset({ModerationStatus.PENDING, ModerationStatus.RESOLVED}),
    ModerationStatus.RESOLVED: frozenset(),
}

MODERATION_LABELS = {
    ModerationStatus.PENDING: "To confirm",
    ModerationStatus.FLAGGED: "Flagged",
    ModerationStatus.RESOLVED: "Moderated",
}

MODERATION_TAG_CLASSES = {
    ModerationStatus.PENDING: "govuk-tag--grey",
    ModerationStatus.FLAGGED: "govuk-tag--red",
    ModerationStatus.RESOLVED: "govuk-tag--green",
}
