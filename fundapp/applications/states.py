"""Application and section lifecycles as data, with separate wording for staff and for applicants."""

from __future__ import annotations

import enum


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_ASSESSMENT = "in_assessment"
    ASSESSED = "assessed"
    MODERATED = "moderated"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESERVE = "reserve"
    WITHDRAWN = "withdrawn"


# Statuses before a decision: the applicant may still withdraw.
UNDECIDED = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.IN_ASSESSMENT,
        ApplicationStatus.ASSESSED,
        ApplicationStatus.MODERATED,
    }
)

# The panel's decisions (the awards domain records who, when and why).
DECIDED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.RESERVE})

APPLICATION_TRANSITIONS: dict[enum.Enum, frozenset[enum.Enum]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    # Screening runs straight after submission; staff may override either outcome with a reason.
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.ELIGIBLE: frozenset(
        {ApplicationStatus.INELIGIBLE, ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.INELIGIBLE: frozenset({ApplicationStatus.ELIGIBLE, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.IN_ASSESSMENT: frozenset({ApplicationStatus.ASSESSED, ApplicationStatus.WITHDRAWN}),
    # Back to "in assessment" when an assessor reopens their scorecard before moderation starts.
    ApplicationStatus.ASSESSED: frozenset(
        {ApplicationStatus.MODERATED, ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.MODERATED: frozenset(
        {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.RESERVE,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    # A decision can be taken back (to moderated) until the call's outcomes are published (awards services).
    ApplicationStatus.RESERVE: frozenset(
        {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.MODERATED}
    ),
    ApplicationStatus.APPROVED: frozenset({ApplicationStatus.MODERATED}),
    ApplicationStatus.REJECTED: frozenset({ApplicationStatus.MODERATED}),
    ApplicationStatus.WITHDRAWN: frozenset(),
}

STAFF_LABELS = {
    ApplicationStatus.DRAFT: "Draft",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.ELIGIBLE: "Eligible",
    ApplicationStatus.INELIGIBLE: "Ineligible",
    ApplicationStatus.IN_ASSESSMENT: "In assessment",
    ApplicationStatus.ASSESSED: "Assessed",
    ApplicationStatus.MODERATED: "Moderated",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.REJECTED: "Rejected",
    ApplicationStatus.RESERVE: "Reserve list",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}

# What an applicant reads. Decisions stay "Being assessed" until the fund publishes its outcomes.
APPLICANT_LABELS = {
    ApplicationStatus.DRAFT: "Not submitted yet",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.ELIGIBLE: "Submitted – being assessed",
    ApplicationStatus.INELIGIBLE: "Not eligible",
    ApplicationStatus.IN_ASSESSMENT: "Submitted – being assessed",
    ApplicationStatus.ASSESSED: "Submitted – being assessed",
    ApplicationStatus.MODERATED: "Submitted – being assessed",
    ApplicationStatus.APPROVED: "Submitted – being assessed",
    ApplicationStatus.REJECTED: "Submitted – being assessed",
    ApplicationStatus.RESERVE: "Submitted – being assessed",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}

STATUS_TAG_CLASSES = {
    ApplicationStatus.DRAFT: "govuk-tag--grey",
    ApplicationStatus.SUBMITTED: "govuk-tag--blue",
    ApplicationStatus.ELIGIBLE: "govuk-tag--blue",
    ApplicationStatus.INELIGIBLE: "govuk-tag--red",
    ApplicationStatus.IN_ASSESSMENT: "govuk-tag--blue",
    ApplicationStatus.ASSESSED: "govuk-tag--blue",
    ApplicationStatus.MODERATED: "govuk-tag--blue",
    ApplicationStatus.APPROVED: "govuk-tag--green",
    ApplicationStatus.REJECTED: "govuk-tag--red",
    ApplicationStatus.RESERVE: "govuk-tag--yellow",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}


# What an applicant reads about a decision once the fund has published the call's outcomes (the awards domain's
# OUTCOME_APPLICANT_LABELS, said of the application), and the colour of its tag. Until then a decision is
# "Submitted – being assessed", in blue, like any application in assessment.
PUBLISHED_LABELS = {
    ApplicationStatus.APPROVED: "Awarded",
    ApplicationStatus.REJECTED: "Not funded",
    ApplicationStatus.RESERVE: "On the reserve list",
}
UNPUBLISHED_TAG_CLASS = "govuk-tag--blue"


def applicant_label(status: ApplicationStatus, *, outcomes_published: bool) -> str:
    """What the applicant reads about their application: a decision only once the call's outcomes are published."""
    if outcomes_published and status in PUBLISHED_LABELS:
        return PUBLISHED_LABELS[status]
    return APPLICANT_LABELS[status]


def applicant_tag_class(status: ApplicationStatus, *, outcomes_published: bool) -> str:
    """The colour of the applicant's status tag: a decision's colour shows only once it is published."""
    if status in DECIDED and not outcomes_published:
        return UNPUBLISHED_TAG_CLASS
    return STATUS_TAG_CLASSES[status]


class SectionStatus(enum.StrEnum):
    """A task in the applicant's task list. Completed only when the applicant says so and every answer is valid."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


SECTION_LABELS = {
    SectionStatus.NOT_STARTED: "Not yet started",
    SectionStatus.IN_PROGRESS: "In progress",
    SectionStatus.COMPLETED: "Completed",
}
