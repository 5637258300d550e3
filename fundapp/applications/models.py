"""Applications to a call: their answers (kept as typed, valid or not), section progress and attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.accounts.models import Organisation, User
from fundapp.applications.states import ApplicationStatus, SectionStatus
from fundapp.core.clock import utcnow
from fundapp.core.models import Base, TimestampMixin, enum_column
from fundapp.programmes.models import Round


class Application(TimestampMixin, Base):
    """One organisation's bid to one call. `reference` is given on submission (e.g. SEF-6-0042)."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(
            "amount_requested_pence IS NULL OR amount_requested_pence > 0", name="amount_requested_positive"
        ),
        sa.CheckConstraint("submitted_at IS NULL OR reference IS NOT NULL", name="submitted_has_reference"),
        sa.Index("ix_applications_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT
    )
    # Copied from the answers whenever they are saved, so lists and rankings need no answer lookups.
    project_title: Mapped[str] = mapped_column(sa.String(200), default="")
    amount_requested_pence: Mapped[int | None] = mapped_column(sa.BigInteger)

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    # Eligibility screening: the automatic reasons, and a staff override with its reason.
    screened_at: Mapped[datetime | None]
    eligibility_reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    eligibility_overridden_at: Mapped[datetime | None]
    eligibility_overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    eligibility_override_reason: Mapped[str | None] = mapped_column(sa.Text)

    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    sections: Mapped[list[ApplicationSection]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationSection.id"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Answer.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.reference or 'draft'} {self.status.value}>"


class ApplicationSection(Base):
    """Progress on one task of the task list. `version` guards against two people saving over each other."""

    __tablename__ = "application_sections"
    __table_args__ = (sa.UniqueConstraint("application_id", "section_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str] = mapped_column(sa.String(60))
    status: Mapped[SectionStatus] = mapped_column(
        enum_column(SectionStatus, "section_status"), default=SectionStatus.NOT_STARTED
    )
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="sections")
    updated_by: Mapped[User | None] = relationship()


class Answer(Base):
    """The answer to one question, exactly as typed (`raw`), and its checked value (`value`, None while invalid).

    `raw` is a string, a list of strings (choices, boroughs, dates as day/month/year) or a list of budget lines;
    `value` is the normalised form: pence, ISO dates, whole numbers, choice values.
    """

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("application_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(60))
    raw: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="answers")


class Attachment(Base):
    """An uploaded file, stored outside the web root under a random key; the name is only for display."""

    __tablename__ = "attachments"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(60))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_type: Mapped[str] = mapped_column(sa.String(10))  # pdf, docx, xlsx, odt, ods, png, jpg
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="attachments")
