"""Deciding applications: the amount and tier rules, the budget guard, the reserve list and publishing outcomes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.awards import services
from fundapp.awards.models import Award, Decision
from fundapp.awards.states import AwardStatus, Outcome
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.programmes.services import BudgetExceeded
from fundapp.programmes.states import PaymentTrigger, RoundStatus
from tests.factories import FundFactory, staff_user
from tests.integration.awards.conftest import make_decision_round


def _approve(setup: Any, index: int = 0, amount: int | None = None, conditions: str = "") -> Award:
    application = setup.applications[index]
    return services.approve_application(
        actor=setup.manager,
        application=application,
        amount_pence=application.amount_requested_pence if amount is None else amount,
        conditions=conditions,
        reason="Strong bid",
        now=utcnow(),
    )


def test_approving_commits_the_amount_and_makes_an_award_paid_in_the_calls_tranches(db_session: Any) -> None:
    setup = make_decision_round(requested_pence=2_000_001)

    award = _approve(setup, conditions="Send your updated safeguarding policy")

    assert setup.round.committed_pence == 2_000_001
    assert award.status == AwardStatus.OFFERED
    assert award.reference == setup.applications[0].reference
    assert award.decided_by_id == setup.manager.id
    assert [p.amount_pence for p in award.payments] == [1_000_000, 800_000, 200_001]
    assert sum(p.amount_pence for p in award.payments) == award.amount_pence
    assert [p.trigger for p in award.payments] == [
        PaymentTrigger.ACCEPTANCE,
        PaymentTrigger.INTERIM_REPORT,
        PaymentTrigger.FINAL_REPORT,
    ]
    assert all(p.due_at is None for p in award.payments)
    assert award.project_start is not None and award.project_start.isoformat() == "2027-04-01"
    assert setup.applications[0].status == ApplicationStatus.APPROVED
    decision = db_session.scalar(sa.select(Decision).where(Decision.application_id == setup.applications[0].id))
    assert decision.outcome == Outcome.APPROVED
    assert decision.decided_by_id == setup.manager.id
    assert decision.reason == "Strong bid"
    assert decision.published_at is None
    actions = set(db_session.scalars(sa.select(AuditEvent.action)))
    assert {"round.budget_committed", "award.offered", "decision.approved", "application.approved"} <= actions


def test_an_award_can_be_less_than_asked_for_but_not_more(db_session: Any) -> None:
    setup = make_decision_round(requested_pence=2_000_000)

    with pytest.raises(DomainError, match="cannot be more than the £20,000") as caught:
        _approve(setup, amount=2_000_001)
    assert caught.value.field == "amount"

    award = _approve(setup, amount=1_500_000)
    assert award.amount_pence == 1_500_000
    assert setup.round.committed_pence == 1_500_000


@pytest.mark.parametrize("amount", [999_999, 0, -5])
def test_an_award_must_stay_inside_the_tier_the_bid_was_made_in(db_session: Any, amount: int) -> None:
    setup = make_decision_round(requested_pence=2_000_000)

    with pytest.raises(DomainError) as caught:
        _approve(setup, amount=amount)

    assert caught.value.field == "amount"
    assert setup.round.committed_pence == 0
    assert db_session.scalar(sa.select(sa.func.count(Award.id))) == 0


def test_an_approval_the_budget_cannot_cover_changes_nothing(db_session: Any) -> None:
    setup = make_decision_round(budget_pence=3_000_000, requested_pence=2_000_000)
    _approve(setup, 0)

    with pytest.raises(BudgetExceeded, match="£10,000 of £30,000 is left"):
        _approve(setup, 1)

    assert setup.round.committed_pence == 2_000_000
    assert setup.applications[1].status == ApplicationStatus.MODERATED


def test_meeting_the_budget_exactly_is_allowed(db_session: Any) -> None:
    setup = make_decision_round(budget_pence=4_000_000, requested_pence=2_000_000)

    _approve(setup, 0)
    _approve(setup, 1)

    assert setup.round.committed_pence == setup.round.budget_pence


def test_only_the_calls_fund_managers_decide(db_session: Any) -> None:
    setup = make_decision_round()
    finance = setup.finance
    other_manager = staff_user(StaffRole.FUND_MANAGER)  # system-wide: allowed
    stranger = staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id)

    with pytest.raises(NotAllowed):
        services.reject_application(
            actor=finance, application=setup.applications[0], feedback="No", reason="", now=utcnow()
        )
    with pytest.raises(NotAllowed):
        services.reject_application(
            actor=stranger, application=setup.applications[0], feedback="No", reason="", now=utcnow()
        )
    services.reject_application(
        actor=other_manager, application=setup.applications[0], feedback="Not this time", reason="", now=utcnow()
    )
    assert setup.applications[0].status == ApplicationStatus.REJECTED


def test_rejecting_needs_feedback_for_the_applicant(db_session: Any) -> None:
    setup = make_decision_round()

    with pytest.raises(DomainError) as caught:
        services.reject_application(
            actor=setup.manager, application=setup.applications[0], feedback="  ", reason="", now=utcnow()
        )

    assert caught.value.field == "feedback"
    assert setup.applications[0].status == ApplicationStatus.MODERATED


def test_an_application_not_yet_moderated_cannot_be_decided(db_session: Any) -> None:
    setup = make_decision_round()
    setup.applications[0].status = ApplicationStatus.ASSESSED

    with pytest.raises(DomainError, match="finish moderating"):
        _approve(setup)


def test_a_reserve_list_application_can_be_funded_later(db_session: Any) -> None:
    setup = make_decision_round()
    services.reserve_application(
        actor=setup.manager, application=setup.applications[0], feedback="", reason="Next in line", now=utcnow()
    )
    assert setup.applications[0].status == ApplicationStatus.RESERVE

    award = _approve(setup)

    assert award.status == AwardStatus.OFFERED
    assert setup.applications[0].status == ApplicationStatus.APPROVED
    decisions = list(db_session.scalars(sa.select(Decision).where(Decision.application_id == award.application_id)))
    assert len(decisions) == 1 and decisions[0].outcome == Outcome.APPROVED


def test_a_decided_application_cannot_be_decided_again(db_session: Any) -> None:
    setup = make_decision_round()
    _approve(setup)

    with pytest.raises(DomainError):
        services.reject_application(
            actor=setup.manager, application=setup.applications[0], feedback="Changed mind", reason="", now=utcnow()
        )
    assert setup.round.committed_pence == setup.applications[0].amount_requested_pence


def test_publishing_needs_every_application_decided(db_session: Any) -> None:
    setup = make_decision_round(applications=2)
    _approve(setup, 0)

    with pytest.raises(DomainError, match=setup.applications[1].reference or ""):
        services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())

    assert setup.round.outcomes_published_at is None


def test_publishing_tells_every_applicant_once_and_moves_the_call_on(db_session: Any) -> None:
    from fundapp.core.mail.models import OutboxMessage

    setup = make_decision_round(applications=2)
    _approve(setup, 0)
    services.reject_application(
        actor=setup.manager, application=setup.applications[1], feedback="Too few Londoners", reason="", now=utcnow()
    )

    told = services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())

    assert told == 2
    assert setup.round.status == RoundStatus.DECIDED
    assert setup.round.outcomes_published_at is not None
    assert setup.round.outcomes_published_by_id == setup.manager.id
    decisions = list(db_session.scalars(sa.select(Decision).where(Decision.round_id == setup.round.id)))
    assert all(d.published_at is not None for d in decisions)
    messages = list(db_session.scalars(sa.select(OutboxMessage)))
    assert sorted(m.to_address for m in messages) == sorted(u.email for u in setup.applicants)
    rejected = next(m for m in messages if m.to_address == setup.applicants[1].email)
    assert "Too few Londoners" in rejected.body_text

    with pytest.raises(DomainError, match="already been published"):
        services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())


def test_taking_back_an_approval_returns_its_amount_and_removes_the_award(db_session: Any) -> None:
    setup = make_decision_round(budget_pence=3_000_000, requested_pence=2_000_000)
    award = _approve(setup, 0)
    award_id = award.id

    services.withdraw_decision(actor=setup.manager, application=setup.applications[0], reason="Wrong bid", now=utcnow())

    assert setup.round.committed_pence == 0
    assert db_session.get(Award, award_id) is None
    assert setup.applications[0].status == ApplicationStatus.MODERATED
    _approve(setup, 1)  # the budget it held can now fund another
    assert setup.round.committed_pence == 2_000_000


def test_a_decision_cannot_be_taken_back_once_published(db_session: Any) -> None:
    setup = make_decision_round(applications=1)
    _approve(setup, 0)
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())

    with pytest.raises(DomainError, match="can no longer be taken back"):
        services.withdraw_decision(actor=setup.manager, application=setup.applications[0], reason="x", now=utcnow())
    assert setup.round.committed_pence == 2_000_000
