"""Assessors' standing connections, assessments (assignment + scorecard), criterion scores and moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.accounts.models import Organisation, User
from fundapp.applications.models import Application
from fundapp.assessment.states import AssessmentStatus, ConnectionKind, ModerationStatus, Recommendation
from fundapp.core.clock import utcnow
from fundapp.core.models import Base, enum_column
from fundapp.programmes.models import Criterion, Round


class Connection(Base):
    """A standing connection an assessor has declared to an organisation: they are never assigned its bids."""

    __tablename__ = "assessor_connections"
    __table_args__ = (sa.UniqueConstraint("assessor_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConnectionKind] = mapped_column(enum_column(ConnectionKind, "connection_kind"))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessor: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Assessment(Base):
    """One assessor's assignment to one application and their scorecard for it.

    One row per (application, assessor), ever: a conflicted assessor's row stays, so they can never be assigned
    that application again. `version` guards against two tabs saving over each other.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "assessor_id"),
        sa.Index("ix_assessments_round_status", "round_id", "status"),
        sa.CheckConstraint(
            "status <> 'submitted' OR (submitted_at IS NOT NULL AND recommendation IS NOT NULL)",
            name="submitted_is_complete",
        ),
        sa.CheckConstraint("status <> 'conflicted' OR conflict_reason IS NOT NULL", name="conflict_has_reason"),
        sa.CheckConstraint("version >= 0", name="version_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus, "assessment_status"), default=AssessmentStatus.ASSIGNED
    )
    version: Mapped[int] = mapped_column(default=0)

    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The assessor confirmed they have no conflict of interest (before seeing the application).
    no_conflict_confirmed_at: Mapped[datetime | None]
    conflict_kind: Mapped[ConnectionKind | None] = mapped_column(enum_column(ConnectionKind, "connection_kind"))
    conflict_reason: Mapped[str | None] = mapped_column(sa.Text)
    conflict_declared_at: Mapped[datetime | None]
    unassigned_at: Mapped[datetime | None]
    unassigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, "recommendation"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_reminded_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="CriterionScore.id"
    )

    def score_for(self, criterion_id: int) -> CriterionScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    def __repr__(self) -> str:
        return f"<Assessment {self.id} app={self.application_id} assessor={self.assessor_id} {self.status.value}>"


class CriterionScore(Base):
    """An assessor's score on one criterion with its justification. A null score is "not applicable" when
    `not_applicable` is set, and simply not chosen yet on a draft otherwise; never a sentinel number."""

    __tablename__ = "criterion_scores"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "criterion_id"),
        sa.CheckConstraint("NOT (not_applicable AND score IS NOT NULL)", name="not_applicable_has_no_score"),
        sa.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    score: Mapped[int | None]
    not_applicable: Mapped[bool] = mapped_column(default=False)
    justification: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Moderation(Base):
    """Moderation of one application, created when its assessments are all in. `flags` says why it needs a
    moderator (empty when it only needs the mean confirmed). Resolving it fixes the application's final score."""

    __tablename__ = "moderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ModerationStatus] = mapped_column(
        enum_column(ModerationStatus, "moderation_status"), default=ModerationStatus.PENDING
    )
    # Kept after resolution: the ranking can still show which bids were moderated and why.
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship()
    resolved_by: Mapped[User | None] = relationship()
    scores: Mapped[list[ModeratedScore]] = relationship(
        back_populates="moderation", cascade="all, delete-orphan", order_by="ModeratedScore.id"
    )

    def score_for(self, criterion_id: int) -> ModeratedScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    @property
    def moderated_scores(self) -> dict[int, int]:
        return {s.criterion_id: s.score for s in self.scores}

    @property
    def was_flagged(self) -> bool:
        """Flagged for moderation, now or before it was resolved."""
        return bool(self.flags)

    def describe(self) -> dict[str, Any]:
        return {"status": self.status.value, "flags": list(self.flags)}


class ModeratedScore(Base):
    """A moderator's score for one criterion of one application, with the reason. The assessors' own scores are
    never changed: the final score uses this in place of their mean on this criterion."""

    __tablename__ = "moderated_scores"
    __table_args__ = (
        sa.UniqueConstraint("moderation_id", "criterion_id"),
        sa.CheckConstraint("score BETWEEN 0 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    moderation_id: Mapped[int] = mapped_column(sa.ForeignKey("moderations.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    moderation: Mapped[Moderation] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()
    moderator: Mapped[User | None] = relationship()
