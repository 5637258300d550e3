"""`flask demo load` builds a working demo Shared Endeavour Fund and can be run again without changing anything.

The command lives in fundapp.reporting.cli (the top layer, so it can load every domain's demo data). Loading takes
seconds (every submitted bid renders its PDF copy), so each module loads it once: `loaded_demo` does what the
db_session fixture does for one test, for the whole module (tests/integration/assessment/test_demo.py uses it too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.states import LegalType, StaffRole
from fundapp.applications.models import Answer, Application, Attachment
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import Assessment, Connection, CriterionScore, ModeratedScore, Moderation
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.extensions import db
from fundapp.programmes import queries
from fundapp.programmes.demo import DEMO_PASSWORD, OTHER_APPLICANTS, PEOPLE, PREVIOUS_BUDGET_PENCE, demo_totp_secret
from fundapp.programmes.models import (
    Criterion,
    CriterionDescriptor,
    Fund,
    Question,
    QuestionSet,
    Round,
    Section,
    Theme,
    Tier,
)
from fundapp.programmes.states import RoundStatus
from tests.conftest import _ConnectionBoundSession
from tests.helpers import isolated_client, sign_in

COUNTED = (
    User,
    Organisation,
    Membership,
    RoleAssignment,
    Fund,
    Round,
    Tier,
    Theme,
    Criterion,
    CriterionDescriptor,
    QuestionSet,
    Section,
    Question,
    AuditEvent,
    Application,
    Answer,
    Attachment,
    StoredDocument,
    Connection,
    Assessment,
    CriterionScore,
    Moderation,
    ModeratedScore,
)


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0 for model in COUNTED}


def load(app: Flask) -> str:
    """Run `flask demo load` and return what it printed."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


@dataclass(frozen=True)
class LoadedDemo:
    before: dict[str, int]  # rows per model before the first load
    after: dict[str, int]  # and after it
    output: str  # what the first load printed


@pytest.fixture(scope="module")
def loaded_demo(app: Flask) -> Iterator[LoadedDemo]:
    """The demo loaded once for the module, in a transaction rolled back after its last test (as db_session)."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": _ConnectionBoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            before = _counts()
            output = load(app)
            yield LoadedDemo(before=before, after=_counts(), output=output)
        finally:
            db.session.remove()
            db.session = original
            if transaction.is_active:
                transaction.rollback()
            connection.close()


def test_demo_load_twice_creates_everything_once_and_prints_the_sign_ins_both_times(
    app: Flask, loaded_demo: LoadedDemo
) -> None:
    before_second = _counts()
    second_output = load(app)

    assert _counts() == before_second
    created = {name: loaded_demo.after[name] - loaded_demo.before[name] for name in loaded_demo.before}
    assert created["User"] == len(PEOPLE) + len(OTHER_APPLICANTS)
    assert (created["Fund"], created["Round"], created["QuestionSet"], created["Organisation"]) == (1, 2, 2, 14)
    assert "nothing new was created" in second_output
    # Applications to the open call in the states a fund manager meets first, submitted ones with files and copies.
    current = queries.find_round_by_code("SEF-6")
    assert current is not None
    applications = list(
        db.session.scalars(sa.select(Application).where(Application.round_id == current.id).order_by(Application.id))
    )
    assert sorted(a.status for a in applications) == sorted(
        [ApplicationStatus.DRAFT] * 2 + [ApplicationStatus.ELIGIBLE] * 4 + [ApplicationStatus.INELIGIBLE]
    )
    submitted = [a for a in applications if a.reference]
    assert [a.reference for a in submitted] == [f"SEF-6-000{n}" for n in range(1, 6)]
    assert all(a.attachments for a in submitted)
    assert created["Application"] == 17  # and ten to the earlier call
    assert created["StoredDocument"] == 15 + 4  # a PDF copy of every submitted bid, and four SEF-5 offer letters
    ineligible = next(a for a in applications if a.status == ApplicationStatus.INELIGIBLE)
    assert "Upload your safeguarding policy" in ineligible.eligibility_reasons[0]
    for output in (loaded_demo.output, second_output):
        for person in PEOPLE:
            assert person.email in output
        assert DEMO_PASSWORD in output
        assert f"The {len(OTHER_APPLICANTS)} other organisations that applied" in output
        assert "flask demo code <email>" in output


@pytest.mark.usefixtures("loaded_demo")
def test_demo_call_6_is_open_now_and_call_5_is_closed_and_decided() -> None:
    now = utcnow()
    current = queries.find_round_by_code("SEF-6")
    previous = queries.find_round_by_code("SEF-5")
    assert current is not None and previous is not None
    assert current.status == RoundStatus.OPEN
    assert current.opens_at <= now - timedelta(days=13) and current.closes_at >= now + timedelta(days=29)
    assert [r.code for r in queries.list_rounds_open_for_applications(now=now)] == ["SEF-6"]
    assert previous.status == RoundStatus.DECIDED
    assert previous.closes_at < now - timedelta(days=150)
    assert current.fund.code == previous.fund.code == "SEF"


@pytest.mark.usefixtures("loaded_demo")
def test_demo_calls_are_set_up_like_the_real_fund() -> None:
    for code, budget in (("SEF-5", PREVIOUS_BUDGET_PENCE), ("SEF-6", 87_500_000)):
        round_ = queries.get_round(queries.find_round_by_code(code).id)  # type: ignore[union-attr]
        assert round_.budget_pence == budget
        assert [(t.min_pence, t.max_pence, t.match_funding_percent) for t in round_.tiers] == [
            (1_000_000, 2_500_000, 0),
            (2_500_100, 5_000_000, 0),
            (5_000_100, 10_000_000, 50),
        ]
        assert len(round_.themes) == 4
        assert sum(c.weight for c in round_.criteria) == 100
        assert all(
            [d.label for d in c.descriptors] == ["Strong", "Good", "Satisfactory", "Partial", "Poor"]
            for c in round_.criteria
        )
        assert round_.question_set is not None and len(round_.question_set.sections) == 11


@pytest.mark.usefixtures("loaded_demo")
def test_demo_has_a_person_for_every_role_and_every_kind_of_organisation() -> None:
    fund = queries.find_fund_by_code("SEF")
    roles = {(a.role, a.fund_id, a.round_id) for a in db.session.scalars(sa.select(RoleAssignment))}
    assert roles == {
        (StaffRole.ADMIN, None, None),
        (StaffRole.FUND_MANAGER, fund.id, None),  # type: ignore[union-attr]
        (StaffRole.ASSESSOR, fund.id, None),  # type: ignore[union-attr]
        (StaffRole.FINANCE_OFFICER, fund.id, None),  # type: ignore[union-attr]
    }
    # Three assessors for the whole fund, so a conflict on a bid that needs two can still be reassigned.
    assert db.session.scalar(sa.select(sa.func.count()).where(RoleAssignment.role == StaffRole.ASSESSOR)) == 3
    assert [p.role for p in PEOPLE if p.staff_role == StaffRole.ASSESSOR] == ["Assessor (SEF)"] * 3
    organisations = list(db.session.scalars(sa.select(Organisation)))
    assert {o.legal_type for o in organisations} >= {
        LegalType.CIO,
        LegalType.CIC,
        LegalType.CHARITABLE_COMPANY,
        LegalType.UNINCORPORATED_ASSOCIATION,
    }
    charitable_company = next(o for o in organisations if o.legal_type == LegalType.CHARITABLE_COMPANY)
    assert charitable_company.charity_number and charitable_company.company_number
    assert all(o.memberships for o in organisations)
    without_organisation = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(~User.memberships.any(), ~User.role_assignments.any())
    )
    assert without_organisation == 1


@pytest.mark.usefixtures("loaded_demo")
def test_a_demo_person_can_sign_in_with_the_demo_password(app: Flask) -> None:
    client = isolated_client(app)
    fund_manager = next(p for p in PEOPLE if p.staff_role == StaffRole.FUND_MANAGER)
    user = db.session.scalar(sa.select(User).where(User.email == fund_manager.email))
    assert user is not None
    sign_in(client, user, password=DEMO_PASSWORD)
    current = queries.find_round_by_code("SEF-6")
    assert client.get(f"/staff/calls/{current.id}").status_code == 200  # type: ignore[union-attr]


@pytest.mark.usefixtures("loaded_demo")
def test_demo_staff_have_the_published_two_factor_key_and_flask_demo_code_prints_their_code(app: Flask) -> None:
    fund_manager = next(p for p in PEOPLE if p.staff_role == StaffRole.FUND_MANAGER)
    user = db.session.scalar(sa.select(User).where(User.email == fund_manager.email))
    assert user is not None and user.totp_enabled_at is not None
    assert user.totp_secret == demo_totp_secret(fund_manager.email)
    applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@example.org"))
    assert applicant is not None and applicant.totp_secret is None

    result = app.test_cli_runner().invoke(args=["demo", "code", fund_manager.email])

    assert result.exit_code == 0, result.output
    assert f"Code for {fund_manager.email} now: {pyotp.TOTP(user.totp_secret).now()}" in result.output
    assert "authenticator app" in result.output
    refused = app.test_cli_runner().invoke(args=["demo", "code", "applicant@example.org"])
    assert refused.exit_code != 0
    assert "not one of the demo's staff" in refused.output
