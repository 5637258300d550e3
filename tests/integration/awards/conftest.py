"""Fixtures for awards tests: a call being assessed, with moderated applications waiting for decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.core.clock import utcnow
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    FundFactory,
    MembershipFactory,
    RoundFactory,
    TierFactory,
    staff_user,
)


@dataclass
class DecisionSetup:
    round: Round
    manager: User
    finance: User
    applicants: list[User]  # owner of each application's organisation, in order
    applications: list[Application]


def make_decision_round(
    *, applications: int = 3, budget_pence: int = 5_000_000, requested_pence: int = 2_000_000
) -> DecisionSetup:
    """A call being assessed (tier £10,000 to £25,000) with moderated applications asking for requested_pence,
    each with project dates and a signatory answered; a fund manager and a finance officer of its fund."""
    now = utcnow()
    round_ = RoundFactory(
        fund=FundFactory(),
        status=RoundStatus.ASSESSING,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        budget_pence=budget_pence,
    )
    TierFactory(round=round_, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)
    finance = staff_user(StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id)
    apps, owners = [], []
    for _ in range(applications):
        membership = MembershipFactory()
        application = ApplicationFactory(
            round=round_,
            organisation=membership.organisation,
            eligible=True,
            status=ApplicationStatus.MODERATED,
            amount_requested_pence=requested_pence,
            submitted_by=membership.user,
        )
        AnswerFactory(application=application, question_key="start_date", raw={}, value="2027-04-01")
        AnswerFactory(application=application, question_key="end_date", raw={}, value="2028-03-31")
        AnswerFactory(application=application, question_key="signatory_name", raw="Pat Chair", value="Pat Chair")
        apps.append(application)
        owners.append(membership.user)
    from fundapp.extensions import db

    db.session.expire(round_)
    return DecisionSetup(round=round_, manager=manager, finance=finance, applicants=owners, applications=apps)
