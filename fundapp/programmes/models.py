"""Funds and their calls (rounds), with tiers, themes, weighted criteria and the question set as data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.core.models import Base, TimestampMixin, enum_column
from fundapp.programmes.monitoring import default_metrics_json, default_reports_json
from fundapp.programmes.payment_schedule import default_template_json
from fundapp.programmes.states import QuestionType, RoundStatus


class Fund(TimestampMixin, Base):
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    rounds: Mapped[list[Round]] = relationship(back_populates="fund", order_by="Round.opens_at")


class Round(TimestampMixin, Base):
    """A call for applications. committed_pence can never exceed budget_pence (checked by the database)."""

    __tablename__ = "rounds"
    __table_args__ = (
        sa.CheckConstraint("budget_pence > 0", name="budget_positive"),
        sa.CheckConstraint("committed_pence >= 0", name="committed_not_negative"),
        sa.CheckConstraint("committed_pence <= budget_pence", name="committed_within_budget"),
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        sa.CheckConstraint(
            "project_latest_end IS NULL OR project_earliest_start IS NULL "
            "OR project_latest_end > project_earliest_start",
            name="project_window_order",
        ),
        sa.CheckConstraint("max_applications_per_organisation >= 1", name="max_applications_positive"),
        sa.CheckConstraint("last_application_number >= 0", name="application_number_not_negative"),
        sa.CheckConstraint("assessors_per_application BETWEEN 1 AND 10", name="assessors_per_application_range"),
        sa.CheckConstraint("spread_points >= 1", name="spread_points_positive"),
        sa.CheckConstraint("spread_percent BETWEEN 1 AND 100", name="spread_percent_range"),
        sa.CheckConstraint("min_fundable_percent BETWEEN 0 AND 100", name="min_fundable_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(sa.ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus, "round_status"), default=RoundStatus.DRAFT)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    budget_pence: Mapped[int] = mapped_column(sa.BigInteger)
    committed_pence: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    eligible_legal_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Keys of the form's file questions that must hold a file for an application to be eligible.
    required_documents: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # What the prospectus says beyond the summary: aims, who the call is for, anything applicants must know.
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Funded projects must start and end inside this window (dates in London).
    project_earliest_start: Mapped[date | None] = mapped_column(sa.Date)
    project_latest_end: Mapped[date | None] = mapped_column(sa.Date)
    max_applications_per_organisation: Mapped[int] = mapped_column(default=1)
    # The last application reference number handed out (SEF-6-0042); raised only by an atomic UPDATE.
    last_application_number: Mapped[int] = mapped_column(default=0)

    # Assessment: how many assessors score each application, what disagreement sends it to moderation, the
    # score below which nothing is funded, whether assessors see who applied, and when scorecards are due.
    assessors_per_application: Mapped[int] = mapped_column(default=2, server_default="2")
    # Flag for moderation when assessors differ by at least this many points on any criterion …
    spread_points: Mapped[int] = mapped_column(default=2, server_default="2")
    # … or by at least this many percentage points overall.
    spread_percent: Mapped[int] = mapped_column(default=15, server_default="15")
    min_fundable_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    blind_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Assessors may mark a criterion "not applicable" (stored as a null score) only where the call allows it.
    allow_not_applicable: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    assessment_deadline: Mapped[datetime | None]
    # Once moderation starts, assessors can no longer reopen their submitted scorecards.
    moderation_started_at: Mapped[datetime | None]
    # Decisions: the tranches every award of the call is paid in (payment_schedule.py), and when the fund manager
    # published the outcomes to applicants (until then applicants read "being assessed").
    payment_template: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=default_template_json)
    outcomes_published_at: Mapped[datetime | None]
    outcomes_published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Monitoring (monitoring.py): the numbers grantees report, and the reports each award owes and when.
    report_metrics: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=default_metrics_json)
    report_schedule: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=default_reports_json)

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    tiers: Mapped[list[Tier]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Tier.min_pence"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Theme.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="Criterion.position",
    )
    question_set: Mapped[QuestionSet | None] = relationship(back_populates="round", cascade="all, delete-orphan")


class Tier(Base):
    __tablename__ = "tiers"
    __table_args__ = (
        sa.CheckConstraint("min_pence > 0", name="min_positive"),
        sa.CheckConstraint("max_pence >= min_pence", name="max_not_below_min"),
        sa.CheckConstraint("match_funding_percent BETWEEN 0 AND 100", name="match_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    min_pence: Mapped[int] = mapped_column(sa.BigInteger)
    max_pence: Mapped[int] = mapped_column(sa.BigInteger)
    match_funding_percent: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="tiers")


class Theme(Base):
    __tablename__ = "themes"
    __table_args__ = (sa.UniqueConstraint("round_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="themes")


class Criterion(Base):
    """A weighted scoring criterion; a round's weights sum to 100 before it can open."""

    __tablename__ = "criteria"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "name"),
        sa.CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
        sa.CheckConstraint(
            "(scale_min = 0 AND scale_max IN (3, 4, 5)) OR (scale_min = 1 AND scale_max = 5)",
            name="allowed_scale",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[int]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="criteria")
    descriptors: Mapped[list[CriterionDescriptor]] = relationship(
        back_populates="criterion",
        cascade="all, delete-orphan",
        order_by="CriterionDescriptor.score.desc()",
    )


class CriterionDescriptor(Base):
    """What one point on a criterion's scale means (e.g. 5 = Strong)."""

    __tablename__ = "criterion_descriptors"
    __table_args__ = (sa.UniqueConstraint("criterion_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(50))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    criterion: Mapped[Criterion] = relationship(back_populates="descriptors")


class QuestionSet(Base):
    """The application form of one round, as data: sections of typed questions."""

    __tablename__ = "question_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    round: Mapped[Round] = relationship(back_populates="question_set")
    sections: Mapped[list[Section]] = relationship(
        back_populates="question_set",
        cascade="all, delete-orphan",
        order_by="Section.position",
    )


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (sa.UniqueConstraint("question_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(sa.ForeignKey("question_sets.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    question_set: Mapped[QuestionSet] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section",
        cascade="all, delete-orphan",
        order_by="Question.position",
    )


class Question(Base):
    """One question. `config` holds type-specific limits: word_limit, choices, min/max, file types, …"""

    __tablename__ = "questions"
    __table_args__ = (sa.UniqueConstraint("section_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("sections.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(60))
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType, "question_type"))
    label: Mapped[str] = mapped_column(sa.Text)
    hint: Mapped[str] = mapped_column(sa.Text, default="")
    # What the answer is, for specific error messages ("Enter the date your project will start"); may be "".
    error_name: Mapped[str] = mapped_column(sa.String(150), default="")
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    section: Mapped[Section] = relationship(back_populates="questions")
