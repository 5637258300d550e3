"""A call ready for decisions, with scores: make_decision_round's moderated applications, each scored by one
assessor on the call's one criterion, so the ranking has an order and a funding line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from tests.factories import AssessmentFactory, CriterionFactory, score_assessment
from tests.integration.awards.conftest import DecisionSetup, make_decision_round


def scored_decision_round(
    *,
    scores: Sequence[int] = (5, 4, 3),
    budget_pence: int = 5_000_000,
    requested_pence: int = 2_000_000,
) -> DecisionSetup:
    """A call whose moderated applications scored (out of 5, one criterion) as given, in order: with the defaults
    the first two (100% and 80%, £20,000 each) are above the £50,000 budget's funding line and the third is not."""
    setup = make_decision_round(applications=len(scores), budget_pence=budget_pence, requested_pence=requested_pence)
    criterion = CriterionFactory(round=setup.round, weight=100, scale_min=0, scale_max=5)
    db.session.expire(setup.round)
    for application, score in zip(setup.applications, scores, strict=True):
        score_assessment(AssessmentFactory(application=application, submitted=True), {criterion.id: score})
    db.session.flush()
    db.session.expire_all()
    return setup


def outbox() -> list[OutboxMessage]:
    """Every email queued, oldest first."""
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def reload(obj: Any) -> Any:
    """The object as the database has it now (requests run in their own sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
