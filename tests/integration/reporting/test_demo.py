"""`flask demo load` leaves SEF-5's four accepted awards with their interim reports due around today, one in each
state: approved (its second tranche released and paid), waiting for review, sent back with changes requested, and
not started and overdue. The people it prints can take the reports on from there.

The demo is loaded once for the module (see loaded_demo in tests/integration/programmes/test_demo_cli.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts import queries as account_queries
from fundapp.accounts.models import User
from fundapp.awards import queries as award_queries
from fundapp.awards import services as award_services
from fundapp.awards.models import Award, Payment
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core import storage
from fundapp.core.clock import to_london, utcnow
from fundapp.extensions import db
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.monitoring import ReportKind
from fundapp.programmes.states import PaymentTrigger
from fundapp.reporting import content, queries, services
from fundapp.reporting.models import Report, ReportEvidence, ReportSubmission
from fundapp.reporting.states import ReportStatus, ReviewOutcome
from tests.factories import report_values
from tests.integration.programmes.test_demo_cli import LoadedDemo, load, loaded_demo

__all__ = ["loaded_demo"]

pytestmark = pytest.mark.usefixtures("loaded_demo")

APPROVED, SUBMITTED = "Enfield Safer Schools Partnership", "Lewisham Young Voices"
SENT_BACK, OVERDUE = "Southall Community Alliance", "Croydon Digital Futures CIC"


def _today() -> date:
    return to_london(utcnow()).date()


def _awards() -> dict[str, Award]:
    round_ = programme_queries.find_round_by_code("SEF-5")
    assert round_ is not None
    return {a.organisation.name: a for a in award_queries.list_round_awards(round_.id)}


def _interim(organisation: str) -> Report:
    reports = queries.list_award_reports(_awards()[organisation].id)
    (interim,) = [r for r in reports if r.kind == ReportKind.INTERIM]
    return interim


def _person(email: str) -> User:
    user = account_queries.find_user_by_email(email)
    assert user is not None
    return user


def _tranche(award: Award, trigger: PaymentTrigger) -> Payment:
    (payment,) = [p for p in award.payments if p.trigger == trigger]
    return payment


@pytest.fixture
def undone() -> Iterator[None]:
    """Whatever the test does to the loaded demo is rolled back after it, so the module's other tests see the demo
    as loaded."""
    savepoint = db.session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        db.session.expire_all()


def test_the_accepted_awards_interim_reports_stand_one_in_each_state() -> None:
    states = {name: _interim(name).status for name in (APPROVED, SUBMITTED, SENT_BACK, OVERDUE)}

    assert states == {
        APPROVED: ReportStatus.APPROVED,
        SUBMITTED: ReportStatus.SUBMITTED,
        SENT_BACK: ReportStatus.CHANGES_REQUESTED,
        OVERDUE: ReportStatus.DUE,
    }
    assert {a.status for a in _awards().values() if a.organisation.name in states} == {AwardStatus.ACTIVE}
    # Their projects' mid-points fall around the day the demo is loaded, some just past.
    today = _today()
    due = {name: _interim(name).due_on for name in states}
    assert all(-31 <= (day - today).days <= 14 for day in due.values())
    assert due[APPROVED] < due[SENT_BACK] < due[OVERDUE] < today < due[SUBMITTED]


def test_the_not_started_report_is_overdue_and_still_untouched() -> None:
    report = _interim(OVERDUE)
    round_id = report.round_id

    overdue = queries.list_round_reports(round_id=round_id, overdue_on=_today())
    assert report in overdue
    assert report.version == 0 and not report.submissions and not report.values and not report.evidence


def test_the_approved_report_has_results_against_targets_evidence_and_released_its_paid_second_tranche() -> None:
    report = _interim(APPROVED)
    award = report.award
    ctx = queries.load_report_context(report)
    (submission,) = report.submissions

    assert submission.outcome == ReviewOutcome.APPROVED and submission.reviewed_by_id == award.decided_by_id
    assert report.approved_by_id == award.decided_by_id and report.approved_at is not None
    assert content.incomplete_sections(report.values, ctx) == []
    results = report.values["metrics"]
    assert all(0 < results[key] <= target for key, target in ctx.targets.items() if target)
    assert len(report.values["spend"]) == len(ctx.budget) >= 2
    assert 0 < content.total_spent(report.values) <= _tranche(award, PaymentTrigger.ACCEPTANCE).amount_pence
    assert report.values["boroughs"]
    (evidence,) = report.evidence
    data = storage.read(evidence.storage_key)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == evidence.sha256
    second = _tranche(award, PaymentTrigger.INTERIM_REPORT)
    assert second.status == PaymentStatus.PAID and second.due_at is not None
    assert second.payment_reference == f"BACS-{award.reference}-2" and second.paid_on == _today()
    finance = _person("finance@example.org")
    assert second.approved_by_id == second.recorded_by_id == finance.id != award.decided_by_id
    final = _tranche(award, PaymentTrigger.FINAL_REPORT)
    assert final.status == PaymentStatus.SCHEDULED and final.due_at is None


def test_the_submitted_report_waits_for_review_with_its_evidence() -> None:
    report = _interim(SUBMITTED)
    (submission,) = report.submissions

    assert submission.outcome is None and submission.submitted_by_id is not None
    assert submission.content["evidence"] and len(report.evidence) == 1
    assert _tranche(report.award, PaymentTrigger.INTERIM_REPORT).due_at is None


def test_the_report_sent_back_keeps_its_first_submission_and_the_fund_managers_comments() -> None:
    report = _interim(SENT_BACK)
    (submission,) = report.submissions

    assert submission.outcome == ReviewOutcome.CHANGES_REQUESTED
    assert submission.reviewed_by_id == _person("fund.manager@example.org").id
    assert "project co-ordinator" in submission.comments
    assert submission.content["values"] == report.values  # what they sent is still there to change
    assert _tranche(report.award, PaymentTrigger.INTERIM_REPORT).due_at is None


def test_the_printed_people_can_submit_the_overdue_report_request_changes_approve_and_pay(
    loaded_demo: LoadedDemo, undone: None
) -> None:
    awards = _awards()
    overdue, waiting = awards[OVERDUE], awards[SUBMITTED]
    grantee, other_grantee = _owner_email(overdue), _owner_email(waiting)
    manager, finance = _person("fund.manager@example.org"), _person("finance@example.org")
    for text in (grantee, f"overdue interim report of {overdue.reference}", waiting.reference, other_grantee):
        assert text in loaded_demo.output

    report = _interim(OVERDUE)
    _fill_and_submit(report, _person(grantee))
    assert report.status == ReportStatus.SUBMITTED
    review = _interim(SUBMITTED)
    services.request_changes(
        actor=manager, report=review, comments="Say which schools the mentors visited.", now=utcnow()
    )
    _fill_and_submit(review, _person(other_grantee))
    released = services.approve_report(actor=manager, report=review, comments="", now=utcnow())

    (second,) = [p for p in waiting.payments if p.id in released]
    award_services.approve_payment(actor=finance, payment=second, now=utcnow())
    assert second.status == PaymentStatus.APPROVED
    assert [s.outcome for s in review.submissions] == [ReviewOutcome.CHANGES_REQUESTED, ReviewOutcome.APPROVED]


def _owner_email(award: Award) -> str:
    return next(m.user.email for m in award.organisation.memberships if m.role.value == "owner")


def _fill_and_submit(report: Report, grantee: User) -> None:
    typed = report_values(report)
    for section in ("results", "delivery", "spending", "places"):
        services.save_section(
            actor=grantee, report=report, section=section, typed=typed, version=report.version, now=utcnow()
        )
    services.submit_report(actor=grantee, report=report, version=report.version, now=utcnow())


def test_loading_again_fills_and_pays_nothing_more(app: Flask) -> None:
    def counts() -> list[object]:
        rows = [
            db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in (Report, ReportSubmission, ReportEvidence)
        ]
        paid = db.session.scalar(sa.select(sa.func.count()).where(Payment.status == PaymentStatus.PAID))
        return [*rows, paid, sorted(r.status for r in db.session.scalars(sa.select(Report)))]

    before = counts()
    output = load(app)

    assert counts() == before
    assert "nothing new was created" in output
    assert "To try monitoring reports (SEF-5)" in output
