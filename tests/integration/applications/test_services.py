"""Application services: starting, saving every post, optimistic locking, completing, submitting, screening."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.states import LegalType
from fundapp.applications import progress, services
from fundapp.applications.models import Answer, Application
from fundapp.applications.states import ApplicationStatus, SectionStatus
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.core.errors import DomainError, InvalidTransition, NotAllowed
from fundapp.core.mail.models import OutboxMessage
from tests.factories import MembershipFactory, UserFactory, applicant_with_organisation, staff_user
from tests.integration.applications.conftest import (
    complete_application,
    make_sef_round,
    raws_from_post,
    started_application,
)
from tests.sample_files import pdf_bytes, png_bytes
from tests.sef_answers import sef_section_posts


def _events(db_session: Any, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# --- starting ------------------------------------------------------------------------------------------


def test_start_creates_a_draft_with_a_not_started_row_per_section(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference is None
    assert [s.section_key for s in application.sections][:2] == ["organisation", "project_summary"]
    assert {s.status for s in application.sections} == {SectionStatus.NOT_STARTED}
    assert _events(db_session, "application.started")


def test_start_refused_for_someone_outside_the_organisation(sef_round, applicant) -> None:
    _user, organisation = applicant
    with pytest.raises(NotAllowed):
        started_application(sef_round, UserFactory(), organisation)


def test_start_refused_for_a_second_application_from_the_same_organisation(sef_round, applicant) -> None:
    user, organisation = applicant
    started_application(sef_round, user, organisation)
    with pytest.raises(DomainError, match="already has an application"):
        started_application(sef_round, user, organisation)


def test_start_allows_as_many_applications_as_the_call_allows(db_session, applicant) -> None:
    round_ = make_sef_round(code="SEF-10")
    round_.max_applications_per_organisation = 2
    user, organisation = applicant
    started_application(round_, user, organisation)
    started_application(round_, user, organisation)
    with pytest.raises(DomainError, match="each organisation can make 2"):
        started_application(round_, user, organisation)


def test_a_withdrawn_application_does_not_count_towards_the_limit(sef_round, applicant) -> None:
    user, organisation = applicant
    first = started_application(sef_round, user, organisation)
    services.withdraw_application(actor=user, application=first, reason="Started by mistake")
    assert started_application(sef_round, user, organisation).id != first.id


def test_start_refused_after_the_call_closes(db_session, applicant) -> None:
    round_ = make_sef_round(code="SEF-11")
    user, organisation = applicant
    with pytest.raises(services.CallClosed, match="closed"):
        services.start_application(
            actor=user, round_=round_, organisation=organisation, now=round_.closes_at + timedelta(seconds=1)
        )


# --- saving --------------------------------------------------------------------------------------------


def _save(application: Application, user, key: str, data: dict[str, Any], *, version: int | None = None):  # type: ignore[no-untyped-def]
    row = next(s for s in application.sections if s.section_key == key)
    return services.save_section(
        actor=user,
        application=application,
        section_key=key,
        raws=raws_from_post(application.round, key, data),
        version=row.version if version is None else version,
        now=utcnow(),
    )


def test_invalid_answers_are_saved_as_typed_with_their_errors(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    result = _save(
        application,
        user,
        "project_summary",
        {
            "project_title": "Bridges",
            "amount_requested": "twelve grand",
            "start_date-day": "31",
            "start_date-month": "2",
        },
    )
    assert result.errors["amount_requested"] == "Enter an amount in pounds, like £12,500 or 12500.50"
    assert result.errors["start_date"] == "The date your project will start must include a year"
    answers = {a.question_key: a for a in db_session.scalars(sa.select(Answer))}
    assert answers["amount_requested"].raw == "twelve grand"
    assert answers["amount_requested"].value is None
    assert answers["start_date"].raw == {"day": "31", "month": "2", "year": ""}
    assert answers["project_title"].value == "Bridges"
    assert application.project_title == "Bridges"
    row = next(s for s in application.sections if s.section_key == "project_summary")
    assert row.status == SectionStatus.IN_PROGRESS
    assert row.version == 1


def test_money_is_stored_in_pence_and_copied_to_the_application(sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    _save(application, user, "project_summary", {"amount_requested": "£12,500.50"})
    assert application.amount_requested_pence == 1_250_050


def test_a_save_from_a_stale_page_is_refused_and_overwrites_nothing(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    colleague = MembershipFactory(organisation=organisation).user
    application = started_application(sef_round, user, organisation)
    _save(application, user, "risks", {"risks": "Bad weather"}, version=0)
    with pytest.raises(services.EditConflict) as conflict:
        _save(application, colleague, "risks", {"risks": "Venue falls through"}, version=0)
    assert conflict.value.section.updated_by_id == user.id
    assert "after you opened this page" in conflict.value.message
    risks = db_session.scalar(sa.select(Answer).where(Answer.question_key == "risks"))
    assert risks.raw == "Bad weather"
    # Having seen both, the colleague saves again from the current version, deliberately.
    _save(application, colleague, "risks", {"risks": "Venue falls through"}, version=conflict.value.section.version)
    db_session.refresh(risks)
    assert risks.raw == "Venue falls through"


def test_only_members_can_save_and_only_while_draft(sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    with pytest.raises(NotAllowed):
        _save(application, UserFactory(), "risks", {"risks": "x"})
    services.withdraw_application(actor=user, application=application, reason="No longer needed")
    with pytest.raises(DomainError, match="can no longer be changed"):
        _save(application, user, "risks", {"risks": "x"})


def test_saving_after_the_deadline_is_refused(db_session, applicant) -> None:
    round_ = make_sef_round(code="SEF-12")
    user, organisation = applicant
    application = started_application(round_, user, organisation)
    row = application.sections[0]
    with pytest.raises(services.CallClosed):
        services.save_section(
            actor=user,
            application=application,
            section_key=row.section_key,
            raws={},
            version=row.version,
            now=round_.closes_at,
        )


# --- completing ----------------------------------------------------------------------------------------


def test_a_section_with_problems_cannot_be_marked_complete(sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    _save(application, user, "risks", {"risks": ""})
    with pytest.raises(services.IncompleteApplication):
        services.complete_section(actor=user, application=application, section_key="risks", completed=True)
    _save(application, user, "risks", {"risks": "Bad weather"})
    services.complete_section(actor=user, application=application, section_key="risks", completed=True)
    assert next(s for s in application.sections if s.section_key == "risks").status == SectionStatus.COMPLETED


def test_changing_the_amount_reopens_the_completed_budget_that_no_longer_adds_up(sef_round, applicant) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    data = sef_section_posts(theme_id=sef_round.themes[0].id)["project_summary"]
    _save(application, user, "project_summary", {**data, "amount_requested": "£21,000"})
    budget = next(s for s in application.sections if s.section_key == "budget")
    assert budget.status == SectionStatus.IN_PROGRESS
    assert "budget" in progress.submission_problems(application)


# --- submitting ----------------------------------------------------------------------------------------


def test_submit_gives_a_reference_screens_stores_a_pdf_copy_and_emails(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    assert application.reference == "SEF-9-0001"
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.submitted_by_id == user.id
    assert sef_round.last_application_number == 1
    document = db_session.scalar(sa.select(StoredDocument).where(StoredDocument.subject_id == application.id))
    assert document.kind == services.COPY_KIND
    assert document.filename == "application-SEF-9-0001.pdf"
    assert document.inputs["reference"] == "SEF-9-0001"
    assert document.inputs["submitted_by"] == user.full_name
    assert len(document.sha256) == 64
    subjects = [m.subject for m in db_session.scalars(sa.select(OutboxMessage))]
    assert "Application SEF-9-0001 received" in subjects
    assert [e.data["to"] for e in _events(db_session, "application.submitted")] == ["submitted"]
    assert [e.data["to"] for e in _events(db_session, "application.screened")] == ["eligible"]


def test_references_count_up_per_call(sef_round, db_session) -> None:
    references = []
    for _ in range(2):
        user, organisation = applicant_with_organisation()
        application = complete_application(started_application(sef_round, user, organisation), user)
        services.submit_application(actor=user, application=application, now=utcnow())
        references.append(application.reference)
    assert references == ["SEF-9-0001", "SEF-9-0002"]


def test_submit_a_second_before_the_deadline_succeeds(db_session, applicant) -> None:
    round_ = make_sef_round(code="SEF-13")
    user, organisation = applicant
    application = complete_application(started_application(round_, user, organisation), user)
    services.submit_application(actor=user, application=application, now=round_.closes_at - timedelta(seconds=1))
    assert application.status == ApplicationStatus.ELIGIBLE


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1)])
def test_submit_at_or_after_the_deadline_leaves_the_draft_intact(db_session, applicant, after) -> None:
    round_ = make_sef_round(code="SEF-14")
    user, organisation = applicant
    application = complete_application(started_application(round_, user, organisation), user)
    answers_before = {a.question_key: a.raw for a in application.answers}
    with pytest.raises(services.CallClosed, match="This call closed at"):
        services.submit_application(actor=user, application=application, now=round_.closes_at + after)
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference is None
    assert {a.question_key: a.raw for a in application.answers} == answers_before
    assert round_.last_application_number == 0


def test_submitting_twice_submits_once(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    with pytest.raises(services.AlreadySubmitted):
        services.submit_application(actor=user, application=application, now=utcnow())
    assert sef_round.last_application_number == 1
    assert len(_events(db_session, "application.submitted")) == 1


def test_an_incomplete_application_cannot_be_submitted(sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    _save(application, user, "risks", {"risks": "Bad weather"})
    _save(application, user, "need", {"need_description": "Lots"})
    with pytest.raises(services.IncompleteApplication) as incomplete:
        services.submit_application(actor=user, application=application, now=utcnow())
    assert incomplete.value.problems["risks"] == "Not marked as completed"
    assert incomplete.value.problems["need"] == "1 answer needs attention"
    assert incomplete.value.problems["budget"] == "Not started"
    assert application.status == ApplicationStatus.DRAFT


# --- eligibility ---------------------------------------------------------------------------------------


def test_an_organisation_type_the_call_excludes_is_screened_ineligible_with_reasons(db_session) -> None:
    round_ = make_sef_round(code="SEF-15", eligible_legal_types=[LegalType.CIO.value])
    user, organisation = applicant_with_organisation(legal_type=LegalType.CIC, charity_number=None)
    application = complete_application(started_application(round_, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    assert application.status == ApplicationStatus.INELIGIBLE
    assert application.eligibility_reasons == [
        "Your organisation type (Community interest company (CIC)) cannot apply to this call."
    ]
    subjects = [m.subject for m in db_session.scalars(sa.select(OutboxMessage))]
    assert "Application SEF-15-0001: not eligible" in subjects


def test_a_required_document_that_is_missing_makes_an_application_ineligible(db_session, applicant) -> None:
    round_ = make_sef_round(code="SEF-16", required_documents=["need_evidence_files"])
    user, organisation = applicant
    application = complete_application(started_application(round_, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    assert len(application.eligibility_reasons) == 1
    assert application.eligibility_reasons[0].startswith(
        "This call requires a document you did not upload (the question"
    )


def test_a_fund_manager_overrides_screening_with_a_reason_that_is_audited(db_session) -> None:
    round_ = make_sef_round(code="SEF-17", eligible_legal_types=[LegalType.CIO.value])
    user, organisation = applicant_with_organisation(legal_type=LegalType.CIC, charity_number=None)
    application = complete_application(started_application(round_, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    manager = staff_user(
        __import__("fundapp.accounts.states", fromlist=["StaffRole"]).StaffRole.FUND_MANAGER, fund_id=round_.fund_id
    )
    with pytest.raises(DomainError, match="Enter the reason"):
        services.override_eligibility(actor=manager, application=application, eligible=True, reason=" ")
    services.override_eligibility(
        actor=manager, application=application, eligible=True, reason="CIC is asset-locked; the panel agreed"
    )
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.eligibility_override_reason == "CIC is asset-locked; the panel agreed"
    event = _events(db_session, "application.eligibility_overridden")[0]
    assert event.actor_id == manager.id
    assert event.data == {"from": "ineligible", "to": "eligible", "reason": "CIC is asset-locked; the panel agreed"}


def test_only_the_calls_fund_managers_can_override(sef_round, applicant) -> None:
    from fundapp.accounts.states import StaffRole

    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    for outsider in (
        user,
        staff_user(StaffRole.ASSESSOR),
        staff_user(StaffRole.FUND_MANAGER, fund_id=None, round_id=None),
    ):
        if outsider is not user and outsider.role_assignments[0].role == StaffRole.FUND_MANAGER:
            continue  # a system-wide fund manager may
        with pytest.raises(NotAllowed):
            services.override_eligibility(actor=outsider, application=application, eligible=False, reason="x")


# --- withdrawing ---------------------------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_is_audited(sef_round, applicant, db_session) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    with pytest.raises(DomainError, match="Enter why"):
        services.withdraw_application(actor=user, application=application, reason="")
    services.withdraw_application(actor=user, application=application, reason="We found other funding")
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawal_reason == "We found other funding"
    assert _events(db_session, "application.withdrawn")[0].data["reason"] == "We found other funding"


def test_an_application_cannot_be_withdrawn_after_a_decision(db_session) -> None:
    from tests.factories import ApplicationFactory

    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation, eligible=True)
    application.status = ApplicationStatus.APPROVED
    with pytest.raises(InvalidTransition):
        services.withdraw_application(actor=user, application=application, reason="Too late")


def test_files_are_saved_with_the_section_and_a_refused_file_is_that_questions_error(sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    row = next(s for s in application.sections if s.section_key == "need")
    result = services.save_section(
        actor=user,
        application=application,
        section_key="need",
        raws={"need_description": "Rising hate crime", "need_evidence": "Survey"},
        version=row.version,
        now=utcnow(),
        files={"need_evidence_files": [("survey.pdf", pdf_bytes()), ("photo.pdf", png_bytes())]},
    )
    assert [a.filename for a in application.attachments] == ["survey.pdf"]
    assert "need_evidence_files" in result.errors
    assert {a.question_key: a.raw for a in application.answers}["need_description"] == "Rising hate crime"
