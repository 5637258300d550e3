"""Who may see and do what in assessment. Assessors see only their own, non-conflicted assignments, and other
assessors' scores only once they have submitted their own; fund managers assign, moderate and rank."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.permissions import has_role, is_member
from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import Assessment
from fundapp.assessment.states import ACTIVE, OPENABLE, AssessmentStatus
from fundapp.programmes.models import Round
from fundapp.programmes.permissions import can_manage_round, can_view_round

# Applications an assessor may still work on (a withdrawn or decided bid is out of their hands).
SCORABLE_APPLICATIONS = frozenset({ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.ASSESSED})


def is_assessor_for_round(user: Any, round_: Round) -> bool:
    """Holds the assessor role for the call, its fund, or system-wide: a member of the call's pool."""
    return has_role(user, StaffRole.ASSESSOR, fund_id=round_.fund_id, round_id=round_.id)


def _owns(user: Any, assessment: Assessment) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and assessment.assessor_id == user.id
        and is_assessor_for_round(user, assessment.round)
    )


def can_open_assignment(user: Any, assessment: Assessment) -> bool:
    """The assessor it is assigned to, while it is active: they may see who applied, to check for conflicts."""
    return _owns(user, assessment) and assessment.status in ACTIVE


def can_view_for_scoring(user: Any, assessment: Assessment) -> bool:
    """The assessor, after confirming no conflict, sees the application and their scorecard.

    A conflicted or unassigned assessor never does, nor anyone who belongs to the applying organisation.
    """
    return (
        _owns(user, assessment)
        and assessment.status in OPENABLE
        and not is_member(user, assessment.application.organisation)
    )


def can_edit_scorecard(user: Any, assessment: Assessment) -> bool:
    """The assessor changes their draft while the application is still being assessed."""
    return (
        can_view_for_scoring(user, assessment)
        and assessment.status == AssessmentStatus.IN_PROGRESS
        and assessment.application.status in SCORABLE_APPLICATIONS
    )


def can_reopen_scorecard(user: Any, assessment: Assessment) -> bool:
    """The assessor reopens their own submitted scorecard until moderation starts for the call."""
    return (
        can_view_for_scoring(user, assessment)
        and assessment.status == AssessmentStatus.SUBMITTED
        and assessment.round.moderation_started_at is None
        and assessment.application.status in SCORABLE_APPLICATIONS
    )


def can_see_other_scores(user: Any, assessment: Assessment) -> bool:
    """Independence: other assessors' scores only once this assessor has submitted their own."""
    return can_view_for_scoring(user, assessment) and assessment.status == AssessmentStatus.SUBMITTED


def can_manage_assessment(user: Any, round_: Round) -> bool:
    """Fund managers of the call (and admins) run its assessment: pool, assignment, moderation."""
    return can_manage_round(user, round_)


def can_view_assessment(user: Any, round_: Round) -> bool:
    """Staff who run or pay for the call see assessment progress, scores and the ranking."""
    return can_view_round(user, round_)
