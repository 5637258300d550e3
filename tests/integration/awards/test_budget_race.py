"""The call's budget can never be over-committed, even when two fund managers approve at the same moment.

These tests commit for real, on separate connections from two threads (on whichever database the suite runs: a
SQLite file, or PostgreSQL), so they build their own data outside the per-test rolled-back transaction and remove
it afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.states import LegalType, MemberRole, StaffRole
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.awards import services
from fundapp.awards.models import Award, Decision, Payment
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.extensions import db
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Fund, Round, Tier
from fundapp.programmes.states import RoundStatus
from tests.database import purge_audit_events


@dataclass
class RaceSetup:
    round_id: int
    manager_ids: tuple[int, int]
    application_ids: tuple[int, int]


def _build(budget_pence: int, requested_pence: int) -> RaceSetup:
    now = utcnow()
    suffix = f"{now.timestamp():.0f}{threading.get_ident() % 10000}"
    fund = Fund(code=f"RACE{suffix}"[:20], name="Race fund")
    round_ = Round(
        fund=fund,
        code=f"RC{suffix}"[:20],
        name="Race call",
        status=RoundStatus.ASSESSING,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        budget_pence=budget_pence,
    )
    round_.tiers.append(Tier(name="Tier", min_pence=100_000, max_pence=10_000_000))
    db.session.add(round_)
    db.session.flush()
    managers = []
    for n in range(2):
        user = User(email=f"race-manager-{n}-{suffix}@example.org", full_name=f"Manager {n}", password_hash="x")
        user.role_assignments.append(RoleAssignment(role=StaffRole.FUND_MANAGER, fund_id=fund.id))
        managers.append(user)
    applications = []
    for n in range(2):
        organisation = Organisation(
            name=f"Race group {n}",
            legal_type=LegalType.CIO,
            address_line_1="1 Road",
            town="London",
            postcode="SE1 1AA",
            borough_gss="E09000028",
        )
        organisation.memberships.append(Membership(user=managers[0], role=MemberRole.MEMBER))
        applications.append(
            Application(
                round=round_,
                organisation=organisation,
                reference=f"{round_.code}-{n + 1:04d}",
                status=ApplicationStatus.MODERATED,
                project_title=f"Race project {n}",
                amount_requested_pence=requested_pence,
                submitted_at=now,
            )
        )
    db.session.add_all([fund, round_, *managers, *applications])
    db.session.commit()
    return RaceSetup(
        round_id=round_.id,
        manager_ids=(managers[0].id, managers[1].id),
        application_ids=(applications[0].id, applications[1].id),
    )


def _remove(setup: RaceSetup) -> None:
    db.session.rollback()
    round_ = db.session.get(Round, setup.round_id)
    assert round_ is not None
    award_ids = list(db.session.scalars(sa.select(Award.id).where(Award.round_id == setup.round_id)))
    decision_ids = list(db.session.scalars(sa.select(Decision.id).where(Decision.round_id == setup.round_id)))
    organisation_ids = list(
        db.session.scalars(sa.select(Application.organisation_id).where(Application.round_id == setup.round_id))
    )
    purge_audit_events(
        db.session.connection(),
        sa.or_(
            AuditEvent.actor_id.in_(setup.manager_ids),
            sa.and_(AuditEvent.subject_type == "Round", AuditEvent.subject_id == setup.round_id),
            sa.and_(AuditEvent.subject_type == "Award", AuditEvent.subject_id.in_(award_ids)),
            sa.and_(AuditEvent.subject_type == "Decision", AuditEvent.subject_id.in_(decision_ids)),
            sa.and_(AuditEvent.subject_type == "Application", AuditEvent.subject_id.in_(setup.application_ids)),
        ),
    )
    db.session.execute(sa.delete(Payment).where(Payment.award_id.in_(award_ids)))
    db.session.execute(sa.delete(Award).where(Award.round_id == setup.round_id))
    db.session.execute(sa.delete(Decision).where(Decision.round_id == setup.round_id))
    db.session.execute(sa.delete(Application).where(Application.round_id == setup.round_id))
    db.session.execute(sa.delete(Membership).where(Membership.organisation_id.in_(organisation_ids)))
    db.session.execute(sa.delete(Organisation).where(Organisation.id.in_(organisation_ids)))
    db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.user_id.in_(setup.manager_ids)))
    db.session.execute(sa.delete(User).where(User.id.in_(setup.manager_ids)))
    fund_id = round_.fund_id
    db.session.execute(sa.delete(Tier).where(Tier.round_id == setup.round_id))
    db.session.execute(sa.delete(Round).where(Round.id == setup.round_id))
    db.session.execute(sa.delete(Fund).where(Fund.id == fund_id))
    db.session.commit()


@pytest.fixture()
def committed(app: Flask) -> Iterator[Any]:
    """Build committed race data: make(budget, requested) -> RaceSetup; removed after the test."""
    made: list[RaceSetup] = []

    def make(budget_pence: int, requested_pence: int) -> RaceSetup:
        with app.app_context():
            setup = _build(budget_pence, requested_pence)
        made.append(setup)
        return setup

    yield make
    with app.app_context():
        for setup in made:
            _remove(setup)
        db.session.remove()


def _race(app: Flask, setup: RaceSetup, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two threads, each with its own session and connection, approve one application each; both reach the budget
    UPDATE together (a barrier just before it). Returns each thread's outcome: "approved" or the error's class."""
    barrier = threading.Barrier(2, timeout=30)
    real_commit_budget = programme_services.commit_budget

    def commit_together(**kwargs: Any) -> None:
        barrier.wait()
        real_commit_budget(**kwargs)

    monkeypatch.setattr(programme_services, "commit_budget", commit_together)
    outcomes: list[str] = ["", ""]

    def decide(index: int) -> None:
        with app.app_context():
            try:
                manager = db.session.get(User, setup.manager_ids[index])
                application = db.session.get(Application, setup.application_ids[index])
                assert manager is not None and application is not None
                services.approve_application(
                    actor=manager,
                    application=application,
                    amount_pence=application.amount_requested_pence or 0,
                    conditions="",
                    reason="race",
                    now=utcnow(),
                )
                db.session.commit()
                outcomes[index] = "approved"
            except DomainError as exc:
                db.session.rollback()
                outcomes[index] = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 (reported in the assertion, not lost in the thread)
                db.session.rollback()
                outcomes[index] = f"{type(exc).__name__}: {exc}"
            finally:
                db.session.remove()

    with app.app_context():
        db.engine.dispose()  # fresh connections for the two threads, none left over from the per-test fixtures
    threads = [threading.Thread(target=decide, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_approvals_racing_past_the_budget_commit_exactly_one(
    app: Flask, committed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = committed(3_000_000, 2_000_000)  # £30,000 budget; two bids of £20,000 each

    outcomes = _race(app, setup, monkeypatch)

    assert sorted(outcomes) in (["BudgetExceeded", "approved"], ["BudgetBusy", "approved"]), outcomes
    with app.app_context():
        round_ = db.session.get(Round, setup.round_id)
        assert round_ is not None
        assert round_.committed_pence == 2_000_000
        assert round_.committed_pence <= round_.budget_pence
        assert db.session.scalar(sa.select(sa.func.count(Award.id)).where(Award.round_id == setup.round_id)) == 1
        statuses = set(
            db.session.scalars(sa.select(Application.status).where(Application.id.in_(setup.application_ids)))
        )
        assert statuses == {ApplicationStatus.APPROVED, ApplicationStatus.MODERATED}
        db.session.remove()


def test_two_approvals_racing_within_the_budget_both_commit(
    app: Flask, committed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = committed(5_000_000, 2_000_000)

    outcomes = _race(app, setup, monkeypatch)

    # PostgreSQL serialises them on the row lock; SQLite may refuse the second writer, which then retries.
    assert outcomes[0] == "approved" or outcomes[1] == "approved"
    with app.app_context():
        round_ = db.session.get(Round, setup.round_id)
        assert round_ is not None
        approved = outcomes.count("approved")
        assert round_.committed_pence == 2_000_000 * approved
        assert set(outcomes) <= {"approved", "BudgetBusy"}
        db.session.remove()


def test_the_database_refuses_a_commitment_past_the_budget_whatever_the_code_does(db_session: Any) -> None:
    from tests.factories import RoundFactory

    round_ = RoundFactory(budget_pence=1_000_000)
    with pytest.raises(sa.exc.IntegrityError):
        with db_session.begin_nested():
            db_session.execute(sa.update(Round).where(Round.id == round_.id).values(committed_pence=1_000_001))
