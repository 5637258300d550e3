"""Documents the app issues (PDF copies of applications, award letters): immutable, versioned, hashed.

Re-issuing a document makes a new version; earlier versions stay. The bytes live in core.storage and the
row records what they were made from (template version and inputs) and their SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.core import storage
from fundapp.core.clock import utcnow
from fundapp.core.models import Base


class StoredDocument(Base):
    __tablename__ = "stored_documents"
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id", "kind", "version"),
        sa.Index("ix_stored_documents_subject", "subject_type", "subject_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # e.g. "application_copy", "award_letter"
    subject_type: Mapped[str] = mapped_column(sa.String(80))
    subject_id: Mapped[int]
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    template_version: Mapped[str] = mapped_column(sa.String(40))
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class _HasId(Protocol):
    id: int


def store_document(
    *,
    kind: str,
    subject: _HasId,
    data: bytes,
    filename: str,
    content_type: str,
    template_version: str,
    inputs: dict[str, Any],
    actor: _HasId | None,
) -> StoredDocument:
    """Store a new version of a document for subject (flushes; the bytes are written at once)."""
    from fundapp.core.transactions import after_rollback
    from fundapp.extensions import db

    subject_type = type(subject).__name__
    latest = db.session.scalar(
        sa.select(sa.func.max(StoredDocument.version)).where(
            StoredDocument.subject_type == subject_type,
            StoredDocument.subject_id == subject.id,
            StoredDocument.kind == kind,
        )
    )
    key = storage.save(data)
    after_rollback(lambda: storage.delete(key))
    document = StoredDocument(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject.id,
        version=(latest or 0) + 1,
        filename=filename,
        content_type=content_type,
        storage_key=key,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        template_version=template_version,
        inputs=inputs,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(document)
    db.session.flush()
    return document


def find_latest_document(*, kind: str, subject: _HasId) -> StoredDocument | None:
    """The newest version of this kind of document for subject, or None."""
    from fundapp.extensions import db

    return db.session.scalar(
        sa.select(StoredDocument)
        .where(
            StoredDocument.subject_type == type(subject).__name__,
            StoredDocument.subject_id == subject.id,
            StoredDocument.kind == kind,
        )
        .order_by(StoredDocument.version.desc())
        .limit(1)
    )
