"""Reads for funds and rounds. get_* raises NoResultFound (a 404); list_* are deterministically ordered."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.extensions import db
from fundapp.programmes.models import Criterion, Fund, Question, QuestionSet, Round, Section
from fundapp.programmes.states import RoundStatus


def list_funds() -> list[Fund]:
    """Every fund with its rounds, by name."""
    return list(db.session.scalars(sa.select(Fund).options(selectinload(Fund.rounds)).order_by(Fund.name, Fund.id)))


def get_fund(fund_id: int) -> Fund:
    """The fund, or NoResultFound."""
    return db.session.execute(sa.select(Fund).where(Fund.id == fund_id)).scalar_one()


def find_fund_by_code(code: str) -> Fund | None:
    """The fund with this code, or None."""
    return db.session.scalar(sa.select(Fund).where(Fund.code == code))


def get_round(round_id: int) -> Round:
    """The round with its tiers, themes, criteria (with descriptors) and question set loaded, or NoResultFound."""
    return db.session.execute(
        sa.select(Round)
        .options(
            selectinload(Round.fund),
            selectinload(Round.tiers),
            selectinload(Round.themes),
            selectinload(Round.criteria).selectinload(Criterion.descriptors),
            selectinload(Round.question_set).selectinload(QuestionSet.sections).selectinload(Section.questions),
        )
        .where(Round.id == round_id)
    ).scalar_one()


def find_round_by_code(code: str) -> Round | None:
    """The round with this code (e.g. 'SEF-6'), or None."""
    return db.session.scalar(sa.select(Round).where(Round.code == code))


def list_rounds(*, fund_id: int | None = None) -> list[Round]:
    """Rounds (of one fund, or all), newest opening first, with their fund and tiers."""
    query = (
        sa.select(Round)
        .options(selectinload(Round.fund), selectinload(Round.tiers))
        .order_by(Round.opens_at.desc(), Round.id.desc())
    )
    if fund_id is not None:
        query = query.where(Round.fund_id == fund_id)
    return list(db.session.scalars(query))


def list_rounds_open_for_applications(*, now: datetime) -> list[Round]:
    """Rounds that are open and inside their dates right now, closing soonest first."""
    return list(
        db.session.scalars(
            sa.select(Round)
            .options(selectinload(Round.fund), selectinload(Round.tiers), selectinload(Round.themes))
            .where(Round.status == RoundStatus.OPEN, Round.opens_at <= now, Round.closes_at > now)
            .order_by(Round.closes_at, Round.id)
        )
    )


def find_fund(fund_id: int) -> Fund | None:
    """The fund, or None (e.g. to check a chosen role scope still exists)."""
    return db.session.get(Fund, fund_id)


def find_round(round_id: int) -> Round | None:
    """The round, or None (e.g. to check a chosen role scope still exists)."""
    return db.session.get(Round, round_id)


def list_public_rounds(*, now: datetime) -> list[Round]:
    """Calls the public may apply to now or soon (open, not yet closed): open now closing soonest first, then
    upcoming opening soonest first; with fund and tiers. Draft calls are never public."""
    upcoming = Round.opens_at > now
    return list(
        db.session.scalars(
            sa.select(Round)
            .options(selectinload(Round.fund), selectinload(Round.tiers))
            .where(Round.status == RoundStatus.OPEN, Round.closes_at > now)
            .order_by(upcoming, sa.case((upcoming, Round.opens_at), else_=Round.closes_at), Round.id)
        )
    )


def get_public_round(code: str) -> Round:
    """The call with this code and everything its prospectus shows (as get_round), or NoResultFound when there
    is no such call or it is still a draft (draft calls are never public)."""
    round_id = db.session.execute(
        sa.select(Round.id).where(Round.code == code, Round.status != RoundStatus.DRAFT)
    ).scalar_one()
    return get_round(round_id)


def questions_by_key(round_ids: set[int]) -> dict[tuple[int, str], Question]:
    """Every question of the calls' forms, by (round id, question key): for reading answers of many calls at once."""
    if not round_ids:
        return {}
    rows = db.session.execute(
        sa.select(QuestionSet.round_id, Question)
        .join(Section, Section.question_set_id == QuestionSet.id)
        .join(Question, Question.section_id == Section.id)
        .where(QuestionSet.round_id.in_(round_ids))
    )
    return {(round_id, question.key): question for round_id, question in rows}
