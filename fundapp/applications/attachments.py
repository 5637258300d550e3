"""Writes for files attached to an application's file questions. Services flush and never commit.

Files are checked by core.uploads (type by content, size, zip bombs) and kept in core.storage under random keys.
The disk follows the database: a file written for a unit of work that rolls back is deleted, and a file whose row
is deleted (removed or replaced) is deleted only once that change has committed, so no file is ever orphaned
and no row ever points at a missing file.
"""

from __future__ import annotations

from typing import Any

from fundapp.accounts.models import User
from fundapp.applications.models import Application, Attachment
from fundapp.applications.permissions import is_applicant_for
from fundapp.applications.states import ApplicationStatus
from fundapp.core import storage
from fundapp.core.audit import record_event
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.transactions import after_commit
from fundapp.core.uploads import FILE_TYPES, MB
from fundapp.extensions import db
from fundapp.programmes.models import Question
from fundapp.programmes.states import QuestionType

DEFAULT_MAX_FILE_SIZE_MB = 10
NOT_DRAFT_MESSAGE = "You can only add or remove files before the application is submitted"


def file_rules(question: Question) -> tuple[list[str], int, int]:
    """A file question's allowed types (all when unset), size limit in bytes (10MB when unset) and number of files
    (one unless it says more)."""
    config = question.config or {}
    # Unknown types are dropped, never widened to "anything": a question left with none is a set-up error.
    allowed = [key for key in config.get("allowed_file_types") or FILE_TYPES if key in FILE_TYPES]
    max_bytes = int(config.get("max_file_size_mb") or DEFAULT_MAX_FILE_SIZE_MB) * MB
    max_files = max(int(config.get("max_files") or 1), 1)
    return allowed, max_bytes, max_files


def _check_can_change(actor: User, application: Application, field: str) -> None:
    if not is_applicant_for(actor, application):
        raise NotAllowed("Only members of the applying organisation can change its files", field=field)
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError(NOT_DRAFT_MESSAGE, field=field)


def describe(attachment: Attachment) -> dict[str, Any]:
    """What the audit trail keeps about a file: its id, question, name, type and size (never its contents)."""
    return {
        "attachment_id": attachment.id,
        "question_key": attachment.question_key,
        "filename": attachment.filename,
        "file_type": attachment.file_type,
        "size_bytes": attachment.size_bytes,
    }


def _delete_file_after_commit(key: str) -> None:
    after_commit(lambda: storage.delete(key))


def add_attachment(
    *, actor: User, application: Application, question: Question, filename: str, data: bytes
) -> Attachment:
    """Check an uploaded file and attach it to a file question of a draft application.

    A question that takes one file (max_files 1 or unset) keeps only the newest: the old row goes now and its
    stored file after the commit. A question that takes several refuses one more than its limit. Raises
    DomainError (field=question.key) for a file core.uploads or the virus scanner rejects, a full question, a
    question that is not a file question of this call, or an application that is no longer a draft; NotAllowed
    for a non-member.
    """
    _check_can_change(actor, application, question.key)
    if question.type != QuestionType.FILE or question.section.question_set.round_id != application.round_id:
        raise DomainError("This question does not take files", field=question.key)
    allowed, max_bytes, max_files = file_rules(question)
    existing = [a for a in application.attachments if a.question_key == question.key]
    if max_files > 1 and len(existing) >= max_files:
        raise DomainError(f"You can upload up to {max_files} files", field=question.key)
    key, upload = storage.save_upload(
        filename=filename,
        data=data,
        allowed_types=allowed,
        max_bytes=max_bytes,
        field=question.key,
        actor=actor,
        subject=application,
    )
    attachment = Attachment(question_key=question.key, **upload.stored_as(key), uploaded_by_id=actor.id)
    application.attachments.append(attachment)
    replaced = [describe(old) for old in existing] if max_files == 1 else []
    if replaced:
        for old in existing:
            application.attachments.remove(old)  # delete-orphan: the row is deleted at the flush
            _delete_file_after_commit(old.storage_key)
    db.session.flush()
    event = describe(attachment)
    if replaced:
        event["replaced"] = replaced
    record_event(
        "attachment.replaced" if replaced else "attachment.added", actor=actor, subject=application, data=event
    )
    return attachment


def remove_attachment(*, actor: User, attachment: Attachment) -> None:
    """Remove a file from a draft application; its stored copy is deleted once the removal has committed.

    Raises DomainError (field=the question's key) when the application is no longer a draft; NotAllowed for a
    non-member.
    """
    application = attachment.application
    _check_can_change(actor, application, attachment.question_key)
    data = describe(attachment)
    application.attachments.remove(attachment)
    _delete_file_after_commit(attachment.storage_key)
    db.session.flush()
    record_event("attachment.removed", actor=actor, subject=application, data=data)
