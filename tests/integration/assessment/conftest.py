"""Fixtures for assessment tests: a call with weighted criteria, a pool of assessors and eligible applications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application
from fundapp.core.clock import utcnow
from fundapp.programmes.models import Criterion, Round
from fundapp.programmes.states import RoundStatus
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    CriterionDescriptorFactory,
    CriterionFactory,
    FundFactory,
    RoundFactory,
    TierFactory,
    staff_user,
)

# name, weight, scale
CRITERIA = (
    ("Need and evidence", 50, (1, 5)),
    ("Delivery", 30, (1, 5)),
    ("Value for money", 20, (0, 3)),
)


@dataclass
class AssessmentSetup:
    round: Round
    criteria: list[Criterion]
    assessors: list[User]
    manager: User
    applications: list[Application]


def make_assessment_round(
    *, applications: int = 4, assessors: int = 3, status: RoundStatus = RoundStatus.CLOSED, **settings: Any
) -> AssessmentSetup:
    """A closed call (by default) with three weighted criteria, assessors in its pool, a fund manager and eligible
    applications with a theme and a borough answered."""
    now = utcnow()
    round_ = RoundFactory(
        fund=FundFactory(),
        status=status,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        budget_pence=5_000_000,
        **settings,
    )
    TierFactory(round=round_, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    criteria = []
    for position, (name, weight, (low, high)) in enumerate(CRITERIA):
        criterion = CriterionFactory(
            round=round_, name=name, weight=weight, scale_min=low, scale_max=high, position=position
        )
        for score in range(low, high + 1):
            CriterionDescriptorFactory(criterion=criterion, score=score, label=f"Label {score}")
        criteria.append(criterion)
    pool = [staff_user(StaffRole.ASSESSOR, round_id=round_.id) for _ in range(assessors)]
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)
    apps = [ApplicationFactory(round=round_, eligible=True) for _ in range(applications)]
    for app in apps:
        AnswerFactory(application=app, question_key="themes", raw=["Awareness raising"], value=["Awareness raising"])
        AnswerFactory(application=app, question_key="boroughs", raw=["E09000028"], value=["E09000028"])
    from fundapp.extensions import db

    db.session.expire(round_)
    return AssessmentSetup(round=round_, criteria=criteria, assessors=pool, manager=manager, applications=apps)
