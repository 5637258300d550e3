"""Monitoring reports (what each award owes, what the grantee wrote, each submission and its review, evidence) and
finance exports with their progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.accounts.models import User
from fundapp.awards.models import Award
from fundapp.core.clock import utcnow
from fundapp.core.models import Base, enum_column
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.monitoring import ReportKind
from fundapp.reporting.states import (
    ExportFormat,
    ExportScope,
    ExportStatus,
    ReportStatus,
    ReviewOutcome,
)


class Report(Base):
    """One monitoring report an award owes (interim, final), due on a date that follows from the project's dates.

    `raw` holds what the grantee typed, field by field, valid or not (so nothing they typed is lost); `values` holds
    the checked values of the fields that are valid (metrics as whole numbers, spend in pence, GSS codes). `version`
    guards against two people saving over each other.
    """

    __tablename__ = "reports"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "position"),
        sa.Index("ix_reports_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    label: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"), default=ReportStatus.DUE)
    raw: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]  # the latest submission
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Reminders already sent for this due date (the daily job sends each once).
    due_reminder_sent_at: Mapped[datetime | None]
    overdue_reminder_sent_at: Mapped[datetime | None]

    award: Mapped[Award] = relationship()
    round: Mapped[Round] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    submissions: Mapped[list[ReportSubmission]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportSubmission.number"
    )
    evidence: Mapped[list[ReportEvidence]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportEvidence.id"
    )


class ReportSubmission(Base):
    """One submission of a report, kept as it was sent (a snapshot of its values and evidence), and its review:
    approved, or sent back with comments. A resubmission is a new row, so the history stays."""

    __tablename__ = "report_submissions"
    __table_args__ = (sa.UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_column(ReviewOutcome, "review_outcome"))
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="submissions")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class ReportEvidence(Base):
    """A file uploaded as evidence for a report, stored outside the web root under a random key."""

    __tablename__ = "report_evidence"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_type: Mapped[str] = mapped_column(sa.String(10))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="evidence")


class Export(Base):
    """One finance export of the award register: what was asked for (scope and format), by whom, its progress,
    and the file (or, for 360Giving, the rows that broke a data-quality rule and why)."""

    __tablename__ = "exports"
    __table_args__ = (sa.CheckConstraint("done <= total", name="done_within_total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[ExportFormat] = mapped_column(enum_column(ExportFormat, "export_format"))
    scope: Mapped[ExportScope] = mapped_column(enum_column(ExportScope, "export_scope"))
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    # For ExportScope.DATES: awards made on or between these (London) days; and the calls the person could export
    # when they asked (for every scope), so a background job exports exactly what they were allowed to see.
    date_from: Mapped[date | None] = mapped_column(sa.Date)
    date_to: Mapped[date | None] = mapped_column(sa.Date)
    round_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # For INVALID: [{"row": 3, "reference": "SEF-5-0003", "rule": "...", "message": "..."}], at most a few hundred.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    problem_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    file_name: Mapped[str | None] = mapped_column(sa.String(120))
    storage_key: Mapped[str | None] = mapped_column(sa.String(80))
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    round: Mapped[Round | None] = relationship()
    fund: Mapped[Fund | None] = relationship()
    created_by: Mapped[User | None] = relationship()
