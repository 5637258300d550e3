"""Reads for assessment. get_* raises NoResultFound (a 404); find_* may return None; list_* are ordered.

Dashboards and the ranking load what they show in a fixed number of statements, whatever the number of
applications (tests count them with 10 and 300).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Answer, Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import Assessment, Connection, CriterionScore, Moderation
from fundapp.assessment.states import ACTIVE, AssessmentStatus
from fundapp.extensions import db
from fundapp.programmes.models import Criterion, QuestionSet, Round, Section

# Applications that take part in assessment: waiting for assessors, being assessed, assessed, moderated, decided.
IN_ASSESSMENT_PIPELINE = (
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.IN_ASSESSMENT,
    ApplicationStatus.ASSESSED,
    ApplicationStatus.MODERATED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.RESERVE,
)
# Applications that can still be given assessors.
ASSIGNABLE = (ApplicationStatus.ELIGIBLE, ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.ASSESSED)


def _round_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [
        selectinload(Assessment.round).selectinload(Round.fund),
        selectinload(Assessment.round).selectinload(Round.criteria).selectinload(Criterion.descriptors),
    ]


def get_assessment(assessment_id: int) -> Assessment:
    """An assessment with its scores, assessor, call (criteria and descriptors, form) and the whole application."""
    return db.session.execute(
        sa.select(Assessment)
        .options(
            *_round_options(),
            selectinload(Assessment.round)
            .selectinload(Round.question_set)
            .selectinload(QuestionSet.sections)
            .selectinload(Section.questions),
            selectinload(Assessment.round).selectinload(Round.tiers),
            selectinload(Assessment.round).selectinload(Round.themes),
            selectinload(Assessment.scores),
            selectinload(Assessment.assessor).selectinload(User.role_assignments),
            selectinload(Assessment.application)
            .selectinload(Application.organisation)
            .selectinload(Organisation.memberships),
            selectinload(Assessment.application).selectinload(Application.answers),
            selectinload(Assessment.application).selectinload(Application.attachments),
        )
        .where(Assessment.id == assessment_id)
    ).scalar_one()


def list_assessments_for_assessor(assessor_id: int) -> list[Assessment]:
    """An assessor's active assignments across calls, for their dashboard: by deadline, call, then reference."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Assessment.application)
            .join(Round, Round.id == Assessment.round_id)
            .options(
                selectinload(Assessment.round).selectinload(Round.fund),
                selectinload(Assessment.application).selectinload(Application.organisation),
            )
            .where(
                Assessment.assessor_id == assessor_id,
                Assessment.status.in_(ACTIVE),
                Application.status.in_(IN_ASSESSMENT_PIPELINE),
            )
            .order_by(Round.assessment_deadline, Round.id, Application.reference)
        )
    )


def list_application_assessments(application_id: int) -> list[Assessment]:
    """Every assessment of an application (conflicted and unassigned ones too), with scores and assessors."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .options(selectinload(Assessment.scores), selectinload(Assessment.assessor))
            .where(Assessment.application_id == application_id)
            .order_by(Assessment.id)
        )
    )


def list_round_assessments(round_id: int) -> list[Assessment]:
    """Every assessment in a call with its assessor (for progress and workload), in id order."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .options(selectinload(Assessment.assessor))
            .where(Assessment.round_id == round_id)
            .order_by(Assessment.id)
        )
    )


def list_pool(round_: Round) -> list[tuple[User, RoleAssignment]]:
    """The call's assessors: active users holding the assessor role for the call, its fund or system-wide.

    Each comes with the role assignment that puts them in the pool (the narrowest one), ordered by name.
    """
    rows = db.session.execute(
        sa.select(User, RoleAssignment)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role == StaffRole.ASSESSOR,
            sa.or_(
                RoleAssignment.round_id == round_.id,
                RoleAssignment.fund_id == round_.fund_id,
                sa.and_(RoleAssignment.round_id.is_(None), RoleAssignment.fund_id.is_(None)),
            ),
        )
        .order_by(User.full_name, User.id, RoleAssignment.round_id.desc().nulls_last(), RoleAssignment.id)
    ).all()
    pool: dict[int, tuple[User, RoleAssignment]] = {}
    for user, assignment in rows:
        pool.setdefault(user.id, (user, assignment))
    return list(pool.values())


def connected_organisations(assessor_ids: Iterable[int]) -> dict[int, set[int]]:
    """Assessor id → ids of organisations they have a declared connection with or belong to."""
    ids = list(assessor_ids)
    result: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return result
    for assessor_id, organisation_id in db.session.execute(
        sa.select(Connection.assessor_id, Connection.organisation_id).where(Connection.assessor_id.in_(ids))
    ):
        result[assessor_id].add(organisation_id)
    for user_id, organisation_id in db.session.execute(
        sa.select(Membership.user_id, Membership.organisation_id).where(Membership.user_id.in_(ids))
    ):
        result[user_id].add(organisation_id)
    return result


def list_connections(assessor_id: int) -> list[Connection]:
    """An assessor's standing connections, by organisation name."""
    return list(
        db.session.scalars(
            sa.select(Connection)
            .join(Connection.organisation)
            .options(selectinload(Connection.organisation))
            .where(Connection.assessor_id == assessor_id)
            .order_by(Organisation.name, Connection.id)
        )
    )


def get_connection(*, assessor_id: int, connection_id: int) -> Connection:
    """One of the assessor's own connections (another's id is NoResultFound)."""
    return db.session.execute(
        sa.select(Connection).where(Connection.id == connection_id, Connection.assessor_id == assessor_id)
    ).scalar_one()


def list_organisations_for_declaring(assessor: User) -> list[Organisation]:
    """Organisations an assessor may declare a connection with: those that have applied to calls in the
    assessor's pools (their fund's calls, or any call for system-wide assessors), by name."""
    scopes = [a for a in assessor.role_assignments if a.role == StaffRole.ASSESSOR]
    condition: sa.ColumnElement[bool]
    if any(a.round_id is None and a.fund_id is None for a in scopes):
        condition = sa.true()
    else:
        condition = sa.or_(
            Application.round_id.in_([a.round_id for a in scopes if a.round_id]),
            Round.fund_id.in_([a.fund_id for a in scopes if a.fund_id]),
        )
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.id.in_(
                    sa.select(Application.organisation_id)
                    .join(Round, Round.id == Application.round_id)
                    .where(Application.submitted_at.is_not(None), condition)
                )
            )
            .order_by(Organisation.name, Organisation.id)
        )
    )


def list_assignable_applications(round_id: int) -> list[Application]:
    """Applications of a call that can be given assessors, with their organisation and assessments, by reference."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .options(selectinload(Application.organisation))
            .where(Application.round_id == round_id, Application.status.in_(ASSIGNABLE))
            .order_by(Application.reference)
        )
    )


def count_active_assessments(round_id: int) -> dict[int, int]:
    """Application id → number of active assessments (assigned, in progress or submitted) in the call."""
    rows = db.session.execute(
        sa.select(Assessment.application_id, sa.func.count(Assessment.id))
        .where(Assessment.round_id == round_id, Assessment.status.in_(ACTIVE))
        .group_by(Assessment.application_id)
    )
    return {application_id: count for application_id, count in rows}


def list_submitted_scorecards(application_ids: Iterable[int]) -> list[Assessment]:
    """Submitted assessments of the given applications with their scores, in id order."""
    ids = list(application_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .options(selectinload(Assessment.scores))
            .where(Assessment.application_id.in_(ids), Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id)
        )
    )


def find_moderation(application_id: int) -> Moderation | None:
    """The application's moderation with its moderated scores, if its assessments are in."""
    return db.session.execute(
        sa.select(Moderation)
        .options(selectinload(Moderation.scores))
        .where(Moderation.application_id == application_id)
    ).scalar_one_or_none()


def list_round_moderations(round_id: int) -> list[Moderation]:
    """A call's moderations with their scores and application (organisation loaded), by reference."""
    return list(
        db.session.scalars(
            sa.select(Moderation)
            .join(Moderation.application)
            .options(
                selectinload(Moderation.scores),
                selectinload(Moderation.application).selectinload(Application.organisation),
            )
            .where(Moderation.round_id == round_id)
            .order_by(Application.reference)
        )
    )


def list_ranking_applications(round_id: int) -> list[Application]:
    """Applications of a call that take part in assessment, with organisation, for the ranking."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .options(selectinload(Application.organisation))
            .where(Application.round_id == round_id, Application.status.in_(IN_ASSESSMENT_PIPELINE))
            .order_by(Application.reference)
        )
    )


def list_answers_for(application_ids: Iterable[int], question_keys: Iterable[str]) -> list[Answer]:
    """The answers to the given questions of the given applications (themes, boroughs …), in one statement."""
    ids, keys = list(application_ids), list(question_keys)
    if not ids or not keys:
        return []
    return list(
        db.session.scalars(
            sa.select(Answer)
            .where(Answer.application_id.in_(ids), Answer.question_key.in_(keys))
            .order_by(Answer.application_id, Answer.id)
        )
    )


def list_overdue_assessments(*, now: datetime) -> list[Assessment]:
    """Unsubmitted active assessments whose call's assessment deadline has passed, with assessor and round."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Round, Round.id == Assessment.round_id)
            .join(Application, Application.id == Assessment.application_id)
            .options(selectinload(Assessment.assessor), selectinload(Assessment.round))
            .where(
                Assessment.status.in_([AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS]),
                Round.assessment_deadline.is_not(None),
                Round.assessment_deadline < now,
                Application.status.in_([ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.ASSESSED]),
            )
            .order_by(Assessment.assessor_id, Assessment.id)
        )
    )


def list_submitted_scores(round_id: int) -> list[tuple[int, int, int | None, int | None]]:
    """(application id, assessment id, criterion id, score) for every criterion of every submitted scorecard in
    the call, by assessment: one statement however many scorecards there are (the ranking reads them all; loading
    Assessment rows with their scores would take one more statement per 500 scorecards). A scorecard without
    scores gives one row with criterion id None; a null score is "not applicable"."""
    rows = db.session.execute(
        sa.select(Assessment.application_id, Assessment.id, CriterionScore.criterion_id, CriterionScore.score)
        .outerjoin(CriterionScore, CriterionScore.assessment_id == Assessment.id)
        .where(Assessment.round_id == round_id, Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.id, CriterionScore.criterion_id)
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]
