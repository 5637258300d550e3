"""Monitoring reports through the services: scheduled when an award is accepted, saved section by section (keeping
what was typed), submitted, sent back with comments and resubmitted (history kept), approved (releasing the tranche
that waits on it), reminders, and who may do each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import StaffRole
from fundapp.awards import services as award_services
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core.clock import to_london, utcnow
from fundapp.core.errors import DomainError, InvalidTransition, NotAllowed
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.monitoring import DEFAULT_METRICS, DEFAULT_REPORTS, ReportKind
from fundapp.programmes.states import PaymentTrigger
from fundapp.reporting import queries, services
from fundapp.reporting.states import ReportStatus, ReviewOutcome
from tests.factories import (
    MembershipFactory,
    ReportFactory,
    UserFactory,
    fill_report,
    give_budget_and_targets,
    report_values,
    staff_user,
    submitted_report,
)
from tests.integration.awards.offers import accept, events, make_offer
from tests.integration.reporting.conftest import accepted_offer


def _outbox(subject_part: str) -> list[OutboxMessage]:
    return [m for m in db.session.scalars(sa.select(OutboxMessage)) if subject_part in m.subject]


def test_accepting_an_award_schedules_an_interim_report_at_the_mid_point_and_a_final_one_after_the_end(
    db_session: Any,
) -> None:
    offer = accepted_offer()
    award = offer.award
    interim, final = queries.list_award_reports(award.id)
    assert (interim.kind, final.kind) == (ReportKind.INTERIM, ReportKind.FINAL)
    assert interim.due_on == award.project_start + (award.project_end - award.project_start) / 2
    assert final.due_on == award.project_end + timedelta(weeks=8)
    assert {interim.status, final.status} == {ReportStatus.DUE}
    assert events("reports.scheduled")[0].subject_id == award.id


def test_scheduling_twice_creates_nothing_more(db_session: Any) -> None:
    offer = accepted_offer()
    assert services.schedule_reports(award=offer.award, actor=None, now=utcnow()) == []
    assert len(queries.list_award_reports(offer.award.id)) == len(DEFAULT_REPORTS)


def test_saving_a_section_keeps_what_was_typed_and_says_what_is_wrong_at_each_field(db_session: Any) -> None:
    offer = accepted_offer()
    report = queries.list_award_reports(offer.award.id)[0]
    typed = {"metrics": {"londoners_reached": "1,250", "sessions_delivered": "-3", "volunteers_involved": "2.5"}}
    checked = services.save_section(
        actor=offer.owner, report=report, section="results", typed=typed, version=0, now=utcnow()
    )
    assert checked.errors == {
        "metric_sessions_delivered": "Sessions delivered cannot be negative; enter 0 if there were none",
        "metric_volunteers_involved": "Volunteers involved must be a whole number, like 120",
        "metric_participants_reporting_change": (
            "Enter the number of participants reporting a change, or 0 if there were none"
        ),
    }
    assert report.raw["metrics"]["sessions_delivered"] == "-3"
    assert report.values["metrics"] == {"londoners_reached": 1250}
    assert report.status == ReportStatus.DRAFT and report.version == 1


def test_a_save_from_a_page_opened_before_someone_elses_save_changes_nothing(db_session: Any) -> None:
    offer = accepted_offer()
    report = queries.list_award_reports(offer.award.id)[0]
    services.save_section(
        actor=offer.owner, report=report, section="delivery", typed={"delivered": "First"}, version=0, now=utcnow()
    )
    with pytest.raises(services.ReportChanged):
        services.save_section(
            actor=offer.owner, report=report, section="delivery", typed={"delivered": "Second"}, version=0, now=utcnow()
        )
    assert report.raw["delivered"] == "First"


def test_only_members_of_the_grantee_can_save_and_never_after_submission(db_session: Any) -> None:
    offer = accepted_offer()
    report = queries.list_award_reports(offer.award.id)[0]
    with pytest.raises(NotAllowed):
        services.save_section(
            actor=UserFactory(), report=report, section="places", typed={"boroughs": []}, version=0, now=utcnow()
        )
    submitted = submitted_report()
    member = MembershipFactory(organisation=submitted.award.organisation).user
    with pytest.raises(DomainError, match="can no longer be changed"):
        services.save_section(
            actor=member, report=submitted, section="places", typed={}, version=submitted.version, now=utcnow()
        )


def test_submitting_needs_every_section_and_names_those_missing(db_session: Any) -> None:
    offer = accepted_offer()
    report = queries.list_award_reports(offer.award.id)[0]
    services.save_section(
        actor=offer.owner,
        report=report,
        section="places",
        typed={"boroughs": ["E09000001"]},
        version=0,
        now=utcnow(),
    )
    with pytest.raises(DomainError, match="results, what you delivered, spending$"):
        services.submit_report(actor=offer.owner, report=report, version=report.version, now=utcnow())
    assert report.status == ReportStatus.DRAFT


def test_submitting_keeps_the_content_and_tells_the_fund_managers(db_session: Any) -> None:
    offer = accepted_offer()
    report = fill_report(queries.list_award_reports(offer.award.id)[0])
    services.save_section(
        actor=offer.owner, report=report, section="places", typed=report_values(report), version=0, now=utcnow()
    )
    submission = services.submit_report(actor=offer.owner, report=report, version=report.version, now=utcnow())
    assert report.status == ReportStatus.SUBMITTED and submission.number == 1
    assert submission.content["values"]["metrics"]["londoners_reached"] == 10
    assert [m["label"] for m in submission.content["metrics"]] == [m.label for m in DEFAULT_METRICS]
    assert _outbox(f"Interim report submitted for {offer.award.reference}")


def test_changes_requested_then_resubmitted_keeps_both_submissions_and_the_comments(db_session: Any) -> None:
    report = submitted_report()
    manager = staff_user(StaffRole.FUND_MANAGER)
    with pytest.raises(DomainError) as missing:
        services.request_changes(actor=manager, report=report, comments="  ", now=utcnow())
    assert missing.value.field == "comments"
    services.request_changes(actor=manager, report=report, comments="Add the second venue's numbers", now=utcnow())
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert _outbox(f"Changes needed to your interim report for {report.award.reference}")
    member = MembershipFactory(organisation=report.award.organisation).user
    services.save_section(
        actor=member,
        report=report,
        section="results",
        typed={"metrics": {**report.raw["metrics"], "londoners_reached": "480"}},
        version=report.version,
        now=utcnow(),
    )
    services.submit_report(actor=member, report=report, version=report.version, now=utcnow())
    first, second = report.submissions
    assert (first.outcome, first.comments) == (ReviewOutcome.CHANGES_REQUESTED, "Add the second venue's numbers")
    assert first.content["values"]["metrics"]["londoners_reached"] == 10
    assert second.content["values"]["metrics"]["londoners_reached"] == 480 and second.outcome is None
    assert report.status == ReportStatus.SUBMITTED


def test_approving_the_interim_report_makes_the_tranche_waiting_on_it_due(db_session: Any) -> None:
    offer = accepted_offer()
    report = fill_report(queries.list_award_reports(offer.award.id)[0])
    services.save_section(
        actor=offer.owner, report=report, section="places", typed=report_values(report), version=0, now=utcnow()
    )
    services.submit_report(actor=offer.owner, report=report, version=report.version, now=utcnow())
    moment = utcnow()
    released = services.approve_report(actor=offer.manager, report=report, comments="Thank you", now=moment)
    interim_tranche = next(p for p in offer.award.payments if p.trigger == PaymentTrigger.INTERIM_REPORT)
    final_tranche = next(p for p in offer.award.payments if p.trigger == PaymentTrigger.FINAL_REPORT)
    assert released == [interim_tranche.id]
    assert interim_tranche.due_at == moment and final_tranche.due_at is None
    assert report.status == ReportStatus.APPROVED and report.approved_by_id == offer.manager.id
    assert _outbox(f"Your interim report for {offer.award.reference} is approved")
    with pytest.raises(InvalidTransition):
        services.request_changes(actor=offer.manager, report=report, comments="Too late", now=utcnow())


def test_finance_officers_and_assessors_cannot_review_reports(db_session: Any) -> None:
    report = submitted_report()
    for role in (StaffRole.FINANCE_OFFICER, StaffRole.ASSESSOR):
        with pytest.raises(NotAllowed):
            services.approve_report(actor=staff_user(role), report=report, comments="", now=utcnow())
    assert report.status == ReportStatus.SUBMITTED


def _remind(now: Any) -> services.Reminders:
    return services.send_report_reminders(now=now)


def test_grantees_are_reminded_once_before_the_due_date_and_weekly_once_overdue(db_session: Any) -> None:
    now = utcnow()
    today = to_london(now).date()
    soon = ReportFactory(due_on=today + timedelta(days=10))
    later = ReportFactory(due_on=today + timedelta(days=40))
    late = ReportFactory(due_on=today - timedelta(days=1))
    done = fill_report(ReportFactory(due_on=today - timedelta(days=3), status=ReportStatus.APPROVED))
    for report in (soon, later, late, done):
        MembershipFactory(organisation=report.award.organisation)
    assert _remind(now) == services.Reminders(due_soon=1, overdue=1)
    assert soon.due_reminder_sent_at == now and later.due_reminder_sent_at is None
    assert _remind(now + timedelta(days=1)) == services.Reminders(due_soon=0, overdue=0)
    assert _remind(now + timedelta(days=7)) == services.Reminders(due_soon=0, overdue=1)
    assert _outbox("is overdue")


def test_monitoring_settings_are_fixed_once_grantees_report_against_them(db_session: Any) -> None:
    offer = make_offer()
    manager = offer.manager
    metrics = DEFAULT_METRICS[:2]
    assert services.update_monitoring_settings(
        actor=manager, round_=offer.award.round, metrics=metrics, reports=DEFAULT_REPORTS
    )
    assert offer.award.round.report_metrics == [m.as_json() for m in metrics]
    accept(offer)
    with pytest.raises(DomainError, match="already reporting"):
        services.update_monitoring_settings(
            actor=manager, round_=offer.award.round, metrics=DEFAULT_METRICS, reports=DEFAULT_REPORTS
        )
    with pytest.raises(NotAllowed):
        services.update_monitoring_settings(
            actor=staff_user(StaffRole.FINANCE_OFFICER),
            round_=offer.award.round,
            metrics=metrics,
            reports=DEFAULT_REPORTS,
        )


def test_reports_of_a_withdrawn_award_are_no_longer_listed_for_the_call(db_session: Any) -> None:
    offer = accepted_offer()
    reports = queries.list_award_reports(offer.award.id)
    assert queries.list_round_reports(round_id=offer.award.round_id) == reports
    award_services.withdraw_award(actor=offer.manager, award=offer.award, reason="Project cancelled", now=utcnow())
    assert queries.list_round_reports(round_id=offer.award.round_id) == []
    assert queries.list_reports_for_user(offer.owner.id) == []


def _approve(offer: Any, report: Any) -> list[int]:
    fill_report(report)
    services.save_section(
        actor=offer.owner,
        report=report,
        section="places",
        typed=report_values(report),
        version=report.version,
        now=utcnow(),
    )
    services.submit_report(actor=offer.owner, report=report, version=report.version, now=utcnow())
    return services.approve_report(actor=offer.manager, report=report, comments="", now=utcnow())


def _pay_due(offer: Any) -> None:
    for payment in offer.award.payments:
        if payment.due_at is not None and payment.status != PaymentStatus.PAID:
            award_services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
            award_services.record_payment_paid(
                actor=offer.finance,
                payment=payment,
                reference=f"BACS-{payment.position}",
                paid_on=to_london(utcnow()).date(),
                now=utcnow(),
            )


def test_the_grant_completes_when_the_final_reports_tranche_is_paid(db_session: Any) -> None:
    offer = accepted_offer()
    interim, final = queries.list_award_reports(offer.award.id)
    _pay_due(offer)
    _approve(offer, interim)
    _pay_due(offer)
    assert offer.award.status == AwardStatus.ACTIVE
    _approve(offer, final)
    assert offer.award.status == AwardStatus.ACTIVE  # the final payment is due, not yet paid
    _pay_due(offer)
    assert offer.award.status == AwardStatus.COMPLETED
    assert events("award.completed")[0].subject_id == offer.award.id


def test_without_a_final_tranche_approving_the_final_report_of_a_paid_grant_completes_it(db_session: Any) -> None:
    offer = make_offer(letter=True)
    offer.award.payments[1].trigger = PaymentTrigger.ACCEPTANCE
    offer.award.payments[2].trigger = PaymentTrigger.INTERIM_REPORT
    give_budget_and_targets(offer.award.application)
    accept(offer)
    interim, final = queries.list_award_reports(offer.award.id)
    _pay_due(offer)
    _approve(offer, interim)
    _pay_due(offer)
    assert offer.award.status == AwardStatus.ACTIVE
    _approve(offer, final)
    assert offer.award.status == AwardStatus.COMPLETED
