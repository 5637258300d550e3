"""Reads for applications. get_* raises NoResultFound (a 404); find_* may return None; list_* are ordered.

Pages load what they show in a fixed number of statements, whatever the number of applications or answers
(tests count them).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.accounts.models import Membership, Organisation
from fundapp.applications.models import Answer, Application, ApplicationSection, Attachment
from fundapp.applications.states import ApplicationStatus
from fundapp.extensions import db
from fundapp.programmes.models import QuestionSet, Round, Section


def get_application(application_id: int) -> Application:
    """The application with its call (tiers, themes, form), organisation and members, progress, answers and files."""
    return db.session.execute(
        sa.select(Application)
        .options(
            selectinload(Application.round).selectinload(Round.fund),
            selectinload(Application.round).selectinload(Round.tiers),
            selectinload(Application.round).selectinload(Round.themes),
            selectinload(Application.round)
            .selectinload(Round.question_set)
            .selectinload(QuestionSet.sections)
            .selectinload(Section.questions),
            selectinload(Application.organisation).selectinload(Organisation.memberships),
            selectinload(Application.submitted_by),
            selectinload(Application.sections),
            selectinload(Application.answers),
            selectinload(Application.attachments),
        )
        .where(Application.id == application_id)
    ).scalar_one()


def list_applications_for_user(user_id: int) -> list[Application]:
    """Applications of every organisation the user belongs to, newest first, with round and organisation."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .options(selectinload(Application.round), selectinload(Application.organisation))
            .where(Membership.user_id == user_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def count_active_applications(*, round_id: int, organisation_id: int) -> int:
    """How many applications (not withdrawn) the organisation has made to the call."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Application.id)).where(
                Application.round_id == round_id,
                Application.organisation_id == organisation_id,
                Application.status != ApplicationStatus.WITHDRAWN,
            )
        )
        or 0
    )


def find_section(application_id: int, section_key: str) -> ApplicationSection | None:
    """The progress row of one section of an application, or None before it is first saved."""
    return db.session.scalar(
        sa.select(ApplicationSection).where(
            ApplicationSection.application_id == application_id, ApplicationSection.section_key == section_key
        )
    )


def list_answers(application_id: int) -> list[Answer]:
    """Every saved answer of an application as it is now in the database, in the order they were first saved.

    populate_existing: after an edit conflict the answers loaded earlier in the request are stale, and the page
    must show what the other member actually saved.
    """
    return list(
        db.session.scalars(
            sa.select(Answer)
            .where(Answer.application_id == application_id)
            .order_by(Answer.id)
            .execution_options(populate_existing=True)
        )
    )


def list_screening_queue(*, round_id: int) -> list[Application]:
    """Every submitted application of a call with its screening outcome and where it has got to since (assessed,
    withdrawn …): ineligible first, then by reference."""
    order = sa.case((Application.status == ApplicationStatus.INELIGIBLE, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Application)
            .options(selectinload(Application.organisation))
            .where(Application.round_id == round_id, Application.submitted_at.is_not(None))
            .order_by(order, Application.reference)
        )
    )


# --- attachments ----------------------------------------------------------------------------------------


def get_attachment(*, application_id: int, attachment_id: int) -> Attachment:
    """The attachment if it belongs to that application, else NoResultFound (so ids cannot be mixed)."""
    return db.session.execute(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.application_id == application_id)
    ).scalar_one()
