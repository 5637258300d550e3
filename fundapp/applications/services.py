"""Writes for applications. Every function flushes and never commits; the request commits once.

Services take plain values and an explicit actor, re-check permissions, raise DomainError subclasses naming the
field they belong to, and record an audit event for each change. An application's status changes only through
_move(), which checks the transition table in states.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fundapp.accounts.models import Organisation, User
from fundapp.accounts.permissions import is_member
from fundapp.applications import answers as answer_rules
from fundapp.applications import attachments, documents, permissions, progress, queries
from fundapp.applications.eligibility import EligibilityFacts, eligibility_reasons
from fundapp.applications.models import Answer, Application, ApplicationSection
from fundapp.applications.states import (
    APPLICATION_TRANSITIONS,
    DECIDED,
    ApplicationStatus,
    SectionStatus,
)
from fundapp.core.audit import record_event
from fundapp.core.clock import format_datetime, utcnow
from fundapp.core.documents import store_document
from fundapp.core.errors import DomainError, NotAllowed, check_transition
from fundapp.core.mail.services import queue_email
from fundapp.core.transitions import record_transition
from fundapp.core.urls import external_url
from fundapp.extensions import db
from fundapp.programmes.models import Round, Section
from fundapp.programmes.states import QuestionType


class EditConflict(DomainError):
    """Someone else saved the section after this page was loaded; nothing was overwritten."""

    def __init__(self, section: ApplicationSection) -> None:
        who = section.updated_by.full_name if section.updated_by else "Someone else"
        super().__init__(
            f"{who} saved this section at {format_datetime(section.updated_at)}, after you opened this page. "
            "Your changes have not been saved, so nothing was overwritten: they are still in the form below. "
            "Compare them with the saved answers, then save again."
        )
        self.section = section


class IncompleteApplication(DomainError):
    """The application cannot be submitted yet; `problems` maps section keys to what is missing there."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("Complete every section before you submit your application.")
        self.problems = problems


class CallClosed(DomainError):
    """The call is not open for applications at this moment (server clock)."""


class AlreadySubmitted(DomainError):
    """The application has already been submitted (a second click, or another member got there first)."""


def _require_open(round_: Round, now: datetime) -> None:
    if not progress.is_open_for_applications(round_, now):
        if now >= round_.closes_at:
            raise CallClosed(f"This call closed at {format_datetime(round_.closes_at)}.")
        raise CallClosed("This call is not open for applications.")


def _require_editable(actor: User, application: Application) -> None:
    if not permissions.is_applicant_for(actor, application):
        raise NotAllowed("Only members of the organisation can change this application.")
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError("This application has been submitted, so it can no longer be changed.")


# --- starting and saving -------------------------------------------------------------------------------


def start_application(*, actor: User, round_: Round, organisation: Organisation, now: datetime) -> Application:
    """Start a draft application for an organisation the actor belongs to.

    Raises NotAllowed if the actor is not a member; CallClosed if the call is not open now; DomainError if the
    organisation already has as many applications to this call as the call allows.
    """
    if not is_member(actor, organisation):
        raise NotAllowed("You can only apply for an organisation you belong to.", field="organisation")
    _require_open(round_, now)
    if round_.question_set is None:
        raise CallClosed("This call is not open for applications.")
    made = queries.count_active_applications(round_id=round_.id, organisation_id=organisation.id)
    if made >= round_.max_applications_per_organisation:
        allowed = round_.max_applications_per_organisation
        raise DomainError(
            f"{organisation.name} already has {'an application' if allowed == 1 else f'{made} applications'} "
            f"to this call, and each organisation can make {'only one' if allowed == 1 else allowed}.",
            field="organisation",
        )
    application = Application(
        round=round_,
        organisation=organisation,
        status=ApplicationStatus.DRAFT,
        created_by_id=actor.id,
        sections=[ApplicationSection(section_key=s.key, version=0) for s in progress.form_sections(round_)],
    )
    db.session.add(application)
    db.session.flush()
    record_event(
        "application.started",
        actor=actor,
        subject=application,
        data={"round": round_.code, "organisation_id": organisation.id},
    )
    return application


def _section_row(application: Application, section_key: str) -> ApplicationSection:
    row = next((s for s in application.sections if s.section_key == section_key), None)
    if row is None:  # a section added to the form after the application started
        row = ApplicationSection(application=application, section_key=section_key, version=0)
        db.session.add(row)
        db.session.flush()
    return row


def _claim_version(row: ApplicationSection, version: int, actor: User, status: SectionStatus) -> None:
    """Move the section to version + 1 only if nobody else has saved since `version` (optimistic lock)."""
    now = utcnow()
    result = db.session.execute(
        sa.update(ApplicationSection)
        .where(ApplicationSection.id == row.id, ApplicationSection.version == version)
        .values(version=version + 1, updated_at=now, updated_by_id=actor.id, status=status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(row)
        raise EditConflict(row)
    db.session.refresh(row)


@dataclass(frozen=True)
class SaveResult:
    errors: dict[str, str]  # question key → message, for this section's questions
    version: int  # the section's version now: the page shown next must post it back


def save_section(
    *,
    actor: User,
    application: Application,
    section_key: str,
    raws: Mapping[str, Any],
    version: int,
    now: datetime,
    files: Mapping[str, Sequence[tuple[str, bytes]]] | None = None,
) -> SaveResult:
    """Save a section's answers exactly as typed, valid or not, and any files uploaded with them.

    `files` maps a file question's key to (filename, bytes) pairs; a file that is refused (wrong type, too big,
    one too many) becomes that question's error and the answers are saved all the same. Returns the errors to
    show. The section goes back to "in progress". Raises EditConflict when someone saved the section after
    `version` (nothing is overwritten), CallClosed after the deadline, NotAllowed/DomainError when it cannot be
    edited.
    """
    _require_editable(actor, application)
    _require_open(application.round, now)
    section = progress.find_form_section(application.round, section_key)
    if section is None:
        raise DomainError("This section is not part of the application form.")
    row = _section_row(application, section_key)
    _claim_version(row, version, actor, SectionStatus.IN_PROGRESS)
    by_key = {answer.question_key: answer for answer in application.answers}
    for question in section.questions:
        if question.type in (QuestionType.FILE,):
            continue
        raw = raws.get(question.key)
        answer = by_key.get(question.key)
        if answer is None:
            answer = Answer(application=application, question_key=question.key)
            db.session.add(answer)
        answer.raw = raw
        answer.updated_at = now
        answer.updated_by_id = actor.id
    db.session.flush()
    upload_errors = _add_files(actor, application, section, files or {})
    check = progress.check_whole_form(application)  # after the files: they change what the form needs
    for answer in application.answers:
        answer.value = check.values.get(answer.question_key)
    _copy_headline_answers(application, check.values)
    _reopen_sections_with_errors(application, check)
    db.session.flush()
    errors = {q.key: check.errors[q.key] for q in section.questions if q.key in check.errors} | upload_errors
    record_event(
        "application.section_saved",
        actor=actor,
        subject=application,
        data={"section": section_key, "version": row.version, "questions_with_errors": sorted(errors)},
    )
    return SaveResult(errors=errors, version=row.version)


def _add_files(
    actor: User, application: Application, section: Section, files: Mapping[str, Sequence[tuple[str, bytes]]]
) -> dict[str, str]:
    """Attach the uploaded files to their questions; returns the message of each question whose file was refused."""
    errors: dict[str, str] = {}
    for question in section.questions:
        if question.type != QuestionType.FILE:
            continue
        for filename, data in files.get(question.key, ()):
            try:
                attachments.add_attachment(
                    actor=actor, application=application, question=question, filename=filename, data=data
                )
            except DomainError as exc:
                errors[question.key] = exc.message
    return errors


def _copy_headline_answers(application: Application, values: Mapping[str, Any]) -> None:
    title = values.get("project_title")
    application.project_title = title[:200] if isinstance(title, str) else ""
    amount = values.get("amount_requested")
    application.amount_requested_pence = amount if isinstance(amount, int) and amount > 0 else None


def _reopen_sections_with_errors(application: Application, check: answer_rules.SectionCheck) -> None:
    """A completed section whose answers no longer hold (e.g. the budget no longer matches a changed amount)."""
    broken = progress.section_errors(application, check)
    for row in application.sections:
        if row.status == SectionStatus.COMPLETED and row.section_key in broken:
            row.status = SectionStatus.IN_PROGRESS


def complete_section(*, actor: User, application: Application, section_key: str, completed: bool) -> None:
    """Mark a section completed (only when every answer in it is valid) or leave it in progress.

    Raises IncompleteApplication (problems for this section) when marked complete with answers missing or wrong.
    """
    _require_editable(actor, application)
    section = progress.find_form_section(application.round, section_key)
    if section is None:
        raise DomainError("This section is not part of the application form.")
    row = _section_row(application, section_key)
    if completed:
        errors = progress.section_errors(application, progress.check_whole_form(application)).get(section_key)
        if errors:
            raise IncompleteApplication({section_key: f"{len(errors)} answer(s) in this section need attention"})
    target = SectionStatus.COMPLETED if completed else SectionStatus.IN_PROGRESS
    _claim_version(row, row.version, actor, target)
    record_event(
        "application.section_completed" if completed else "application.section_left_in_progress",
        actor=actor,
        subject=application,
        data={"section": section_key},
    )


# --- status changes ------------------------------------------------------------------------------------


def _move(
    application: Application,
    target: ApplicationStatus,
    *,
    actor: User | None,
    action: str,
    data: dict[str, Any] | None = None,
) -> None:
    previous = application.status
    check_transition("Application", APPLICATION_TRANSITIONS, previous, target)
    application.status = target
    record_transition(application, previous, actor=actor, action=action, data=data)


def _claim_submission(application: Application) -> None:
    """Draft → submitted as one conditional update, so a double click or two members submit exactly once."""
    check_transition("Application", APPLICATION_TRANSITIONS, application.status, ApplicationStatus.SUBMITTED)
    result = db.session.execute(
        sa.update(Application)
        .where(Application.id == application.id, Application.status == ApplicationStatus.DRAFT)
        .values(status=ApplicationStatus.SUBMITTED)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadySubmitted("This application has already been submitted.")


def _next_reference(round_: Round) -> str:
    """SEF-6-0042: the call's counter is raised by one atomic UPDATE (row-locked on PostgreSQL)."""
    db.session.execute(
        sa.update(Round)
        .where(Round.id == round_.id)
        .values(last_application_number=Round.last_application_number + 1)
        .execution_options(synchronize_session=False)
    )
    number = db.session.scalar(sa.select(Round.last_application_number).where(Round.id == round_.id))
    db.session.refresh(round_, ["last_application_number"])
    return f"{round_.code}-{number:04d}"


def submit_application(*, actor: User, application: Application, now: datetime) -> Application:
    """Submit a complete draft while the call is open (server clock), give it a reference and screen it.

    Raises CallClosed after the deadline (the draft is untouched), IncompleteApplication listing the sections
    still to do, AlreadySubmitted on a second submit, NotAllowed for non-members.
    """
    if not permissions.is_applicant_for(actor, application):
        raise NotAllowed("Only members of the organisation can submit this application.")
    if application.status != ApplicationStatus.DRAFT:
        raise AlreadySubmitted("This application has already been submitted.")
    _require_open(application.round, now)
    problems = progress.submission_problems(application)
    if problems:
        raise IncompleteApplication(problems)
    _claim_submission(application)  # the row is claimed; the object still says draft until _move below
    application.reference = _next_reference(application.round)
    application.submitted_at = now
    application.submitted_by = actor
    _move(
        application,
        ApplicationStatus.SUBMITTED,
        actor=actor,
        action="application.submitted",
        data={"reference": application.reference},
    )
    _store_copy(application, actor)
    screen_application(application=application)
    _acknowledge(application, actor)
    return application


COPY_KIND = documents.DOCUMENT_KIND


def _store_copy(application: Application, actor: User) -> None:
    copy = documents.build_application_copy(application)
    data = documents.render_application_copy(copy)
    store_document(
        kind=COPY_KIND,
        subject=application,
        data=data,
        filename=copy.filename,
        content_type=documents.CONTENT_TYPE,
        template_version=documents.TEMPLATE_VERSION,
        inputs=asdict(copy),
        actor=actor,
    )


def _acknowledge(application: Application, actor: User) -> None:
    _email_applicant(
        application,
        actor,
        subject=f"Application {application.reference} received",
        template="application_submitted",
        submitted_at_text=format_datetime(application.submitted_at),
        application_url=_application_url(application),
    )


def _email_applicant(application: Application, recipient: User, *, subject: str, template: str, **extra: Any) -> None:
    """Queue one of the applications emails to a person, with the facts every one of them states."""
    queue_email(
        to=recipient.email,
        subject=subject,
        template=f"applications/emails/{template}",
        context={
            "recipient_name": recipient.full_name,
            "reference": application.reference,
            "call_name": application.round.name,
            "organisation_name": application.organisation.name,
            "support_email": current_app.config["SUPPORT_EMAIL"],
            **extra,
        },
    )


def _application_url(application: Application) -> str:
    return external_url("applications.task_list", application_id=application.id)


# --- eligibility ---------------------------------------------------------------------------------------


def _eligibility_facts(application: Application) -> EligibilityFacts:
    round_ = application.round
    questions = {q.key: q for q in progress.all_questions(round_)}
    values = {answer.question_key: answer.value for answer in application.answers}
    match_question = next(
        (q for q in questions.values() if q.type == QuestionType.MONEY and q.config.get("match_funding_for_tier")),
        None,
    )
    evidence_question = next(
        (
            q
            for q in questions.values()
            if q.type == QuestionType.FILE and (q.config.get("show_if") or {}).get("tier_needs_match_funding")
        ),
        None,
    )
    match_value = values.get(match_question.key) if match_question else None
    ctx = progress.form_context(application)
    return EligibilityFacts(
        legal_type=application.organisation.legal_type.value,
        eligible_legal_types=round_.eligible_legal_types,
        borough_gss=application.organisation.borough_gss,
        amount_requested_pence=application.amount_requested_pence,
        tiers=ctx.tiers,
        match_funding_pence=match_value if isinstance(match_value, int) else None,
        match_evidence_question=evidence_question.key if evidence_question else None,
        required_documents=[(key, questions[key].label) for key in round_.required_documents if key in questions],
        attachment_counts=ctx.attachment_counts,
    )


def screen_application(*, application: Application) -> list[str]:
    """Run the automatic eligibility checks on a submitted application: eligible, or ineligible with reasons.

    Returns the reasons (empty when eligible). Raises InvalidTransition unless the application is submitted.
    """
    reasons = eligibility_reasons(_eligibility_facts(application))
    application.eligibility_reasons = reasons
    application.screened_at = utcnow()
    target = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
    _move(application, target, actor=None, action="application.screened", data={"reasons": reasons})
    if reasons:
        _tell_eligibility_outcome(application)
    return reasons


def override_eligibility(*, actor: User, application: Application, eligible: bool, reason: str) -> None:
    """A fund manager overrides the screening outcome, with a reason the audit log keeps.

    Raises NotAllowed for anyone who cannot manage the call, DomainError (field 'reason') without a reason, and
    InvalidTransition if the application is not eligible/ineligible or already has that outcome.
    """
    if not permissions.can_screen_applications(actor, application):
        raise NotAllowed("Only the call's fund managers can change an eligibility decision.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for changing the eligibility decision", field="reason")
    target = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    if application.status == target:
        raise DomainError(f"This application is already {'eligible' if eligible else 'ineligible'}", field="decision")
    application.eligibility_overridden_at = utcnow()
    application.eligibility_overridden_by_id = actor.id
    application.eligibility_override_reason = reason
    if eligible:
        application.eligibility_reasons = []
    else:
        application.eligibility_reasons = [reason]
    _move(
        application,
        target,
        actor=actor,
        action="application.eligibility_overridden",
        data={"reason": reason},
    )
    _tell_eligibility_outcome(application)


def _tell_eligibility_outcome(application: Application) -> None:
    eligible = application.status == ApplicationStatus.ELIGIBLE
    for member in application.organisation.memberships:
        _email_applicant(
            application,
            member.user,
            subject=f"Application {application.reference}: "
            + ("eligible for assessment" if eligible else "not eligible"),
            template="eligibility_outcome",
            eligible=eligible,
            reasons=list(application.eligibility_reasons),
            application_url=_application_url(application),
        )


# --- assessment (the assessment domain drives these; the status table here decides) ----------------------


def begin_assessment(*, actor: User | None, application: Application) -> None:
    """An eligible application gets its first assessor. Does nothing if assessment has already begun.

    Raises InvalidTransition from any other status (a withdrawn or ineligible bid is not assessed).
    """
    if application.status == ApplicationStatus.IN_ASSESSMENT:
        return
    _move(application, ApplicationStatus.IN_ASSESSMENT, actor=actor, action="application.assessment_begun")


def record_assessed(*, actor: User | None, application: Application) -> None:
    """Every assessor the call needs has submitted a scorecard. Raises InvalidTransition unless in assessment."""
    _move(application, ApplicationStatus.ASSESSED, actor=actor, action="application.assessed")


def record_assessment_reopened(*, actor: User | None, application: Application) -> None:
    """A scorecard was reopened, so the application is back in assessment. Raises InvalidTransition unless assessed."""
    _move(application, ApplicationStatus.IN_ASSESSMENT, actor=actor, action="application.assessment_reopened")


def record_moderated(*, actor: User, application: Application, score: str) -> None:
    """Moderation fixed the application's final score. Raises InvalidTransition unless assessed."""
    _move(application, ApplicationStatus.MODERATED, actor=actor, action="application.moderated", data={"score": score})


def record_decision(*, actor: User, application: Application, status: ApplicationStatus, reason: str) -> None:
    """The panel decided: approved, rejected or put on the reserve list. Raises InvalidTransition unless moderated
    (or on the reserve list, which may later be approved or rejected)."""
    if status not in DECIDED:
        raise ValueError(f"{status} is not a decision")
    _move(application, status, actor=actor, action=f"application.{status.value}", data={"reason": reason})


def record_decision_withdrawn(*, actor: User, application: Application, reason: str) -> None:
    """A decision was taken back before it was published: the application is moderated again, to be decided anew.
    Raises InvalidTransition unless it was approved, rejected or on the reserve list."""
    _move(
        application,
        ApplicationStatus.MODERATED,
        actor=actor,
        action="application.decision_withdrawn",
        data={"reason": reason},
    )


# --- withdrawing ---------------------------------------------------------------------------------------


def withdraw_application(*, actor: User, application: Application, reason: str) -> None:
    """The organisation withdraws its application before a decision, giving a reason (audited, emailed).

    Raises NotAllowed for non-members, DomainError (field 'reason') without a reason, InvalidTransition once a
    decision has been made or if already withdrawn.
    """
    if not permissions.is_applicant_for(actor, application):
        raise NotAllowed("Only members of the organisation can withdraw this application.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why you are withdrawing the application", field="reason")
    if len(reason) > 2000:
        raise DomainError("The reason must be 2,000 characters or fewer", field="reason")
    _move(
        application, ApplicationStatus.WITHDRAWN, actor=actor, action="application.withdrawn", data={"reason": reason}
    )
    application.withdrawn_at = utcnow()
    application.withdrawn_by_id = actor.id
    application.withdrawal_reason = reason
    db.session.flush()
    if application.reference:
        _email_applicant(
            application,
            actor,
            subject=f"Application {application.reference} withdrawn",
            template="application_withdrawn",
            reason=reason,
        )
