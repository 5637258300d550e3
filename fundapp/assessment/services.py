"""Writes for assessment. Every function flushes and never commits; the request (or job) commits once.

Services take plain values and an explicit actor, re-check permissions, raise DomainError subclasses naming the
field they belong to, and record an audit event for each change. An assessment's status changes only through
_move(), a moderation's through _move_moderation(), both checking the tables in states.py; the application's
status moves through the applications services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fundapp.accounts import queries as account_queries
from fundapp.accounts import services as account_services
from fundapp.accounts.models import Organisation, User
from fundapp.accounts.permissions import is_member
from fundapp.accounts.states import StaffRole
from fundapp.applications import services as application_services
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import permissions, queries, scoring
from fundapp.assessment.fields import (
    NOT_APPLICABLE,
    justification_field,
    moderated_score_field,
    moderation_reason_field,
    score_field,
)
from fundapp.assessment.models import Assessment, Connection, CriterionScore, ModeratedScore, Moderation
from fundapp.assessment.states import (
    ACTIVE,
    ASSESSMENT_TRANSITIONS,
    MODERATION_TRANSITIONS,
    AssessmentStatus,
    ConnectionKind,
    ModerationStatus,
    Recommendation,
)
from fundapp.core.audit import record_event
from fundapp.core.clock import format_datetime, utcnow
from fundapp.core.errors import DomainError, NotAllowed, check_transition
from fundapp.core.mail.services import queue_email
from fundapp.core.transitions import record_transition
from fundapp.core.urls import external_url
from fundapp.extensions import db
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus

JUSTIFICATION_MAX_CHARS = 5000
COMMENT_MAX_CHARS = 5000
REASON_MAX_CHARS = 2000
# An assessor is reminded about overdue scorecards at most this often.
REMINDER_INTERVAL = timedelta(hours=20)


class ScorecardChanged(DomainError):
    """The scorecard was saved (in another tab) after this page was loaded; nothing was overwritten."""

    def __init__(self, assessment: Assessment) -> None:
        super().__init__(
            f"This scorecard was saved at {format_datetime(assessment.updated_at)}, after you opened this page "
            "(perhaps in another tab or window). Your changes have not been saved, so nothing was overwritten: "
            "they are still in the form below. Check them against the saved scorecard, then save again."
        )
        self.assessment = assessment


class FormErrors(DomainError):
    """Several fields are wrong at once; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str], message: str = "There is a problem") -> None:
        super().__init__(message)
        self.errors = errors


def _move(
    assessment: Assessment,
    target: AssessmentStatus,
    *,
    actor: User | None,
    action: str,
    data: dict[str, Any] | None = None,
) -> None:
    previous = assessment.status
    check_transition("Assessment", ASSESSMENT_TRANSITIONS, previous, target)
    assessment.status = target
    assessment.updated_at = utcnow()
    record_transition(
        assessment,
        previous,
        actor=actor,
        action=action,
        data={"application_id": assessment.application_id, "assessor_id": assessment.assessor_id, **(data or {})},
    )


def _move_moderation(
    moderation: Moderation, target: ModerationStatus, *, actor: User | None, action: str, data: dict[str, Any]
) -> None:
    previous = moderation.status
    check_transition("Moderation", MODERATION_TRANSITIONS, previous, target)
    moderation.status = target
    record_transition(
        moderation, previous, actor=actor, action=action, data={"application_id": moderation.application_id, **data}
    )


def _require_manager(actor: User, round_: Round) -> None:
    if not permissions.can_manage_assessment(actor, round_):
        raise NotAllowed("Only the call's fund managers can do this.")


# --- the assessor pool ---------------------------------------------------------------------------------


def add_to_pool(*, actor: User, round_: Round, email: str) -> User:
    """Make an existing, active account an assessor for this call (a role limited to the call).

    Raises NotAllowed for non-managers, DomainError (field 'email') for an unknown, inactive or existing assessor.
    """
    _require_manager(actor, round_)
    user = account_queries.find_user_by_email(email)
    if user is None:
        raise DomainError(
            "There is no account with that email address. Ask them to register, then add them here", field="email"
        )
    if not user.is_active:
        raise DomainError(f"{user.full_name}'s account has been disabled", field="email")
    if permissions.is_assessor_for_round(user, round_):
        raise DomainError(f"{user.full_name} is already an assessor for this call", field="email")
    account_services.assign_role(actor=actor, user=user, role=StaffRole.ASSESSOR, round_id=round_.id)
    return user


def remove_from_pool(*, actor: User, round_: Round, user: User) -> None:
    """Take an assessor out of this call's pool (only a role limited to this call can be taken away here).

    Raises DomainError while they still have scorecards to do in the call, or when their role covers the whole
    fund or system (an admin changes that on the Users page).
    """
    _require_manager(actor, round_)
    assignment = next(
        (a for a in user.role_assignments if a.role == StaffRole.ASSESSOR and a.round_id == round_.id), None
    )
    if assignment is None:
        raise DomainError(
            f"{user.full_name} assesses for the whole fund or every call; an admin can change that on the Users page"
        )
    outstanding = sum(
        1
        for a in queries.list_round_assessments(round_.id)
        if a.assessor_id == user.id and a.status in (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS)
    )
    if outstanding:
        raise DomainError(
            f"{user.full_name} still has {outstanding} scorecard{'s' if outstanding != 1 else ''} to do in this call. "
            "Unassign them first"
        )
    account_services.remove_role(actor=actor, assignment=assignment)


# --- assignment ----------------------------------------------------------------------------------------


def why_not_assignable(
    application: Application,
    assessor: User,
    *,
    existing: Assessment | None,
    connected_organisation_ids: set[int],
) -> str | None:
    """Why this assessor cannot be given this application, or None if they can."""
    if existing is not None and existing.status == AssessmentStatus.CONFLICTED:
        return f"{assessor.full_name} declared a conflict of interest with this application"
    if existing is not None and existing.status in ACTIVE:
        return f"{assessor.full_name} is already assessing this application"
    if application.organisation_id in connected_organisation_ids:
        return f"{assessor.full_name} has declared a connection with {application.organisation.name}"
    if is_member(assessor, application.organisation):
        return f"{assessor.full_name} belongs to {application.organisation.name}"
    return None


def _give(application: Application, assessor: User, *, actor: User | None, existing: Assessment | None) -> Assessment:
    """Create the assessment (or revive an unassigned one) and start the application's assessment."""
    if existing is not None:
        existing.assigned_at = utcnow()
        existing.assigned_by_id = actor.id if actor else None
        existing.unassigned_at = None
        existing.unassigned_by_id = None
        _move(existing, AssessmentStatus.ASSIGNED, actor=actor, action="assessment.assigned")
        assessment = existing
    else:
        assessment = Assessment(
            round_id=application.round_id,
            application=application,
            assessor=assessor,
            assigned_by_id=actor.id if actor else None,
            status=AssessmentStatus.ASSIGNED,
        )
        db.session.add(assessment)
        db.session.flush()
        record_event(
            "assessment.assigned",
            actor=actor,
            subject=assessment,
            data={"to": "assigned", "application_id": application.id, "assessor_id": assessor.id},
        )
    if application.status == ApplicationStatus.ELIGIBLE:
        application_services.begin_assessment(actor=actor, application=application)
    return assessment


def _begin_assessing_round(round_: Round, actor: User | None) -> None:
    if round_.status == RoundStatus.CLOSED:
        programme_services.begin_assessing(actor=actor, round_=round_)


def assign_assessor(*, actor: User, application: Application, assessor: User) -> Assessment:
    """A fund manager gives an application to an assessor from the call's pool, by hand; the assessor is emailed.

    Raises NotAllowed for non-managers, DomainError (field 'assessor') when the assessor is not in the pool,
    declared a conflict or connection, belongs to the organisation or already has it, or when the application
    cannot be assessed (not eligible, withdrawn, already moderated).
    """
    round_ = application.round
    _require_manager(actor, round_)
    if application.status not in queries.ASSIGNABLE:
        raise DomainError("This application cannot be given assessors now", field="assessor")
    if not permissions.is_assessor_for_round(assessor, round_) or not assessor.is_active:
        raise DomainError(f"{assessor.full_name} is not an assessor for this call", field="assessor")
    existing = next(
        (a for a in queries.list_application_assessments(application.id) if a.assessor_id == assessor.id), None
    )
    connected = queries.connected_organisations([assessor.id])[assessor.id]
    problem = why_not_assignable(application, assessor, existing=existing, connected_organisation_ids=connected)
    if problem:
        raise DomainError(problem, field="assessor")
    assessment = _give(application, assessor, actor=actor, existing=existing)
    _begin_assessing_round(round_, actor)
    _email_allocation(assessor, round_, count=1)
    return assessment


@dataclass
class AutoAssignResult:
    """What auto-assign did: new assignments per assessor id, and the applications still short of assessors."""

    assigned: dict[int, int] = field(default_factory=dict)
    short: list[Application] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.assigned.values())


def auto_assign(*, actor: User, round_: Round) -> AutoAssignResult:
    """Give every eligible application of the call the number of assessors the call needs, balancing workload.

    Applications are taken in reference order; each gets the assessors with the fewest active assignments in the
    call (ties broken by account id, so the outcome is reproducible). Nobody is given an application they declared
    a conflict or a connection with, belong to, or were unassigned from by hand. Each assessor with new work is
    emailed once. Raises NotAllowed for non-managers and DomainError when the call has no assessors.
    """
    _require_manager(actor, round_)
    pool = [user for user, _role in queries.list_pool(round_)]
    if not pool:
        raise DomainError("Add assessors to the call before assigning applications")
    existing: dict[int, dict[int, Assessment]] = defaultdict(dict)
    load: dict[int, int] = {user.id: 0 for user in pool}
    for assessment in queries.list_round_assessments(round_.id):
        existing[assessment.application_id][assessment.assessor_id] = assessment
        if assessment.status in ACTIVE and assessment.assessor_id in load:
            load[assessment.assessor_id] += 1
    connected = queries.connected_organisations(load)
    result = AutoAssignResult()
    for application in queries.list_assignable_applications(round_.id):
        if application.status == ApplicationStatus.ASSESSED:
            continue
        mine = existing[application.id]
        needed = round_.assessors_per_application - sum(1 for a in mine.values() if a.status in ACTIVE)
        if needed <= 0:
            continue
        candidates = sorted(
            (
                user
                for user in pool
                if user.id not in mine  # includes conflicted, and unassigned by a fund manager on purpose
                and why_not_assignable(application, user, existing=None, connected_organisation_ids=connected[user.id])
                is None
            ),
            key=lambda user: (load[user.id], user.id),
        )
        for user in candidates[:needed]:
            mine[user.id] = _give(application, user, actor=actor, existing=None)
            load[user.id] += 1
            result.assigned[user.id] = result.assigned.get(user.id, 0) + 1
        if len(candidates) < needed:
            result.short.append(application)
    if result.total:
        _begin_assessing_round(round_, actor)
    record_event(
        "round.auto_assigned",
        actor=actor,
        subject=round_,
        data={
            "assigned": {str(k): v for k, v in sorted(result.assigned.items())},
            "short": [a.reference for a in result.short],
        },
    )
    by_id = {user.id: user for user in pool}
    for assessor_id, count in sorted(result.assigned.items()):
        _email_allocation(by_id[assessor_id], round_, count=count)
    return result


def unassign_assessor(*, actor: User, assessment: Assessment) -> None:
    """A fund manager takes an unsubmitted assignment away (it goes back in the queue). Their draft is kept.

    Raises NotAllowed for non-managers and InvalidTransition for a submitted, conflicted or unassigned one.
    """
    _require_manager(actor, assessment.round)
    _move(assessment, AssessmentStatus.UNASSIGNED, actor=actor, action="assessment.unassigned")
    # Stamped only once the move is allowed: a refused unassign must leave a submitted scorecard untouched.
    assessment.unassigned_at = utcnow()
    assessment.unassigned_by_id = actor.id


def _email_allocation(assessor: User, round_: Round, *, count: int) -> None:
    queue_email(
        to=assessor.email,
        subject=f"{round_.name}: {count} application{'s' if count != 1 else ''} for you to assess",
        template="assessment/emails/allocation",
        context={
            "recipient_name": assessor.full_name,
            "count": count,
            "call_name": round_.name,
            "deadline": format_datetime(round_.assessment_deadline) if round_.assessment_deadline else None,
            "dashboard_url": external_url("assessment.dashboard"),
        },
    )


# --- conflicts of interest ----------------------------------------------------------------------------


def _require_own(actor: User, assessment: Assessment) -> None:
    if not permissions.can_open_assignment(actor, assessment):
        raise NotAllowed("This is not one of your assignments.")


def confirm_no_conflict(*, actor: User, assessment: Assessment) -> None:
    """The assessor confirms they have no conflict of interest; the application opens for scoring.

    Raises NotAllowed for anyone else, DomainError when they belong to the organisation (that is always a
    conflict), InvalidTransition unless the assessment is waiting for this confirmation.
    """
    _require_own(actor, assessment)
    if is_member(actor, assessment.application.organisation):
        raise DomainError("You belong to this organisation, so you have a conflict of interest", field="conflict")
    now = utcnow()
    assessment.no_conflict_confirmed_at = now
    assessment.started_at = now
    _move(assessment, AssessmentStatus.IN_PROGRESS, actor=actor, action="assessment.no_conflict_confirmed")


def _checked_reason(reason: str, *, field: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(missing, field=field)
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(f"This must be {REASON_MAX_CHARS:,} characters or fewer", field=field)
    return reason


def _checked_kind(kind: str) -> ConnectionKind:
    try:
        return ConnectionKind(kind)
    except ValueError:
        raise DomainError("Choose how you are connected to the organisation", field="kind") from None


def declare_conflict(*, actor: User, assessment: Assessment, kind: str, reason: str, standing: bool) -> None:
    """The assessor declares a conflict: they are removed from the application (which goes back in the queue),
    their draft scores are discarded, and, if `standing`, the connection is recorded so they are never given the
    organisation's bids again. The reason is audited.

    Raises NotAllowed for anyone else, DomainError (fields 'kind', 'reason') for a missing kind or reason,
    InvalidTransition once the scorecard is submitted.
    """
    _require_own(actor, assessment)
    connection_kind = _checked_kind(kind)
    reason = _checked_reason(reason, field="reason", missing="Describe your conflict of interest")
    check_transition("Assessment", ASSESSMENT_TRANSITIONS, assessment.status, AssessmentStatus.CONFLICTED)
    assessment.conflict_kind = connection_kind
    assessment.conflict_reason = reason
    assessment.conflict_declared_at = utcnow()
    assessment.scores.clear()
    assessment.recommendation = None
    assessment.comment = ""
    _move(
        assessment,
        AssessmentStatus.CONFLICTED,
        actor=actor,
        action="assessment.conflict_declared",
        data={"kind": connection_kind.value, "reason": reason, "standing": standing},
    )
    organisation = assessment.application.organisation
    if standing and not any(c.organisation_id == organisation.id for c in queries.list_connections(actor.id)):
        _add_connection(actor, organisation, connection_kind, reason)


def _add_connection(actor: User, organisation: Organisation, kind: ConnectionKind, details: str) -> Connection:
    connection = Connection(assessor=actor, organisation=organisation, kind=kind, details=details)
    db.session.add(connection)
    db.session.flush()
    record_event(
        "assessor.connection_declared",
        actor=actor,
        subject=connection,
        data={"organisation_id": organisation.id, "kind": kind.value, "details": details},
    )
    return connection


def declare_connection(*, actor: User, organisation: Organisation, kind: str, details: str) -> int:
    """An assessor declares a standing connection with an organisation. Any of its bids they have been given
    and not yet submitted are released as conflicts. Returns how many were released.

    Raises DomainError (fields 'organisation', 'kind', 'details') for a duplicate, a missing kind or details.
    """
    if any(c.organisation_id == organisation.id for c in queries.list_connections(actor.id)):
        raise DomainError(f"You have already declared a connection with {organisation.name}", field="organisation")
    connection_kind = _checked_kind(kind)
    details = _checked_reason(details, field="details", missing="Describe the connection")
    _add_connection(actor, organisation, connection_kind, details)
    released = 0
    for assessment in queries.list_assessments_for_assessor(actor.id):
        if assessment.application.organisation_id == organisation.id and assessment.status in (
            AssessmentStatus.ASSIGNED,
            AssessmentStatus.IN_PROGRESS,
        ):
            declare_conflict(actor=actor, assessment=assessment, kind=kind, reason=details, standing=False)
            released += 1
    return released


def remove_connection(*, actor: User, connection: Connection) -> None:
    """An assessor withdraws a standing connection they declared (e.g. they have left the organisation)."""
    if connection.assessor_id != actor.id:
        raise NotAllowed("This is not your declaration.")
    data = {"organisation_id": connection.organisation_id, "kind": connection.kind.value}
    record_event("assessor.connection_removed", actor=actor, subject=connection, data=data)
    db.session.delete(connection)
    db.session.flush()


# --- scorecards ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    """What the assessor chose and typed for one criterion: choice is "", a number, or "na"."""

    choice: str
    justification: str


@dataclass(frozen=True)
class ScorecardResult:
    errors: dict[str, str]  # field name → message
    version: int  # the scorecard's version now: the page shown next must post it back
    submitted: bool


def _claim_version(assessment: Assessment, version: int) -> None:
    """Move the scorecard to version + 1 only if nobody has saved it since `version` (optimistic lock)."""
    now = utcnow()
    result = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.version == version)
        .values(version=version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(assessment, ["version", "updated_at"])
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ScorecardChanged(assessment)


def _parse_choice(choice: str, *, criterion: Any, allow_na: bool) -> tuple[int | None, bool]:
    """(score, not_applicable) from a radio value; DomainError for anything the page could not have offered."""
    choice = (choice or "").strip()
    if not choice:
        return None, False
    if choice == NOT_APPLICABLE:
        if not allow_na:
            raise DomainError(f"This call does not allow “not applicable”: choose a score for {criterion.name}")
        return None, True
    if choice.isdigit() and criterion.scale_min <= int(choice) <= criterion.scale_max:
        return int(choice), False
    raise DomainError(f"Choose a score from {criterion.scale_min} to {criterion.scale_max} for {criterion.name}")


def save_scorecard(
    *,
    actor: User,
    assessment: Assessment,
    entries: Mapping[int, ScoreEntry],
    recommendation: str,
    comment: str,
    version: int,
    submit: bool,
) -> ScorecardResult:
    """Save the scorecard as typed (valid parts kept, each bad one reported at its field); with `submit`, also
    check it is complete (a score or, where allowed, "not applicable", and a justification on every criterion; a
    recommendation) and submit it. Returns the errors; nothing is submitted while there are any.

    Raises ScorecardChanged when someone saved it after `version` (nothing is overwritten), NotAllowed when the
    actor may not edit it (not theirs, conflicted, submitted, the application withdrawn).
    """
    if not permissions.can_edit_scorecard(actor, assessment):
        raise NotAllowed("You cannot change this scorecard.")
    _claim_version(assessment, version)
    round_ = assessment.round
    errors: dict[str, str] = {}
    rows = {s.criterion_id: s for s in assessment.scores}
    for criterion in round_.criteria:
        entry = entries.get(criterion.id, ScoreEntry("", ""))
        row = rows.get(criterion.id)
        if row is None:
            row = CriterionScore(criterion_id=criterion.id)
            assessment.scores.append(row)
        try:
            row.score, row.not_applicable = _parse_choice(
                entry.choice, criterion=criterion, allow_na=round_.allow_not_applicable
            )
        except DomainError as exc:
            errors[score_field(criterion.id)] = exc.message
        justification = (entry.justification or "").strip()
        if len(justification) > JUSTIFICATION_MAX_CHARS:
            errors[justification_field(criterion.id)] = (
                f"The justification for {criterion.name} must be {JUSTIFICATION_MAX_CHARS:,} characters or fewer"
            )
        else:
            row.justification = justification
        if submit and score_field(criterion.id) not in errors and row.score is None and not row.not_applicable:
            errors[score_field(criterion.id)] = f"Choose a score for {criterion.name}"
        if submit and justification_field(criterion.id) not in errors and not row.justification:
            errors[justification_field(criterion.id)] = f"Explain your score for {criterion.name}"
    try:
        assessment.recommendation = Recommendation(recommendation) if recommendation else None
    except ValueError:
        errors["recommendation"] = "Choose fund, fund with conditions or do not fund"
    if submit and "recommendation" not in errors and assessment.recommendation is None:
        errors["recommendation"] = "Choose your overall recommendation"
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        errors["comment"] = f"Your comment must be {COMMENT_MAX_CHARS:,} characters or fewer"
    else:
        assessment.comment = comment
    db.session.flush()
    snapshot = {
        "scores": {str(s.criterion_id): (NOT_APPLICABLE if s.not_applicable else s.score) for s in assessment.scores},
        "recommendation": assessment.recommendation.value if assessment.recommendation else None,
        "fields_with_errors": sorted(errors),
    }
    record_event("assessment.saved", actor=actor, subject=assessment, data=snapshot)
    if submit and not errors:
        _submit(actor, assessment)
    return ScorecardResult(errors=errors, version=assessment.version, submitted=submit and not errors)


def scores_of(assessment: Assessment) -> dict[int, int | None]:
    """A scorecard as the arithmetic sees it: criterion id → score (None for not applicable)."""
    return {s.criterion_id: s.score for s in assessment.scores}


def _submit(actor: User, assessment: Assessment) -> None:
    assessment.submitted_at = utcnow()
    percent = scoring.assessment_percent(assessment.round.criteria, scores_of(assessment))
    _move(
        assessment,
        AssessmentStatus.SUBMITTED,
        actor=actor,
        action="assessment.submitted",
        data={"score": scoring.format_percent(percent)},
    )
    application = assessment.application
    submitted = queries.list_submitted_scorecards([application.id])
    if len(submitted) < assessment.round.assessors_per_application:
        return
    if application.status == ApplicationStatus.IN_ASSESSMENT:
        application_services.record_assessed(actor=actor, application=application)
    refresh_flags(application=application, submitted=submitted)


def refresh_flags(*, application: Application, submitted: Sequence[Assessment]) -> Moderation:
    """Create or update the application's moderation with the flags its submitted scorecards raise (never once it
    is resolved). Flags come from the call's thresholds and from any criterion scored at the bottom of its scale."""
    round_ = application.round
    flags = scoring.spread_flags(
        round_.criteria,
        [scores_of(a) for a in submitted],
        spread_points=round_.spread_points,
        spread_percent=round_.spread_percent,
    )
    moderation = queries.find_moderation(application.id)
    target = ModerationStatus.FLAGGED if flags else ModerationStatus.PENDING
    if moderation is None:
        moderation = Moderation(round_id=round_.id, application=application, status=target, flags=flags)
        db.session.add(moderation)
        db.session.flush()
        record_event(
            "moderation.flagged" if flags else "moderation.awaiting_confirmation",
            actor=None,
            subject=moderation,
            data={"to": target.value, "application_id": application.id, "flags": flags},
        )
        return moderation
    if moderation.status == ModerationStatus.RESOLVED:
        return moderation
    moderation.flags = flags
    if moderation.status != target:
        _move_moderation(
            moderation,
            target,
            actor=None,
            action="moderation.flagged" if flags else "moderation.flags_cleared",
            data={"flags": flags},
        )
    db.session.flush()
    return moderation


def reopen_scorecard(*, actor: User, assessment: Assessment) -> None:
    """The assessor reopens their own submitted scorecard (until moderation starts); if the application now has
    fewer submitted scorecards than the call needs, it goes back to "in assessment".

    Raises NotAllowed when it is not theirs, not submitted, or moderation has started.
    """
    if not permissions.can_reopen_scorecard(actor, assessment):
        if assessment.round.moderation_started_at is not None:
            raise DomainError("Moderation has started for this call, so scorecards can no longer be reopened.")
        raise NotAllowed("You cannot reopen this scorecard.")
    assessment.submitted_at = None
    _move(assessment, AssessmentStatus.IN_PROGRESS, actor=actor, action="assessment.reopened")
    application = assessment.application
    submitted = queries.list_submitted_scorecards([application.id])
    if application.status == ApplicationStatus.ASSESSED and len(submitted) < assessment.round.assessors_per_application:
        application_services.record_assessment_reopened(actor=actor, application=application)


# --- moderation ------------------------------------------------------------------------------------------


def start_moderation(*, actor: User, round_: Round) -> None:
    """Start moderation for the call: submitted scorecards can no longer be reopened. The call must be closed.

    Raises NotAllowed for non-managers, DomainError if the call is still open or moderation has already started.
    """
    _require_manager(actor, round_)
    if round_.moderation_started_at is not None:
        raise DomainError(f"Moderation started on {format_datetime(round_.moderation_started_at)}")
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.ASSESSING):
        raise DomainError("Close the call before moderation starts: applications still arriving would miss it")
    _begin_assessing_round(round_, actor)
    round_.moderation_started_at = utcnow()
    db.session.flush()
    record_event("round.moderation_started", actor=actor, subject=round_, data={})


def _require_moderatable(actor: User, moderation: Moderation) -> None:
    application = moderation.application
    _require_manager(actor, application.round)
    if application.round.moderation_started_at is None:
        raise DomainError("Start moderation for the call before moderating applications")
    if moderation.status == ModerationStatus.RESOLVED:
        raise DomainError("This application has already been moderated")
    if application.status != ApplicationStatus.ASSESSED:
        raise DomainError("This application is not waiting for moderation")
    waiting = [
        a
        for a in queries.list_application_assessments(application.id)
        if a.status in (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS)
    ]
    if waiting:
        raise DomainError(
            f"{len(waiting)} assessor{'s have' if len(waiting) != 1 else ' has'} not submitted a scorecard yet. "
            "Wait for them or unassign them first"
        )


@dataclass(frozen=True)
class ModeratedEntry:
    """A moderator's choice for one criterion: "" (keep the assessors' mean) or a score, with the reason."""

    choice: str
    reason: str


def final_percent(application: Application, submitted: Sequence[Assessment], moderation: Moderation | None) -> Any:
    """The application's score % as the ranking uses it (moderated where a moderator set scores)."""
    moderated = moderation.moderated_scores if moderation is not None else None
    return scoring.application_percent(application.round.criteria, [scores_of(a) for a in submitted], moderated)


def _checked_moderated_scores(
    round_: Round, entries: Mapping[int, ModeratedEntry]
) -> tuple[dict[int, tuple[int, str]], dict[str, str]]:
    chosen: dict[int, tuple[int, str]] = {}
    errors: dict[str, str] = {}
    for criterion in round_.criteria:
        entry = entries.get(criterion.id, ModeratedEntry("", ""))
        choice, reason = (entry.choice or "").strip(), (entry.reason or "").strip()
        if not choice:
            continue
        if not (choice.isdigit() and criterion.scale_min <= int(choice) <= criterion.scale_max):
            errors[moderated_score_field(criterion.id)] = (
                f"Choose a score from {criterion.scale_min} to {criterion.scale_max} for {criterion.name}"
            )
            continue
        if not reason:
            errors[moderation_reason_field(criterion.id)] = (
                f"Give the reason for the moderated score on {criterion.name}"
            )
        elif len(reason) > REASON_MAX_CHARS:
            errors[moderation_reason_field(criterion.id)] = (
                f"The reason must be {REASON_MAX_CHARS:,} characters or fewer"
            )
        else:
            chosen[criterion.id] = (int(choice), reason)
    return chosen, errors


def resolve_moderation(*, actor: User, moderation: Moderation, entries: Mapping[int, ModeratedEntry], note: str) -> str:
    """Resolve an application's moderation: set a moderated score (with a reason) on any criteria, or none to
    confirm the assessors' mean. A flagged application needs a note when the mean is confirmed. The assessors'
    scores are never changed. The flag is cleared, the application becomes moderated. Returns the final score.

    Raises NotAllowed for non-managers, FormErrors for bad scores or missing reasons, DomainError when moderation
    has not started, assessors are still scoring, or it is already resolved.
    """
    _require_moderatable(actor, moderation)
    application = moderation.application
    round_ = application.round
    chosen, errors = _checked_moderated_scores(round_, entries)
    note = (note or "").strip()
    if len(note) > REASON_MAX_CHARS:
        errors["note"] = f"The note must be {REASON_MAX_CHARS:,} characters or fewer"
    elif (
        moderation.status == ModerationStatus.FLAGGED
        and not note
        and not any(e.choice.strip() for e in entries.values())
    ):
        errors["note"] = "Explain why the assessors' mean score stands, or set a moderated score"
    if errors:
        raise FormErrors(errors)
    submitted = queries.list_submitted_scorecards([application.id])
    means = scoring.criterion_means(round_.criteria, [scores_of(a) for a in submitted])
    before = scoring.format_percent(final_percent(application, submitted, None))
    for criterion_id, (score, reason) in chosen.items():
        moderation.scores.append(
            ModeratedScore(criterion_id=criterion_id, score=score, reason=reason, moderator_id=actor.id)
        )
    moderation.note = note
    moderation.resolved_at = utcnow()
    moderation.resolved_by_id = actor.id
    db.session.flush()
    after = scoring.format_percent(final_percent(application, submitted, moderation))
    _move_moderation(
        moderation,
        ModerationStatus.RESOLVED,
        actor=actor,
        action="moderation.resolved",
        data={
            "note": note,
            "score": {"from": before, "to": after},
            "criteria": {
                str(cid): {"mean": scoring.format_points(means.get(cid)), "moderated": score, "reason": reason}
                for cid, (score, reason) in chosen.items()
            },
        },
    )
    application_services.record_moderated(actor=actor, application=application, score=after)
    return after


def confirm_unflagged(*, actor: User, round_: Round) -> int:
    """Confirm the assessors' mean for every unflagged application whose scorecards are all in. Returns how many.

    Raises NotAllowed for non-managers, DomainError before moderation starts.
    """
    _require_manager(actor, round_)
    if round_.moderation_started_at is None:
        raise DomainError("Start moderation for the call before confirming scores")
    count = 0
    for moderation in queries.list_round_moderations(round_.id):
        if moderation.status != ModerationStatus.PENDING:
            continue
        try:
            _require_moderatable(actor, moderation)
        except DomainError:
            continue  # assessors still scoring, or withdrawn: left for later
        resolve_moderation(actor=actor, moderation=moderation, entries={}, note="")
        count += 1
    return count


# --- reminders -------------------------------------------------------------------------------------------


def send_overdue_reminders(*, now: datetime, round_id: int | None = None, actor: User | None = None) -> int:
    """Email each assessor with overdue scorecards (past the call's assessment deadline) one reminder listing
    them, at most once every REMINDER_INTERVAL. Returns how many assessors were emailed."""
    by_assessor: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in queries.list_overdue_assessments(now=now):
        if round_id is not None and assessment.round_id != round_id:
            continue
        by_assessor[assessment.assessor_id].append(assessment)
    emailed = 0
    for assessments in by_assessor.values():
        last = max((a.last_reminded_at for a in assessments if a.last_reminded_at), default=None)
        if last is not None and now - last < REMINDER_INTERVAL:
            continue
        assessor = assessments[0].assessor
        calls = sorted({a.round.name for a in assessments})
        queue_email(
            to=assessor.email,
            subject=f"Reminder: {len(assessments)} overdue scorecard{'s' if len(assessments) != 1 else ''}",
            template="assessment/emails/overdue",
            context={
                "recipient_name": assessor.full_name,
                "count": len(assessments),
                "calls": calls,
                "dashboard_url": external_url("assessment.dashboard"),
                "support_email": current_app.config["SUPPORT_EMAIL"],
            },
        )
        for assessment in assessments:
            assessment.last_reminded_at = now
        record_event(
            "assessment.reminder_sent",
            actor=actor,
            subject=assessor,
            data={"assessments": [a.id for a in assessments], "round_id": round_id},
        )
        emailed += 1
    db.session.flush()
    return emailed
