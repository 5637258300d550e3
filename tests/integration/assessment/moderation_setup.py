"""Building assessed applications for the moderation and ranking tests, through the real services (assign, confirm
no conflict, submit a scorecard), plus the form questions the ranking reads themes and boroughs from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from fundapp.applications.models import Application
from fundapp.assessment import services
from fundapp.assessment.models import Assessment, Moderation
from fundapp.assessment.services import ScoreEntry
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.states import QuestionType
from tests.factories import QuestionFactory, QuestionSetFactory, SectionFactory
from tests.integration.assessment.conftest import AssessmentSetup

# Criteria of make_assessment_round: Need and evidence (weight 50, 1–5), Delivery (30, 1–5), Value for money (20, 0–3).
# Two scorecards [4, 4, 2] agree (no flag); [5, 4, 3] and [2, 4, 3] differ by 3 points on Need (flagged).
AGREE = ([4, 4, 2], [4, 4, 2])
DISAGREE = ([5, 4, 3], [2, 4, 3])


def add_form_questions(round_: Round) -> None:
    """Give the call a form with a themes question (key "themes") and a boroughs question (key "boroughs")."""
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), key="project", title="Your project")
    QuestionFactory(section=section, key="themes", type=QuestionType.THEMES, label="Which themes?")
    QuestionFactory(section=section, key="boroughs", type=QuestionType.BOROUGHS, label="Which boroughs?")
    db.session.expire(round_)


def assess(
    setup: AssessmentSetup, application: Application, scorecards: Sequence[Sequence[int]], *, first_assessor: int = 0
) -> list[Assessment]:
    """Assign the application to consecutive assessors of the pool, and submit one scorecard each."""
    assessments = []
    for offset, scores in enumerate(scorecards):
        assessor = setup.assessors[(first_assessor + offset) % len(setup.assessors)]
        assessment = services.assign_assessor(actor=setup.manager, application=application, assessor=assessor)
        services.confirm_no_conflict(actor=assessor, assessment=assessment)
        result = services.save_scorecard(
            actor=assessor,
            assessment=assessment,
            entries={
                c.id: ScoreEntry(str(s), f"Assessor {offset + 1} on {c.name}: the evidence given.")
                for c, s in zip(setup.criteria, scores, strict=True)
            },
            recommendation="fund",
            comment=f"Comment from assessor {offset + 1}",
            version=assessment.version,
            submit=True,
        )
        assert result.submitted, result.errors
        assessments.append(assessment)
    return assessments


def moderation_of(application: Application) -> Moderation:
    moderation = db.session.scalar(sa.select(Moderation).where(Moderation.application_id == application.id))
    assert moderation is not None
    return moderation


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def reload(obj: Any) -> Any:
    """The object as the database has it now (views run in their own session)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
