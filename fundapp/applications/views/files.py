"""Files attached to an application: download (members and staff who can see it) and remove (members, drafts).

Uploading happens on the section pages (views.apply) through attachments.add_attachment. Anyone who may not
see the application gets a 404 for its files too, and an attachment id only works under its own application.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.applications import attachments, bp, permissions, queries
from fundapp.applications.models import Application, Attachment
from fundapp.core import storage
from fundapp.core.audit import record_read_event
from fundapp.core.auth import authorize, safe_next_url, signed_in
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commits


@bp.get("/applications/<int:application_id>/files/<int:attachment_id>")
@signed_in
def download_file(application_id: int, attachment_id: int):
    application = queries.get_application(application_id)
    authorize(permissions.can_view_application(current_user, application), hide=True)
    attachment = queries.get_attachment(application_id=application.id, attachment_id=attachment_id)
    # Staff reading an organisation's documents is worth a record; members reading their own is not.
    audited = not permissions.is_applicant_for(current_user, application)
    return send_attachment(application, attachment, audit=attachments.describe(attachment) if audited else None)


def send_attachment(
    application: Application, attachment: Attachment, *, audit: dict[str, Any] | None, download_name: str | None = None
) -> Response:
    """Send an attachment's stored file as a download (404 if the file is missing from the store), recording the
    read in the audit log first when `audit` holds what to record. Used here and by assessors' pages."""
    storage.require_stored_file(attachment.storage_key, what=f"Attachment {attachment.id}")
    filename, content_type, key = download_name or attachment.filename, attachment.content_type, attachment.storage_key
    if audit is not None:
        record_read_event("attachment.downloaded", actor=current_user, subject=application, data=audit)
    return storage.send_stored_file(key, download_name=filename, mimetype=content_type)


@bp.post("/applications/<int:application_id>/files/<int:attachment_id>/remove")
@signed_in
@commits
def remove_file(application_id: int, attachment_id: int):
    application = queries.get_application(application_id)
    authorize(permissions.can_view_application(current_user, application), hide=True)
    attachment = queries.get_attachment(application_id=application.id, attachment_id=attachment_id)
    authorize(permissions.can_edit_application(current_user, application))
    next_url = safe_next_url(request.args.get("next"), url_for("applications.task_list", application_id=application.id))
    if ConfirmForm().validate_on_submit():
        filename = attachment.filename
        try:
            attachments.remove_attachment(actor=current_user, attachment=attachment)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"{filename} has been removed", "success")
    return redirect(next_url)
