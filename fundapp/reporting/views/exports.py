"""Finance exports of the award register: asking for one, its progress, its problems and the download.

Only finance officers, fund managers and admins export (permissions.can_export): applicants and other people who
are not staff get 404, other staff (assessors) 403. What each person may export follows their role on each call
(services.start_export re-checks it). An export's page and file are its creator's (and admins'): 404 for anyone
else, so nobody learns what someone else exported.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.permissions import is_admin, is_staff
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import format_date, utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.limits import by_user, limited
from fundapp.core.transactions import commits
from fundapp.core.wording import plural
from fundapp.reporting import bp, permissions, queries, services
from fundapp.reporting.forms.exports import DATES_CHOICE, DATES_HINT, FORMAT_HINTS, ExportForm, export_form
from fundapp.reporting.models import Export
from fundapp.reporting.states import EXPORT_FORMAT_LABELS, EXPORT_STATUS_LABELS, ExportFormat, ExportScope, ExportStatus

EXPORT_TAG_CLASSES = {
    ExportStatus.QUEUED: "govuk-tag--grey",
    ExportStatus.RUNNING: "govuk-tag--blue",
    ExportStatus.DONE: "govuk-tag--green",
    ExportStatus.INVALID: "govuk-tag--orange",
    ExportStatus.FAILED: "govuk-tag--red",
}
# The service names the call or fund it refuses; the page asks for both in one question.
CHOICE_FIELDS = {"round_id": "scope", "fund_id": "scope"}
FINISHED = (ExportStatus.DONE, ExportStatus.INVALID, ExportStatus.FAILED)
RECENT = 10


@bp.app_template_global()
def export_label(status: ExportStatus) -> str:
    return EXPORT_STATUS_LABELS[status]


@bp.app_template_global()
def export_tag_class(status: ExportStatus) -> str:
    return EXPORT_TAG_CLASSES[status]


@bp.app_template_global()
def export_format_label(export_format: ExportFormat) -> str:
    return EXPORT_FORMAT_LABELS[export_format]


@bp.app_template_global()
def export_covers(export: Export) -> str:
    """What the export covers, in words: a call, a fund, or the awards made between two days."""
    if export.scope == ExportScope.ROUND and export.round is not None:
        return f"{export.round.name} ({export.round.code})"
    if export.scope == ExportScope.FUND and export.fund is not None:
        return f"Every call in {export.fund.name} ({export.fund.code})"
    return f"Awards made from {format_date(export.date_from)} to {format_date(export.date_to)}"


def _require_exporter() -> None:
    authorize(permissions.can_export(current_user), hide=not is_staff(current_user))


def _render_exports(form: ExportForm, status: int = 200) -> Any:
    return render_template(
        "reporting/exports/exports.html",
        form=form,
        format_hints=FORMAT_HINTS,
        dates_choice=DATES_CHOICE,
        dates_hint=DATES_HINT,
        recent=queries.list_recent_exports(current_user.id, limit=RECENT),
        title="Export the award register",
    ), status


@bp.route("/staff/exports", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_EXPORT_PER_USER", by_user)
@commits
@keeps_input_on_csrf_error
def exports():
    _require_exporter()
    form = export_form(queries.list_exportable_rounds(current_user), queries.list_exportable_funds(current_user))
    if request.method != "POST":
        return _render_exports(form)
    if form.validate_on_submit():
        try:
            export = services.start_export(
                actor=current_user,
                scope=ExportScope(form.chosen_scope),  # validate() made sure one on offer was chosen
                export_format=ExportFormat(form.export_format.data),
                round_id=form.chosen_round_id,
                fund_id=form.chosen_fund_id,
                date_from=form.date_from.data,
                date_to=form.date_to.data,
                now=utcnow(),
            )
        except DomainError as exc:
            add_domain_error(form, exc, CHOICE_FIELDS)
        else:
            return redirect(url_for("reporting.export_status", export_id=export.id))
    return _render_exports(form, 422)


def _viewed_export(export_id: int) -> Export:
    """The export, for the person who asked for it and for admins (404 for anyone else)."""
    export = queries.get_export(export_id)
    mine = export.created_by_id is not None and export.created_by_id == current_user.id
    authorize(mine or is_admin(current_user), hide=True)
    return export


def _progress_text(export: Export) -> str:
    if export.status == ExportStatus.QUEUED:
        return "Waiting to start"
    return f"{export.done:,} of {plural(export.total, 'award')} written"


@bp.get("/staff/exports/<int:export_id>")
@signed_in
def export_status(export_id: int):
    export = _viewed_export(export_id)
    return render_template(
        "reporting/exports/export.html",
        export=export,
        finished=export.status in FINISHED,
        progress_text=_progress_text(export),
        hidden_problems=max(export.problem_count - len(export.problems), 0),
        # Starts with the h1; the export's number and status tell one export's page from another's (2.4.2).
        title=f"Award register as {EXPORT_FORMAT_LABELS[export.format]}: export {export.id}, "
        f"{EXPORT_STATUS_LABELS[export.status].lower()}",
    )


@bp.get("/staff/exports/<int:export_id>/download")
@signed_in
def export_download(export_id: int):
    export = _viewed_export(export_id)
    if export.status != ExportStatus.DONE or export.storage_key is None or export.file_name is None:
        abort(404)
    storage.require_stored_file(export.storage_key, what=f"Export {export.id}")
    key, name, mimetype = export.storage_key, export.file_name, services.export_content_type(export)
    record_read_event(
        "export.downloaded",
        actor=current_user,
        subject=export,
        data={"file_name": name, "size_bytes": export.size_bytes, "sha256": export.sha256},
    )
    return storage.send_stored_file(key, download_name=name, mimetype=mimetype)
