"""Applicant pages: start an application, the task list, section pages, check answers, submit, withdraw."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts.forms import ConfirmForm
from fundapp.applications import bp, documents, permissions, progress, queries, services
from fundapp.applications.answers import read_raw, show_answer
from fundapp.applications.forms import CompleteSectionForm, SectionForm, StartApplicationForm, WithdrawForm
from fundapp.applications.models import Application
from fundapp.applications.states import (
    APPLICANT_LABELS,
    DECIDED,
    SECTION_LABELS,
    STAFF_LABELS,
    STATUS_TAG_CLASSES,
    ApplicationStatus,
    SectionStatus,
    applicant_label,
    applicant_tag_class,
)
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.documents import find_latest_document
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.reference import london_boroughs
from fundapp.core.transactions import commits
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.states import QuestionType


def _load(application_id: int, *, edit: bool = False) -> Application:
    """The application if the user may see it (404 otherwise: others may not learn it exists).

    With edit, only its members: staff who may see it know it exists, so they are refused (403), as on its files.
    """
    application = queries.get_application(application_id)
    authorize(permissions.can_view_application(current_user, application), hide=True)
    if edit:
        authorize(permissions.is_applicant_for(current_user, application))
    return application


@bp.route("/calls/<code>/apply", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def start(code: str):
    round_ = programme_queries.get_public_round(code)
    organisations = account_queries.list_organisations_for_user(current_user.id)
    form = StartApplicationForm(organisations=organisations)
    is_open = progress.is_open_for_applications(round_, utcnow())
    if is_open and organisations and form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == int(form.organisation.data))
        try:
            application = services.start_application(
                actor=current_user, round_=round_, organisation=organisation, now=utcnow()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("Your application has been started. You can save it and come back at any time.", "success")
            return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template(
        "applications/start.html",
        round_=round_,
        form=form,
        organisations=organisations,
        is_open=is_open,
        title=f"Apply to {round_.name}",
    )


@bp.get("/applications")
@signed_in
def dashboard():
    return render_template(
        "applications/dashboard.html",
        applications=queries.list_applications_for_user(current_user.id),
        title="Your applications",
    )


def _task_rows(application: Application) -> list[dict[str, Any]]:
    statuses = {row.section_key: row.status for row in application.sections}
    return [
        {"section": section, "status": statuses.get(section.key, SectionStatus.NOT_STARTED)}
        for section in progress.form_sections(application.round)
    ]


@bp.get("/applications/<int:application_id>")
@signed_in
def task_list(application_id: int):
    application = _load(application_id)
    if not permissions.is_applicant_for(current_user, application):
        return redirect(url_for("applications.staff_view", application_id=application.id))
    rows = _task_rows(application)
    return render_template(
        "applications/task_list.html",
        application=application,
        rows=rows,
        completed=sum(1 for row in rows if row["status"] == SectionStatus.COMPLETED),
        is_open=progress.is_open_for_applications(application.round, utcnow()),
        can_edit=permissions.can_edit_application(current_user, application),
        can_withdraw=permissions.can_withdraw_application(current_user, application),
        title=application.project_title or "Your application",
    )


def _section_or_404(application: Application, section_key: str):  # type: ignore[no-untyped-def]
    section = progress.find_form_section(application.round, section_key)
    if section is None:
        abort(404)
    return section


@bp.route("/applications/<int:application_id>/sections/<section_key>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def section(application_id: int, section_key: str):
    application = _load(application_id, edit=True)
    if not permissions.can_edit_application(current_user, application):
        return redirect(url_for("applications.check_answers", application_id=application.id))
    form_section = _section_or_404(application, section_key)
    row = queries.find_section(application.id, section_key)
    form = SectionForm(version=str(row.version if row else 0))
    saved = {answer.question_key: answer.raw for answer in application.answers}
    raws = dict(saved)
    errors: dict[str, str] = {}
    conflict: services.EditConflict | None = None
    if request.method == "POST":
        raws.update({q.key: read_raw(q, request.form) for q in form_section.questions})
    if form.validate_on_submit():
        try:
            errors, version = _save_posted_section(application, form_section, raws, int(form.version.data or 0))
            form.version.data = str(version)  # the page shown again must carry the version just saved
        except services.EditConflict as exc:
            conflict = exc
            form.version.data = str(exc.section.version)
            saved = {answer.question_key: answer.raw for answer in queries.list_answers(application.id)}
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if request.form.get("action") == "later":
                flash(_saved_message(errors), "success")
                return redirect(url_for("applications.task_list", application_id=application.id))
            if not errors:
                return redirect(
                    url_for("applications.check_section", application_id=application.id, section_key=section_key)
                )
    elif request.method == "GET":
        errors = _shown_errors_on_return(application, form_section)
    return _render_section(application, form_section, form, raws, errors, conflict, saved)


def _save_posted_section(application: Application, form_section, raws: dict[str, Any], version: int):  # type: ignore[no-untyped-def]
    """Save the typed answers and uploaded files; returns the errors to show and the section's new version."""
    files = {
        q.key: [(upload.filename, upload.read()) for upload in request.files.getlist(q.key) if upload.filename]
        for q in form_section.questions
        if q.type == QuestionType.FILE
    }
    result = services.save_section(
        actor=current_user,
        application=application,
        section_key=form_section.key,
        raws={q.key: raws.get(q.key) for q in form_section.questions},
        version=version,
        now=utcnow(),
        files=files,
    )
    return result.errors, result.version


def _saved_message(errors: dict[str, str]) -> str:
    if errors:
        return (
            "Your answers have been saved. Some of them need attention before you can complete this section: "
            "they are marked when you return to it."
        )
    return "Your answers have been saved. You can come back to them at any time before the call closes."


def _shown_errors_on_return(application: Application, form_section) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """On coming back to a section that was saved with problems, show them again (never on a first visit)."""
    answered = {a.question_key for a in application.answers if a.raw not in (None, "", [], {})}
    if not any(q.key in answered for q in form_section.questions):
        return {}
    check = progress.check_whole_form(application)
    return {
        q.key: check.errors[q.key]
        for q in form_section.questions
        if q.key in check.errors and (q.key in answered or q.type == QuestionType.FILE)
    }


def _render_section(application, form_section, form, raws, errors, conflict, saved):  # type: ignore[no-untyped-def]
    check = progress.check_whole_form(application)
    ctx = progress.form_context(application)
    shown = {q.key for q in form_section.questions if q.key in check.shown}
    first_anchor = {q.key: _anchor(q) for q in form_section.questions}
    error_list = [{"text": message, "href": f"#{first_anchor[key]}"} for key, message in errors.items()]
    title = form_section.title
    if error_list or conflict or form.errors:
        title = f"Error: {title}"
    return render_template(
        "applications/section.html",
        application=application,
        section=form_section,
        form=form,
        raws=raws,
        errors=errors,
        error_list=error_list,
        conflict=conflict,
        saved=saved,
        shown=shown,
        ctx=ctx,
        title=title,
    )


def _anchor(question) -> str:  # type: ignore[no-untyped-def]
    if question.type == QuestionType.DATE:
        return f"{question.key}-day"
    if question.type == QuestionType.BUDGET_TABLE:
        return f"{question.key}-category-1"
    return question.key


def summary_groups(application: Application, sections) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Check-answers rows for the given sections: each shown question with its answer or its problem."""
    check = progress.check_whole_form(application)
    ctx = progress.form_context(application)
    files: dict[str, list[Any]] = {}
    for attachment in application.attachments:
        files.setdefault(attachment.question_key, []).append(attachment)
    groups = []
    for form_section in sections:
        rows = [
            {
                "question": q,
                "answer": show_answer(q, check.values.get(q.key), ctx),
                "error": check.errors.get(q.key),
                "files": files.get(q.key, []),
            }
            for q in form_section.questions
            if q.key in check.shown
        ]
        groups.append({"section": form_section, "rows": rows})
    return groups


@bp.route("/applications/<int:application_id>/sections/<section_key>/check", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def check_section(application_id: int, section_key: str):
    application = _load(application_id, edit=True)
    form_section = _section_or_404(application, section_key)
    if not permissions.can_edit_application(current_user, application):
        return redirect(url_for("applications.check_answers", application_id=application.id))
    row = queries.find_section(application.id, section_key)
    form = CompleteSectionForm(completed="yes" if row and row.status == SectionStatus.COMPLETED else None)
    if form.validate_on_submit():
        try:
            services.complete_section(
                actor=current_user,
                application=application,
                section_key=section_key,
                completed=form.completed.data == "yes",
            )
        except services.IncompleteApplication:
            form.completed.errors = [
                "You cannot mark this section as completed until every answer is given and correct"
            ]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template(
        "applications/check_section.html",
        application=application,
        section=form_section,
        groups=summary_groups(application, [form_section]),
        form=form,
        title=f"Check your answers: {form_section.title}",
    )


@bp.route("/applications/<int:application_id>/check-answers", methods=["GET", "POST"])
@signed_in
@commits
def check_answers(application_id: int):
    """Every answer, and (for a draft that is ready) the button that submits it here.

    On GET, sections still to finish are listed as links to them; the error summary is only for a submit that
    failed, when sections were reopened after the page was loaded (it links to those sections on this page)."""
    if request.method == "POST":
        return _submit(_load(application_id, edit=True))
    return _render_check_answers(_load(application_id))


def _render_check_answers(application: Application, *, submit_failed: bool = False):  # type: ignore[no-untyped-def]
    sections = progress.form_sections(application.round)
    title = (
        "Check your answers before submitting your application"
        if application.reference is None
        else f"Application {application.reference}"
    )
    return render_template(
        "applications/check_answers.html",
        application=application,
        groups=summary_groups(application, sections),
        problems=progress.submission_problems(application) if application.reference is None else {},
        submit_failed=submit_failed,
        is_open=progress.is_open_for_applications(application.round, utcnow()),
        can_edit=permissions.can_edit_application(current_user, application),
        form=ConfirmForm(),
        title=f"Error: {title}" if submit_failed else title,
    )


def _submit(application: Application):  # type: ignore[no-untyped-def]
    here = url_for("applications.check_answers", application_id=application.id)
    if not ConfirmForm().validate_on_submit():
        flash("This page had expired, so your application was not submitted. Check it and submit again.")
        return redirect(here)
    try:
        services.submit_application(actor=current_user, application=application, now=utcnow())
    except services.AlreadySubmitted:
        return redirect(url_for("applications.submitted", application_id=application.id))
    except services.IncompleteApplication:
        return _render_check_answers(application, submit_failed=True)
    except DomainError as exc:
        flash(exc.message)
        return redirect(here)
    return redirect(url_for("applications.submitted", application_id=application.id))


@bp.get("/applications/<int:application_id>/submitted")
@signed_in
def submitted(application_id: int):
    application = _load(application_id, edit=True)
    if application.reference is None:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template("applications/submitted.html", application=application, title="Application submitted")


@bp.get("/applications/<int:application_id>/copy.pdf")
@signed_in
def copy_pdf(application_id: int):
    application = _load(application_id)
    document = find_latest_document(kind=services.COPY_KIND, subject=application)
    if document is None:
        abort(404)
    if not permissions.is_applicant_for(current_user, application):
        # As for attachments: staff reading an organisation's application is recorded.
        record_read_event(
            "application_copy.downloaded",
            actor=current_user,
            subject=application,
            data={"document_id": document.id, "version": document.version, "sha256": document.sha256},
        )
    return storage.send_stored_file(document.storage_key, download_name=document.filename, mimetype="application/pdf")


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def withdraw(application_id: int):
    application = _load(application_id, edit=True)
    if not permissions.can_withdraw_application(current_user, application):
        flash("This application can no longer be withdrawn.")
        return redirect(url_for("applications.task_list", application_id=application.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_application(actor=current_user, application=application, reason=form.reason.data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("Your application has been withdrawn.", "success")
            return redirect(url_for("applications.dashboard"))
    return render_template(
        "applications/withdraw.html",
        application=application,
        form=form,
        title=f"Withdraw your application: {application.project_title or application.round.name}",
    )


# --- template helpers ----------------------------------------------------------------------------------

_ACCEPT = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "odt": ".odt",
    "ods": ".ods",
    "png": ".png",
    "jpg": ".jpg,.jpeg",
}


@bp.app_template_global()
def accept_for(file_types: list[str]) -> str:
    """The file input's accept attribute for a question's allowed types (a hint to the browser only)."""
    return ",".join(_ACCEPT[t] for t in file_types if t in _ACCEPT)


@bp.app_template_global()
def applicant_status_label(status: str) -> str:
    return APPLICANT_LABELS[ApplicationStatus(status)]


@bp.app_template_global()
def applicant_status(application: Application) -> dict[str, str]:
    """The applicant's status tag for an application: its decision shows only once the call's outcomes are
    published (text and classes, for govukTag)."""
    published = application.round.outcomes_published_at is not None
    return {
        "text": applicant_label(application.status, outcomes_published=published),
        "classes": applicant_tag_class(application.status, outcomes_published=published),
    }


@bp.app_template_global()
def outcome_published(application: Application) -> bool:
    """The application has been decided and the call's outcomes published: the applicant can read the decision."""
    return application.status in DECIDED and application.round.outcomes_published_at is not None


@bp.app_template_global()
def staff_status_label(status: str) -> str:
    return STAFF_LABELS[ApplicationStatus(status)]


@bp.app_template_global()
def status_tag_class(status: str) -> str:
    return STATUS_TAG_CLASSES[ApplicationStatus(status)]


@bp.app_template_global()
def section_label(status: str) -> str:
    return SECTION_LABELS[SectionStatus(status)]


bp.add_app_template_global(london_boroughs, "london_boroughs")
bp.add_app_template_global(documents.organisation_lines, "organisation_lines")
