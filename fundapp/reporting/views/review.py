"""Staff review of monitoring reports: a call's reports, one report with its history, approving or asking for
changes.

The call's fund managers, finance officers and admins see the reports (permissions.can_view_reports); only its fund
managers (and admins) approve them or send them back (permissions.can_review_reports). Applicants never learn these
pages exist (404); other staff are refused (403).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import london_today, utcnow
from fundapp.core.errors import DomainError, InvalidTransition
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.money import format_pence
from fundapp.core.reference import borough_name
from fundapp.core.transactions import commits
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round
from fundapp.reporting import bp, permissions, queries, services
from fundapp.reporting.forms.review import (
    ApproveReportForm,
    ReportFiltersForm,
    RequestChangesForm,
    approve_form,
    changes_form,
)
from fundapp.reporting.models import Report, ReportSubmission
from fundapp.reporting.portfolio import percent_of
from fundapp.reporting.states import (
    REPORT_STAFF_LABELS,
    REPORT_TAG_CLASSES,
    ReportStatus,
    ReviewOutcome,
    is_overdue,
)

OUTCOME_LABELS = {ReviewOutcome.APPROVED: "Approved", ReviewOutcome.CHANGES_REQUESTED: "Changes requested"}


def viewed_round(round_id: int) -> Round:
    """The call, for staff who see its reports: 404 for people who are not staff, 403 for other staff."""
    round_ = programme_queries.get_round(round_id)
    authorize(permissions.can_view_reports(current_user, round_), hide=not is_staff(current_user))
    return round_


def _viewed_report(report_id: int) -> Report:
    report = queries.get_report(report_id)
    authorize(permissions.can_view_reports(current_user, report.round), hide=not is_staff(current_user))
    return report


def _reviewed_report(report_id: int) -> Report:
    """The report, for the call's fund managers (finance officers and admins without a say: 403)."""
    report = _viewed_report(report_id)
    authorize(permissions.can_review_reports(current_user, report.round))
    return report


# --- a call's reports ----------------------------------------------------------------------------------------


@bp.get("/staff/calls/<int:round_id>/reports")
@signed_in
def round_reports(round_id: int):
    round_ = viewed_round(round_id)
    filters = ReportFiltersForm(request.args)
    today = london_today()
    reports = queries.list_round_reports(
        round_id=round_.id, statuses=filters.statuses(), overdue_on=today if filters.overdue.data else None
    )
    rows = [
        {
            "report": report,
            "award": report.award,
            "label": REPORT_STAFF_LABELS[report.status],
            "tag_class": REPORT_TAG_CLASSES[report.status],
            "overdue": is_overdue(report.status, report.due_on, today),
        }
        for report in reports
    ]
    return render_template(
        "reporting/review/round_reports.html",
        round_=round_,
        rows=rows,
        counts=queries.count_round_reports_by_status(round_id=round_.id, today=today),
        filters=filters,
        statuses=ReportStatus,
        can_review_any=permissions.can_review_reports(current_user, round_),
        title=f"Monitoring reports: {round_.name}",
    )


# --- one report ----------------------------------------------------------------------------------------------


def _metric_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    numbers = content.get("values", {}).get("metrics", {})
    rows = []
    for metric in content.get("metrics", []):
        number, target = numbers.get(metric["key"]), metric.get("target")
        rows.append(
            {
                "label": metric["label"],
                "number": number,
                "target": target,
                "percent": percent_of(number, target) if number is not None and target is not None else None,
            }
        )
    return rows


def _shown_submission(report: Report, submission: ReportSubmission) -> dict[str, Any]:
    """What the submission said, as the page shows it (from its snapshot, so later edits do not change it)."""
    content = submission.content or {}
    values = content.get("values", {})
    spend = [
        {**line, "percent": percent_of(int(line["spent_pence"]), int(line["budget_pence"]))}
        for line in values.get("spend", [])
    ]
    budget_total = sum(int(line["budget_pence"]) for line in spend)
    spent_total = sum(int(line["spent_pence"]) for line in spend)
    on_file = {evidence.id for evidence in report.evidence}
    return {
        "submission": submission,
        "metrics": _metric_rows(content),
        "delivered": values.get("delivered", ""),
        "changes": values.get("changes", ""),
        "spend": spend,
        "budget_total": budget_total,
        "spent_total": spent_total,
        "spent_percent": percent_of(spent_total, budget_total),
        "boroughs": [borough_name(code) or code for code in values.get("boroughs", [])],
        "evidence": [{**file, "on_file": file.get("id") in on_file} for file in content.get("evidence", [])],
    }


def released_sentence(payments: list[Any]) -> str:
    """'The second payment of £8,000.00 is now due for finance.' ('' when nothing was released)."""
    parts = [
        f"the {p.label[:1].lower()}{p.label[1:]} of {format_pence(p.amount_pence, show_pence=True)}" for p in payments
    ]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{listed[:1].upper()}{listed[1:]} {'is' if len(parts) == 1 else 'are'} now due for finance."


def _review_page(
    report: Report,
    *,
    approve: ApproveReportForm | None = None,
    changes: RequestChangesForm | None = None,
    status: int = 200,
) -> Any:
    submission = queries.latest_submission(report)
    can_review = permissions.can_review_reports(current_user, report.round)
    waiting = report.status == ReportStatus.SUBMITTED
    posted = approve if approve is not None else changes
    award_ref, org = report.award.reference, report.award.organisation.name
    return (
        render_template(
            "reporting/review/report.html",
            report=report,
            award=report.award,
            round_=report.round,
            label=REPORT_STAFF_LABELS[report.status],
            tag_class=REPORT_TAG_CLASSES[report.status],
            overdue=is_overdue(report.status, report.due_on, london_today()),
            shown=_shown_submission(report, submission) if submission is not None else None,
            history=[(s, OUTCOME_LABELS.get(s.outcome) if s.outcome else None) for s in reversed(report.submissions)],
            can_review=can_review and waiting,
            reviewer_elsewhere=waiting and not can_review,
            releases=services.payments_released_by(report) if waiting else [],
            approve_form=approve or approve_form(),
            changes_form=changes or changes_form(),
            posted=posted,
            comments_max=services.COMMENTS_MAX_CHARS,
            # The grantee's page of the report is "<label>: <reference>"; the organisation tells the staff one apart.
            title=f"{'Error: ' if posted is not None and posted.errors else ''}{report.label}: {award_ref}, {org}",
        ),
        status,
    )


@bp.get("/staff/reports/<int:report_id>")
@signed_in
def review_report(report_id: int):
    report = _viewed_report(report_id)
    return _review_page(report)


def _not_waiting(report: Report) -> Any:
    flash(f"This report is {REPORT_STAFF_LABELS[report.status].lower()}, so it is not waiting for review.")
    return redirect(url_for("reporting.review_report", report_id=report.id))


@bp.post("/staff/reports/<int:report_id>/approve")
@signed_in
@commits
@keeps_input_on_csrf_error
def approve_report(report_id: int):
    report = _reviewed_report(report_id)
    form = approve_form(posted=True)
    if form.validate_on_submit():
        try:
            released_ids = services.approve_report(
                actor=current_user, report=report, comments=form.comments.data or "", now=utcnow()
            )
        except InvalidTransition:
            return _not_waiting(report)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            released = [p for p in report.award.payments if p.id in set(released_ids)]
            flash(f"{report.label} approved. {released_sentence(released)}".strip(), "success")
            return redirect(url_for("reporting.review_report", report_id=report.id))
    return _review_page(report, approve=form, status=422)


@bp.post("/staff/reports/<int:report_id>/request-changes")
@signed_in
@commits
@keeps_input_on_csrf_error
def request_report_changes(report_id: int):
    report = _reviewed_report(report_id)
    form = changes_form(posted=True)
    if form.validate_on_submit():
        try:
            services.request_changes(actor=current_user, report=report, comments=form.comments.data or "", now=utcnow())
        except InvalidTransition:
            return _not_waiting(report)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(
                f"Changes requested. We have emailed {report.award.organisation.name} your comments; the report "
                "comes back here when they submit it again.",
                "success",
            )
            return redirect(url_for("reporting.review_report", report_id=report.id))
    return _review_page(report, changes=form, status=422)
