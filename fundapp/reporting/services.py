"""Monitoring reports: scheduling them when an award is accepted, the grantee's saves, evidence and submission, staff
review (approving releases the tranche that waits on the report), reminders, and a call's monitoring settings.

Every function flushes and never commits; the request, job or command commits once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.awards import queries as award_queries
from fundapp.awards import services as award_services
from fundapp.awards.models import Award, Payment
from fundapp.awards.signals import award_accepted
from fundapp.core import storage
from fundapp.core.audit import record_event
from fundapp.core.clock import format_date, to_london
from fundapp.core.errors import DomainError, NotAllowed, check_transition
from fundapp.core.mail.services import queue_email
from fundapp.core.money import format_pence
from fundapp.core.transactions import after_commit
from fundapp.core.transitions import record_transition
from fundapp.core.urls import external_url
from fundapp.extensions import db
from fundapp.programmes import queries as programme_queries
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Round
from fundapp.programmes.monitoring import Metric, ReportKind, ReportRule, parse_reports
from fundapp.programmes.states import PaymentTrigger
from fundapp.reporting import content, exports, permissions, queries, register
from fundapp.reporting.models import Export, Report, ReportEvidence, ReportSubmission
from fundapp.reporting.states import (
    EDITABLE,
    EXPORT_CONTENT_TYPES,
    EXPORT_EXTENSIONS,
    EXPORT_TRANSITIONS,
    REPORT_TRANSITIONS,
    ExportFormat,
    ExportScope,
    ExportStatus,
    ReportStatus,
    ReviewOutcome,
)
from fundapp.reporting.threesixtygiving import Problem

COMMENTS_MAX_CHARS = 5000
# The daily job reminds a grantee two weeks before a report is due, the day after it falls overdue, and then
# once a week until it is submitted.
REMIND_BEFORE = timedelta(days=14)
OVERDUE_EVERY = timedelta(days=7)
# What releases each kind of report's tranche.
RELEASES = {ReportKind.INTERIM: PaymentTrigger.INTERIM_REPORT, ReportKind.FINAL: PaymentTrigger.FINAL_REPORT}


class ReportChanged(DomainError):
    """Someone saved the report after this page was opened; nothing was saved, what was typed is kept."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this report after you opened the page. Check what they saved, then save again",
            field=None,
        )


def _move(report: Report, target: ReportStatus, *, actor: User | None, action: str, data: dict[str, Any]) -> None:
    previous = report.status
    check_transition("Report", REPORT_TRANSITIONS, previous, target)
    report.status = target
    record_transition(report, previous, actor=actor, action=action, data=data)


# --- scheduling -----------------------------------------------------------------------------------------------


def _project_dates(award: Award, now: datetime) -> tuple[date, date]:
    """The award's project dates; an award without them is treated as a year from acceptance."""
    start = award.project_start or to_london(award.accepted_at or now).date()
    end = award.project_end or start + timedelta(days=365)
    return start, max(start, end)


def schedule_reports(*, award: Award, actor: User | None, now: datetime) -> list[Report]:
    """Create the reports the award owes, from its call's report schedule and its project dates. Does nothing if
    they already exist (so it is safe to call twice). Returns the reports created."""
    if queries.list_award_reports(award.id):
        return []
    start, end = _project_dates(award, now)
    reports = [
        Report(
            award_id=award.id,
            round_id=award.round_id,
            position=position,
            kind=rule.kind,
            label=rule.label,
            due_on=rule.due_on(start, end),
            status=ReportStatus.DUE,
        )
        for position, rule in enumerate(parse_reports(award.round.report_schedule), start=1)
    ]
    db.session.add_all(reports)
    db.session.flush()
    record_event(
        "reports.scheduled",
        actor=actor,
        subject=award,
        data={"reports": [{"id": r.id, "label": r.label, "due_on": r.due_on.isoformat()} for r in reports]},
    )
    return reports


def _on_award_accepted(award: Award, *, actor: User | None, now: datetime, **_: Any) -> None:
    schedule_reports(award=award, actor=actor, now=now)


def connect_signals() -> None:
    """Schedule reports whenever an award is accepted (awards.signals; awards may not import reporting)."""
    award_accepted.connect(_on_award_accepted, weak=False)


# --- the grantee ----------------------------------------------------------------------------------------------


def _require_editable(actor: User, report: Report, field: str | None = None) -> None:
    if not permissions.can_edit_report(actor, report):
        raise NotAllowed("Only members of the grantee organisation can change its reports")
    if report.status not in EDITABLE:
        raise DomainError("This report has been submitted and can no longer be changed", field=field)


def _touch(report: Report, actor: User, now: datetime) -> None:
    report.version += 1
    report.updated_at = now
    report.updated_by_id = actor.id
    if report.status == ReportStatus.DUE:
        _move(report, ReportStatus.DRAFT, actor=actor, action="report.started", data={})


def save_section(
    *, actor: User, report: Report, section: str, typed: Mapping[str, Any], version: int, now: datetime
) -> content.Checked:
    """Save what was typed in one section of the report (valid or not, so nothing is lost) and the checked values
    of its valid fields. Returns the check: the page shows its errors at the fields.

    Raises NotAllowed for anyone but the grantee's members; DomainError once the report is submitted or for an
    unknown section; ReportChanged if someone saved the report after `version` was read.
    """
    _require_editable(actor, report)
    if section not in content.SECTION_KEYS or section == "evidence":
        raise DomainError("There is no such section of the report")
    if report.version != version:
        raise ReportChanged()
    ctx = queries.load_report_context(report)
    raw = {**report.raw, **dict(typed)}
    checked = content.check_section(section, raw, ctx)
    report.raw = raw
    report.values = content.merge_section(report.values, section, checked)
    _touch(report, actor, now)
    db.session.flush()
    record_event("report.section_saved", actor=actor, subject=report, data={"section": section})
    return checked


def add_evidence(*, actor: User, report: Report, filename: str, data: bytes, now: datetime) -> ReportEvidence:
    """Check an uploaded file and add it to the report's evidence.

    Raises DomainError (field "evidence") for a file core.uploads or the virus scanner rejects, or one more than
    the limit; NotAllowed for anyone but the grantee's members; DomainError once the report is submitted.
    """
    _require_editable(actor, report, field="evidence")
    if len(report.evidence) >= content.MAX_EVIDENCE_FILES:
        raise DomainError(f"You can upload up to {content.MAX_EVIDENCE_FILES} files", field="evidence")
    key, upload = storage.save_upload(
        filename=filename,
        data=data,
        allowed_types=content.EVIDENCE_TYPES,
        max_bytes=content.EVIDENCE_MAX_BYTES,
        field="evidence",
        actor=actor,
        subject=report,
    )
    evidence = ReportEvidence(**upload.stored_as(key), uploaded_at=now, uploaded_by_id=actor.id)
    report.evidence.append(evidence)
    _touch(report, actor, now)
    db.session.flush()
    record_event("report.evidence_added", actor=actor, subject=report, data=_describe(evidence))
    return evidence


def remove_evidence(*, actor: User, report: Report, evidence: ReportEvidence, now: datetime) -> None:
    """Remove an evidence file (the stored file goes after the commit). Raises NotAllowed or DomainError as
    add_evidence does."""
    _require_editable(actor, report, field="evidence")
    if evidence.report_id != report.id:
        raise DomainError("That file is not part of this report", field="evidence")
    described = _describe(evidence)
    key = evidence.storage_key
    report.evidence.remove(evidence)
    _touch(report, actor, now)
    db.session.flush()
    after_commit(lambda: storage.delete(key))
    record_event("report.evidence_removed", actor=actor, subject=report, data=described)


def _describe(evidence: ReportEvidence) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "filename": evidence.filename,
        "size_bytes": evidence.size_bytes,
        "sha256": evidence.sha256,
    }


def _snapshot(report: Report, ctx: content.ReportContext) -> dict[str, Any]:
    """What a submission said, kept as it was sent (labels included, so later changes to the call's metrics do not
    change history)."""
    return {
        "values": report.values,
        "metrics": [{"key": m.key, "label": m.label, "target": ctx.targets.get(m.key)} for m in ctx.metrics],
        "evidence": [_describe(e) for e in report.evidence],
    }


def submit_report(*, actor: User, report: Report, version: int, now: datetime) -> ReportSubmission:
    """Submit the report for review: its content is kept as this submission, and the call's fund managers are told.

    Raises DomainError naming the sections still to complete; ReportChanged if it was saved after `version` was
    read; NotAllowed for anyone but the grantee's members; InvalidTransition unless it is a draft or was sent back.
    """
    _require_editable(actor, report)
    if report.version != version:
        raise ReportChanged()
    ctx = queries.load_report_context(report)
    missing = content.incomplete_sections(report.values, ctx)
    if missing:
        titles = ", ".join(content.SECTION_TITLES[key].lower() for key in missing)
        raise DomainError(f"Complete every section before you submit: {titles}")
    submission = ReportSubmission(
        number=len(report.submissions) + 1,
        content=_snapshot(report, ctx),
        submitted_at=now,
        submitted_by_id=actor.id,
    )
    report.submissions.append(submission)
    report.submitted_at = now
    report.version += 1
    _move(report, ReportStatus.SUBMITTED, actor=actor, action="report.submitted", data={"number": submission.number})
    _tell_staff(report)
    return submission


def _tell_staff(report: Report) -> None:
    award = report.award
    for user in award_queries.list_staff_to_notify(award.round):
        queue_email(
            to=user.email,
            subject=f"{report.label} submitted for {award.reference} by {award.organisation.name}",
            template="reporting/emails/report_submitted",
            context={
                "recipient_name": user.full_name,
                "label": report.label,
                "reference": award.reference,
                "organisation_name": award.organisation.name,
                "resubmitted": len(report.submissions) > 1,
                "url": external_url("reporting.review_report", report_id=report.id),
            },
        )


def _tell_grantee(report: Report, *, subject: str, template: str, context: dict[str, Any]) -> None:
    award = report.award
    base = {
        "label": report.label,
        "reference": award.reference,
        "organisation_name": award.organisation.name,
        "due_on": format_date(report.due_on),
        "url": external_url("reporting.grantee_report", report_id=report.id),
    }
    for email in award_queries.list_applicant_contacts(award.application):
        queue_email(to=email, subject=subject, template=template, context={**base, **context})


# --- staff review ---------------------------------------------------------------------------------------------


def payments_released_by(report: Report) -> list[Payment]:
    """The award's payments that approving this report would make due for finance (none once they are due)."""
    return award_services.payments_waiting_on(report.award, RELEASES[report.kind])


def _require_reviewer(actor: User, report: Report) -> None:
    if not permissions.can_review_reports(actor, report.round):
        raise NotAllowed("Only the call's fund managers can review its reports")


def _comments(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError("Say what the grantee needs to change", field="comments")
    if len(text) > COMMENTS_MAX_CHARS:
        raise DomainError(f"Comments must be {COMMENTS_MAX_CHARS:,} characters or fewer", field="comments")
    return text


def _review(report: Report, actor: User, outcome: ReviewOutcome, comments: str, now: datetime) -> ReportSubmission:
    submission = queries.latest_submission(report)
    if submission is None or submission.outcome is not None:
        raise DomainError("This report is not waiting for review")
    submission.outcome = outcome
    submission.comments = comments
    submission.reviewed_at = now
    submission.reviewed_by_id = actor.id
    return submission


def request_changes(*, actor: User, report: Report, comments: str, now: datetime) -> None:
    """Send a submitted report back to the grantee with comments saying what to change; they edit and resubmit
    (the submission and the comments stay in the history).

    Raises NotAllowed for anyone but the call's fund managers; DomainError (field "comments") without comments;
    InvalidTransition unless the report is waiting for review.
    """
    _require_reviewer(actor, report)
    comments = _comments(comments, required=True)
    check_transition("Report", REPORT_TRANSITIONS, report.status, ReportStatus.CHANGES_REQUESTED)
    submission = _review(report, actor, ReviewOutcome.CHANGES_REQUESTED, comments, now)
    report.version += 1
    _move(
        report,
        ReportStatus.CHANGES_REQUESTED,
        actor=actor,
        action="report.changes_requested",
        data={"number": submission.number, "comments": comments},
    )
    _tell_grantee(
        report,
        subject=f"Changes needed to your {report.label.lower()} for {report.award.reference}",
        template="reporting/emails/changes_requested",
        context={"comments": comments},
    )


def approve_report(*, actor: User, report: Report, comments: str, now: datetime) -> list[int]:
    """Approve a submitted report. The award's tranches that wait on this kind of report become due for finance;
    approving the final report of an award already paid in full completes it. Returns the ids of the payments
    released.

    Raises NotAllowed for anyone but the call's fund managers; DomainError for over-long comments;
    InvalidTransition unless the report is waiting for review.
    """
    _require_reviewer(actor, report)
    comments = _comments(comments, required=False)
    check_transition("Report", REPORT_TRANSITIONS, report.status, ReportStatus.APPROVED)
    submission = _review(report, actor, ReviewOutcome.APPROVED, comments, now)
    report.approved_at = now
    report.approved_by_id = actor.id
    report.version += 1
    _move(report, ReportStatus.APPROVED, actor=actor, action="report.approved", data={"number": submission.number})
    released = award_services.release_payments(award=report.award, trigger=RELEASES[report.kind], now=now, actor=actor)
    if report.kind == ReportKind.FINAL:
        award_services.complete_award_if_finished(actor=actor, award=report.award)
    _tell_grantee(
        report,
        subject=f"Your {report.label.lower()} for {report.award.reference} is approved",
        template="reporting/emails/report_approved",
        context={
            "comments": comments,
            "released": [f"{p.label}: {format_pence(p.amount_pence, show_pence=True)}" for p in released],
        },
    )
    return [payment.id for payment in released]


# --- reminders ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    due_soon: int
    overdue: int


def _needs_overdue_reminder(report: Report, now: datetime) -> bool:
    sent = report.overdue_reminder_sent_at
    return sent is None or now - sent >= OVERDUE_EVERY


def send_report_reminders(*, now: datetime) -> Reminders:
    """Email grantees about reports still owed: once when one is due within two weeks, and once a week after it
    becomes overdue. Returns how many reports each kind of message went out for."""
    today = to_london(now).date()
    due_soon = overdue = 0
    for report in queries.list_reports_to_remind(due_by=today + REMIND_BEFORE):
        if report.due_on < today:
            if not _needs_overdue_reminder(report, now):
                continue
            report.overdue_reminder_sent_at = now
            overdue += 1
            template, subject = "reporting/emails/report_overdue", f"Your {report.label.lower()} is overdue"
        elif report.due_reminder_sent_at is None:
            report.due_reminder_sent_at = now
            due_soon += 1
            template, subject = "reporting/emails/report_due", f"Your {report.label.lower()} is due soon"
        else:
            continue
        _tell_grantee(report, subject=f"{subject}: {report.award.reference}", template=template, context={})
        record_event("report.reminded", actor=None, subject=report, data={"template": template})
    db.session.flush()
    return Reminders(due_soon=due_soon, overdue=overdue)


# --- a call's monitoring settings -----------------------------------------------------------------------------


def update_monitoring_settings(
    *, actor: User, round_: Round, metrics: Sequence[Metric], reports: Sequence[ReportRule]
) -> bool:
    """Set the call's metrics and report schedule. Returns whether anything changed.

    Raises NotAllowed for anyone but the call's fund managers; DomainError once reports have been scheduled for its
    awards (grantees are already reporting against them); DomainError naming the field for invalid settings.
    """
    if not permissions.can_change_monitoring(actor, round_):
        raise NotAllowed("Only the call's fund managers can change what its grantees report")
    if queries.count_round_reports(round_.id):
        raise DomainError(
            "Grantees are already reporting against these settings, so they can no longer be changed", field="metrics"
        )
    return programme_services.update_monitoring(actor=actor, round_=round_, metrics=metrics, reports=reports)


# --- exports --------------------------------------------------------------------------------------------------


def _move_export(export: Export, target: ExportStatus, *, action: str, data: dict[str, Any]) -> None:
    previous = export.status
    check_transition("Export", EXPORT_TRANSITIONS, previous, target)
    export.status = target
    record_transition(export, previous, actor=None, action=action, data=data)


def _round_to_export(actor: User, round_id: int | None) -> list[int]:
    round_ = programme_queries.find_round(round_id) if round_id is not None else None
    if round_ is None:
        raise DomainError("Select the call to export", field="round_id")
    if not permissions.can_export_round(actor, round_):
        raise NotAllowed("You cannot export this call's awards: only its finance officers and fund managers can")
    return [round_.id]


def _fund_to_export(actor: User, fund_id: int | None) -> list[int]:
    fund = programme_queries.find_fund(fund_id) if fund_id is not None else None
    if fund is None:
        raise DomainError("Select the fund to export", field="fund_id")
    if not permissions.can_view_fund(actor, fund):
        raise NotAllowed("You cannot export this fund's awards: only its finance officers and fund managers can")
    return [round_.id for round_ in programme_queries.list_rounds(fund_id=fund.id)]


def _dates_to_export(actor: User, date_from: date | None, date_to: date | None) -> list[int]:
    if date_from is None:
        raise DomainError("Enter the first day", field="date_from")
    if date_to is None:
        raise DomainError("Enter the last day", field="date_to")
    if date_to < date_from:
        raise DomainError("The last day must be the same as or after the first day", field="date_to")
    return [round_.id for round_ in queries.list_exportable_rounds(actor)]


def start_export(
    *,
    actor: User,
    scope: ExportScope,
    export_format: ExportFormat,
    round_id: int | None = None,
    fund_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime,
) -> Export:
    """Ask for an export of the award register (of a call, a fund, or the awards made between two days across
    every call the person may export), written by a background job queued after the commit. The calls it covers
    are fixed now, so the job exports exactly what the person was allowed to see when they asked.

    Raises NotAllowed for anyone but finance officers, fund managers and admins, and for a call or fund the person
    does not work on; DomainError naming the field (round_id, fund_id, date_from, date_to) for a missing call or
    fund, or missing or back-to-front dates.
    """
    if not permissions.can_export(actor):
        raise NotAllowed("Only finance officers, fund managers and admins can export the award register")
    if scope == ExportScope.ROUND:
        round_ids = _round_to_export(actor, round_id)
    elif scope == ExportScope.FUND:
        round_ids = _fund_to_export(actor, fund_id)
    else:
        round_ids = _dates_to_export(actor, date_from, date_to)
    dated = scope == ExportScope.DATES
    export = Export(
        format=export_format,
        scope=scope,
        round_id=round_id if scope == ExportScope.ROUND else None,
        fund_id=fund_id if scope == ExportScope.FUND else None,
        date_from=date_from if dated else None,
        date_to=date_to if dated else None,
        round_ids=round_ids,
        status=ExportStatus.QUEUED,
        total=0,
        done=0,
        problems=[],
        problem_count=0,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(export)
    db.session.flush()
    record_event("export.requested", actor=actor, subject=export, data=_describe_export(export))
    export_id = export.id
    after_commit(lambda: _enqueue_export(export_id))
    return export


def _describe_export(export: Export) -> dict[str, Any]:
    return {
        "format": export.format.value,
        "scope": export.scope.value,
        "round_id": export.round_id,
        "fund_id": export.fund_id,
        "date_from": export.date_from.isoformat() if export.date_from else None,
        "date_to": export.date_to.isoformat() if export.date_to else None,
        "round_ids": list(export.round_ids),
    }


def _enqueue_export(export_id: int) -> None:
    from fundapp.reporting.jobs import export_award_register

    export_award_register(export_id)


@dataclass(frozen=True)
class ExportJob:
    """What the job writes, as plain values read when it claimed the export (safe across its commits)."""

    export_id: int
    export_format: ExportFormat
    round_ids: tuple[int, ...]
    date_from: date | None
    date_to: date | None
    total: int
    file_name: str


def export_scope_label(export: Export) -> str:
    """What the export covers, for its file name: the call's or the fund's code ('' for a date range)."""
    if export.scope == ExportScope.ROUND and export.round is not None:
        return export.round.code
    if export.scope == ExportScope.FUND and export.fund is not None:
        return export.fund.code
    return ""


def claim_export(*, export_id: int, now: datetime) -> ExportJob | None:
    """Claim a queued export for writing (a conditional UPDATE: only one job wins) and count its awards. Returns
    what to write, or None when it was already claimed, finished, or does not exist."""
    result = db.session.execute(
        sa.update(Export)
        .where(Export.id == export_id, Export.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, started_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    export = queries.get_export(export_id)
    db.session.refresh(export)
    export.total = register.count_register_rows(
        round_ids=export.round_ids, date_from=export.date_from, date_to=export.date_to
    )
    db.session.flush()
    record_event(
        "export.started", actor=None, subject=export, data={"from": "queued", "to": "running", "total": export.total}
    )
    return _export_job(export, now=now)


def resume_export(*, export_id: int, now: datetime) -> ExportJob | None:
    """For a retry of a job that failed part-way: what to write for an export still running (its count of rows
    written starts again at 0, the status stays running). Returns None unless the export is running."""
    reset = db.session.execute(
        sa.update(Export)
        .where(Export.id == export_id, Export.status == ExportStatus.RUNNING)
        .values(done=0)
        .execution_options(synchronize_session=False)
    )
    if reset.rowcount != 1:  # type: ignore[attr-defined]
        return None
    export = queries.get_export(export_id)
    db.session.refresh(export)
    return _export_job(export, now=now)


def _export_job(export: Export, *, now: datetime) -> ExportJob:
    return ExportJob(
        export_id=export.id,
        export_format=export.format,
        round_ids=tuple(export.round_ids),
        date_from=export.date_from,
        date_to=export.date_to,
        total=export.total,
        file_name=exports.export_file_name(
            export.format,
            scope_label=export_scope_label(export),
            today=to_london(now).date(),
            date_from=export.date_from,
            date_to=export.date_to,
        ),
    )


def record_export_progress(*, export_id: int, done: int) -> None:
    """Count the rows written so far (one UPDATE of a running export; the total grows with it should awards have
    been made since it was counted)."""
    db.session.execute(
        sa.update(Export)
        .where(Export.id == export_id, Export.status == ExportStatus.RUNNING)
        .values(done=done, total=sa.case((Export.total < done, done), else_=Export.total))
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class StoredExport:
    """The finished file, already moved into the file store."""

    storage_key: str
    file_name: str
    size_bytes: int
    sha256: str


def finish_export(
    *, export_id: int, written: int, stored: StoredExport | None, problems: Sequence[Problem], now: datetime
) -> Export:
    """Close a running export: done, with its stored file (its name, size and SHA-256 kept), or invalid, with the
    360Giving problems that stopped it (the first few hundred, and the count; no file). Records export.finished.

    Raises InvalidTransition unless the export is running; DomainError when a valid export has no stored file.
    """
    export = queries.get_export(export_id)
    db.session.refresh(export)
    export.total = max(export.total, written)
    export.done = written
    export.finished_at = now
    data: dict[str, Any] = {"rows": written, **_describe_export(export)}
    if problems:
        export.problems = exports.problem_records(list(problems))
        export.problem_count = len(problems)
        _move_export(export, ExportStatus.INVALID, action="export.finished", data={**data, "problems": len(problems)})
        return export
    if stored is None:
        raise DomainError("The export has no file")
    export.storage_key = stored.storage_key
    export.file_name = stored.file_name
    export.size_bytes = stored.size_bytes
    export.sha256 = stored.sha256
    data.update(file_name=stored.file_name, size_bytes=stored.size_bytes, sha256=stored.sha256)
    _move_export(export, ExportStatus.DONE, action="export.finished", data=data)
    return export


def fail_export(*, export_id: int, error: str, now: datetime) -> Export | None:
    """Mark a queued or running export failed, keeping why (shown on its page). Returns it, or None when it had
    already finished (or does not exist)."""
    export = db.session.get(Export, export_id, populate_existing=True)
    if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return None
    export.error = error
    export.finished_at = now
    _move_export(export, ExportStatus.FAILED, action="export.finished", data={"error": error})
    return export


def export_content_type(export: Export) -> str:
    """The media type a download of the export is sent as (Flask adds "; charset=utf-8" to text/csv itself)."""
    return EXPORT_CONTENT_TYPES[EXPORT_EXTENSIONS[export.format]].split(";")[0]
