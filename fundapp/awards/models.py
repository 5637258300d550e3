"""Decisions on applications, awards with their due diligence and payments, and bulk letter batches."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.accounts.models import Organisation, User
from fundapp.applications.models import Application
from fundapp.awards.states import (
    AwardStatus,
    BatchStatus,
    DueDiligenceItem,
    Outcome,
    PaymentStatus,
    Register,
)
from fundapp.core.clock import utcnow
from fundapp.core.models import Base, enum_column
from fundapp.programmes.models import Round
from fundapp.programmes.states import PaymentTrigger


class Decision(Base):
    """The panel's decision on one application: who decided, when and why, and what the applicant is told.

    One per application; deciding a reserve-list application again updates it (the audit log keeps each step).
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "decision_outcome"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why, for the record (staff only)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")  # what the applicant reads
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # When the applicant was told (the call's outcomes were published, or it was decided after that).
    published_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User | None] = relationship()


class Award(Base):
    """A grant offered to an organisation for an approved application: its amount (committed against the call's
    budget), conditions, letter, acceptance, due diligence and payments."""

    __tablename__ = "awards"
    __table_args__ = (sa.CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="RESTRICT"), unique=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    status: Mapped[AwardStatus] = mapped_column(enum_column(AwardStatus, "award_status"), default=AwardStatus.OFFERED)
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    # A public, unguessable code printed on the letter; /verify/<code> confirms the award.
    verification_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    project_start: Mapped[date | None] = mapped_column(sa.Date)
    project_end: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    letter_issued_at: Mapped[datetime | None]
    letter_issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    # The signatory's acceptance, tied to the exact letter they accepted.
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    accepted_name: Mapped[str | None] = mapped_column(sa.String(200))
    accepted_position: Mapped[str | None] = mapped_column(sa.String(200))
    accepted_ip: Mapped[str | None] = mapped_column(sa.String(45))
    accepted_letter_version: Mapped[int | None]
    accepted_letter_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    declined_at: Mapped[datetime | None]
    declined_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    activated_at: Mapped[datetime | None]
    # Staff withdrew the offer (not accepted in time, say) before any payment was approved.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    application: Mapped[Application] = relationship()
    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    checks: Mapped[list[DueDiligenceCheck]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="DueDiligenceCheck.id"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Payment.position"
    )


class DueDiligenceCheck(Base):
    """One completed item of an award's due-diligence checklist: who checked it, when, and what they noted."""

    __tablename__ = "due_diligence_checks"
    __table_args__ = (sa.UniqueConstraint("award_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    item: Mapped[DueDiligenceItem] = mapped_column(enum_column(DueDiligenceItem, "due_diligence_item"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # For the registration item: the register searched and the number found there.
    register: Mapped[Register | None] = mapped_column(enum_column(Register, "register"))
    registration_number: Mapped[str | None] = mapped_column(sa.String(20))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    award: Mapped[Award] = relationship(back_populates="checks")
    completed_by: Mapped[User | None] = relationship()


class Payment(Base):
    """One tranche of an award. It becomes due (due_at) when its trigger happens; finance approve it (someone
    other than the person who decided the award) and record it as paid or failed."""

    __tablename__ = "payments"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "position"),
        sa.CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name="percent_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(100))
    trigger: Mapped[PaymentTrigger] = mapped_column(enum_column(PaymentTrigger, "payment_trigger"))
    percent: Mapped[int]
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus, "payment_status"), default=PaymentStatus.SCHEDULED
    )
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # when its trigger happened; None: not yet due
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    payment_reference: Mapped[str | None] = mapped_column(sa.String(60))
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)

    award: Mapped[Award] = relationship(back_populates="payments")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class LetterBatch(Base):
    """A run of bulk award-letter generation for a call, with its progress and the ZIP it produced."""

    __tablename__ = "letter_batches"
    __table_args__ = (sa.CheckConstraint("done <= total", name="done_within_total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus, "batch_status"), default=BatchStatus.QUEUED)
    award_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    zip_storage_key: Mapped[str | None] = mapped_column(sa.String(80))
    zip_size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    created_by: Mapped[User | None] = relationship()
