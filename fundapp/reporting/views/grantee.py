"""A grantee's monitoring reports: the list, each report's sections (save and return), evidence, check and submit.

Members of the grantee organisation see its accepted awards' reports; everyone else gets 404 (an award's reports
are the organisation's business), except that staff who can see the call's reports may download evidence files
(recorded in the audit log). Once a report is submitted its pages are read-only until staff ask for changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import is_staff
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import format_date, london_today, utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.core.uploads import describe_types, format_file_size
from fundapp.reporting import bp, content, permissions, queries, services
from fundapp.reporting.forms.grantee import (
    EDITABLE_SECTIONS,
    EvidenceForm,
    ReportSectionForm,
    SubmitReportForm,
    field_values,
    read_typed,
    section_started,
)
from fundapp.reporting.models import Report, ReportSubmission
from fundapp.reporting.states import (
    EDITABLE,
    REPORT_GRANTEE_LABELS,
    REPORT_TAG_CLASSES,
    ReportStatus,
    ReviewOutcome,
    is_overdue,
)

REVIEW_LABELS = {
    None: "Waiting for review",
    ReviewOutcome.APPROVED: "Approved",
    ReviewOutcome.CHANGES_REQUESTED: "Changes requested",
}
CHANGED_BEFORE_SUBMIT = (
    "Someone else changed this report after you opened this page, so it was not submitted. "
    "Check the report below, then submit it again"
)


def _load(report_id: int) -> Report:
    """The report, if the signed-in person is a member of the grantee organisation (404 otherwise)."""
    report = queries.get_report(report_id)
    authorize(permissions.can_see_reports_as_grantee(current_user, report.award), hide=True)
    return report


def _unless_editable(report: Report) -> Response | None:
    """A redirect to the report's page, with a message, when it has been submitted and cannot be changed."""
    if report.status in EDITABLE:
        return None
    flash(f"This report has been {REPORT_GRANTEE_LABELS[report.status].lower()}, so it can no longer be changed.")
    return redirect(url_for("reporting.grantee_report", report_id=report.id))


def _overdue(report: Report, today: date) -> bool:
    return is_overdue(report.status, report.due_on, today)


def _section_url(report: Report, section: str) -> str:
    if section == "evidence":
        return url_for("reporting.grantee_report_evidence", report_id=report.id)
    return url_for("reporting.grantee_report_section", report_id=report.id, section=section)


@bp.app_template_global()
def grantee_report_tag(report: Report) -> dict[str, str]:
    """The grantee's status tag for a report (text and classes, for govukTag)."""
    return {"text": REPORT_GRANTEE_LABELS[report.status], "classes": REPORT_TAG_CLASSES[report.status]}


@bp.get("/reports")
@signed_in
def grantee_reports():
    today = london_today()
    rows = [{"report": r, "overdue": _overdue(r, today)} for r in queries.list_reports_for_user(current_user.id)]
    return render_template("reporting/grantee/reports.html", rows=rows, title="Your grant reports")


def _task_status(report: Report, section: str, ctx: content.ReportContext) -> str:
    if section == "evidence":
        return "completed" if report.evidence else "optional"
    if content.section_complete(section, report.values, ctx):
        return "completed"
    return "in_progress" if section_started(section, report.raw, ctx) else "not_started"


def _history(report: Report) -> list[dict[str, Any]]:
    """The report's submissions, newest first, with the outcome of each review."""
    return [
        {
            "submission": s,
            "outcome": REVIEW_LABELS[s.outcome],
            "who": s.submitted_by.full_name if s.submitted_by else "",
        }
        for s in reversed(report.submissions)
    ]


@bp.get("/reports/<int:report_id>")
@signed_in
def grantee_report(report_id: int):
    report = _load(report_id)
    ctx = queries.load_report_context(report)
    tasks = [
        {"key": key, "title": title, "href": _section_url(report, key), "status": _task_status(report, key, ctx)}
        for key, title in content.SECTIONS
    ]
    latest: ReportSubmission | None = queries.latest_submission(report)
    return render_template(
        "reporting/grantee/report.html",
        report=report,
        ctx=ctx,
        tasks=tasks,
        editable=report.status in EDITABLE,
        completed=sum(1 for task in tasks if task["key"] != "evidence" and task["status"] == "completed"),
        required=len(EDITABLE_SECTIONS),
        missing=content.incomplete_sections(report.values, ctx),
        sent_back=latest if report.status == ReportStatus.CHANGES_REQUESTED else None,
        overdue=_overdue(report, london_today()),
        history=_history(report),
        title=f"{report.label}: {report.award.reference}",
    )


bp.add_app_template_global(content.metric_field, "report_metric_field")
bp.add_app_template_global(content.spend_field, "report_spend_field")


# --- a section of the report ----------------------------------------------------------------------------------


def _next_after(report: Report, section: str) -> str:
    keys = content.SECTION_KEYS
    return _section_url(report, keys[keys.index(section) + 1])


def _errors_on_return(report: Report, section: str, ctx: content.ReportContext) -> dict[str, str]:
    """Coming back to a section saved with problems shows them again, at the fields that have something typed."""
    if not section_started(section, report.raw, ctx):
        return {}
    typed = field_values(section, report.raw, ctx)
    errors = content.check_section(section, report.raw, ctx).errors
    return {name: message for name, message in errors.items() if typed.get(name) not in ("", [], None)}


def _saved_message(errors: dict[str, str], report: Report) -> str:
    if errors:
        return (
            "Your report has been saved. Some answers need attention before you can submit it: they are marked "
            "when you return to the section."
        )
    return f"Your report has been saved. It is due on {format_date(report.due_on)}."


def _elsewhere(report: Report, section: str) -> Response | None:
    """Where to go instead of a section page: evidence has its own page, an unknown section is not found (404), and
    a submitted report's sections are read-only (back to the report, with a message)."""
    if section == "evidence":
        return redirect(_section_url(report, section))
    if section not in EDITABLE_SECTIONS:
        abort(404)
    return _unless_editable(report)


@bp.route("/reports/<int:report_id>/sections/<section>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def grantee_report_section(report_id: int, section: str):
    report = _load(report_id)
    if (elsewhere := _elsewhere(report, section)) is not None:
        return elsewhere
    ctx = queries.load_report_context(report)
    form = ReportSectionForm(version=str(report.version))
    raw, errors, conflict = dict(report.raw), {}, None
    if request.method == "POST":
        raw.update(read_typed(section, request.form, ctx))
    if form.validate_on_submit():
        try:
            errors = services.save_section(
                actor=current_user,
                report=report,
                section=section,
                typed=read_typed(section, request.form, ctx),
                version=int(form.version.data),
                now=utcnow(),
            ).errors
        except services.ReportChanged as exc:
            conflict = exc.message
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if request.form.get("action") == "later":
                flash(_saved_message(errors, report), "success")
                return redirect(url_for("reporting.grantee_report", report_id=report.id))
            if not errors:
                return redirect(_next_after(report, section))
        form.version.data = str(report.version)  # the page shown again carries the version now saved
    elif request.method == "GET":
        errors = _errors_on_return(report, section, ctx)
        if section == "places" and "boroughs" not in raw:
            raw["boroughs"] = queries.list_application_boroughs(report)
    return _render_section(report, section, ctx, form, raw, errors, conflict)


def _in_report(report: Report) -> str:
    """What a page of a report is part of, for its title: each report's pages have titles of their own (2.4.2)."""
    return f"{report.label}, {report.award.reference}"


def _render_section(report, section, ctx, form, raw, errors, conflict):  # type: ignore[no-untyped-def]
    heading = content.SECTION_TITLES[section]
    title = f"{heading}: {_in_report(report)}"
    return render_template(
        f"reporting/grantee/section_{section}.html",
        report=report,
        section=section,
        ctx=ctx,
        form=form,
        values=field_values(section, raw, ctx),
        saved=field_values(section, report.raw, ctx) if conflict else None,
        errors=errors,
        error_list=[{"text": message, "href": f"#{name}"} for name, message in errors.items()],
        conflict=conflict,
        first_visit=section == "places" and "boroughs" not in report.raw,
        delivered_words=content.DELIVERED_WORDS,
        changes_words=content.CHANGES_WORDS,
        heading=heading,
        title=f"Error: {title}" if errors or conflict else title,
    )


# --- evidence -------------------------------------------------------------------------------------------------


@bp.route("/reports/<int:report_id>/evidence", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def grantee_report_evidence(report_id: int):
    report = _load(report_id)
    if (closed := _unless_editable(report)) is not None:
        return closed
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        try:
            evidence = services.add_evidence(
                actor=current_user, report=report, filename=upload.filename or "", data=upload.read(), now=utcnow()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"{evidence.filename} has been uploaded.", "success")
            return redirect(url_for("reporting.grantee_report_evidence", report_id=report.id))
    return render_template(
        "reporting/grantee/evidence.html",
        report=report,
        form=form,
        types=describe_types(content.EVIDENCE_TYPES),
        evidence_types=list(content.EVIDENCE_TYPES),
        max_size=format_file_size(content.EVIDENCE_MAX_BYTES),
        max_files=content.MAX_EVIDENCE_FILES,
        remove_form=ConfirmForm(formdata=None),
        title=f"Evidence: {_in_report(report)}",
    )


@bp.post("/reports/<int:report_id>/evidence/<int:evidence_id>/remove")
@signed_in
@commits
def grantee_remove_evidence(report_id: int, evidence_id: int):
    report = _load(report_id)
    evidence = queries.get_evidence(report_id=report.id, evidence_id=evidence_id)
    if (closed := _unless_editable(report)) is not None:
        return closed
    if not ConfirmForm().validate_on_submit():
        flash("This page had expired, so the file was not removed. Try again.")
    else:
        filename = evidence.filename
        try:
            services.remove_evidence(actor=current_user, report=report, evidence=evidence, now=utcnow())
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"{filename} has been removed.", "success")
    return redirect(url_for("reporting.grantee_report_evidence", report_id=report.id))


@bp.get("/reports/<int:report_id>/evidence/<int:evidence_id>")
@signed_in
def report_evidence_file(report_id: int, evidence_id: int):
    report = queries.get_report(report_id)
    member = permissions.can_see_reports_as_grantee(current_user, report.award)
    if not member:
        # Staff know calls have reports (403 without the role); anyone else must not learn this one exists (404).
        authorize(is_staff(current_user), hide=True)
        authorize(permissions.can_view_reports(current_user, report.round))
    evidence = queries.get_evidence(report_id=report.id, evidence_id=evidence_id)
    # Staff read what the grantee submitted: a file still in a draft is the grantee's own until they send it.
    authorize(member or permissions.can_download_submitted_evidence(current_user, report, evidence), hide=True)
    storage.require_stored_file(evidence.storage_key, what=f"Report evidence {evidence.id}")
    if not member:
        record_read_event(
            "report_evidence.downloaded",
            actor=current_user,
            subject=report,
            data={"evidence_id": evidence.id, "filename": evidence.filename, "sha256": evidence.sha256},
        )
    return storage.send_stored_file(
        evidence.storage_key, download_name=evidence.filename, mimetype=evidence.content_type
    )


# --- check and submit -----------------------------------------------------------------------------------------


@bp.route("/reports/<int:report_id>/submit", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def grantee_report_submit(report_id: int):
    report = _load(report_id)
    if (closed := _unless_editable(report)) is not None:
        return closed
    ctx = queries.load_report_context(report)
    form = SubmitReportForm(version=str(report.version))
    conflict = None
    if form.validate_on_submit():
        try:
            services.submit_report(actor=current_user, report=report, version=int(form.version.data), now=utcnow())
        except services.ReportChanged:
            conflict = CHANGED_BEFORE_SUBMIT
            form.version.data = str(report.version)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(
                "Report submitted. We have told the fund’s staff, and will email you when they have reviewed it.",
                "success",
            )
            return redirect(url_for("reporting.grantee_report", report_id=report.id))
    missing = content.incomplete_sections(report.values, ctx)
    return render_template(
        "reporting/grantee/submit.html",
        report=report,
        ctx=ctx,
        form=form,
        missing=[{"title": content.SECTION_TITLES[key], "href": _section_url(report, key)} for key in missing],
        conflict=conflict,
        title=f"Error: Check your report before you submit it: {_in_report(report)}"
        if conflict
        else f"Check your report before you submit it: {_in_report(report)}",
    )
