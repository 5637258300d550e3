"""Reads for monitoring reports: one report, an award's or a call's reports, a grantee's, those due a reminder, and
what a report is checked against (the call's metrics, the application's targets and budget)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from fundapp.accounts.models import Membership
from fundapp.applications.models import Answer
from fundapp.assessment.ranking import themes_and_boroughs
from fundapp.awards.models import Award
from fundapp.extensions import db
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Fund, Question, QuestionSet, Round, Section
from fundapp.programmes.monitoring import parse_metrics
from fundapp.programmes.states import QuestionType
from fundapp.reporting.content import ReportContext, budget_lines
from fundapp.reporting.models import Export, Report, ReportEvidence, ReportSubmission
from fundapp.reporting.permissions import REPORTING_AWARD_STATUSES, can_export_round, can_view_fund
from fundapp.reporting.portfolio import GrantResults, MetricRef
from fundapp.reporting.states import OUTSTANDING, ReportStatus


def _report_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [
        joinedload(Report.award).joinedload(Award.organisation),
        joinedload(Report.award).joinedload(Award.round),
        joinedload(Report.award).joinedload(Award.application),
        selectinload(Report.submissions),
        selectinload(Report.evidence),
    ]


def get_report(report_id: int) -> Report:
    """The report with its award, organisation, call, submissions and evidence. Raises NoResultFound (a 404)."""
    return db.session.scalars(sa.select(Report).where(Report.id == report_id).options(*_report_options())).one()


def get_evidence(*, report_id: int, evidence_id: int) -> ReportEvidence:
    """One evidence file of the report. Raises NoResultFound (also for a file of another report)."""
    return db.session.scalars(
        sa.select(ReportEvidence).where(ReportEvidence.id == evidence_id, ReportEvidence.report_id == report_id)
    ).one()


def list_award_reports(award_id: int) -> list[Report]:
    """The award's reports in the order they fall due."""
    return list(
        db.session.scalars(
            sa.select(Report).where(Report.award_id == award_id).order_by(Report.position).options(*_report_options())
        )
    )


def list_round_reports(
    *, round_id: int, statuses: Iterable[ReportStatus] | None = None, overdue_on: date | None = None
) -> list[Report]:
    """A call's reports (of accepted awards), soonest due first; optionally only in the given statuses, or only
    those still owed and past their due date on overdue_on."""
    query = (
        sa.select(Report)
        .join(Award, Award.id == Report.award_id)
        .where(Report.round_id == round_id, Award.status.in_(REPORTING_AWARD_STATUSES))
    )
    if statuses is not None:
        query = query.where(Report.status.in_(list(statuses)))
    if overdue_on is not None:
        query = query.where(Report.status.in_(list(OUTSTANDING)), Report.due_on < overdue_on)
    query = query.order_by(Report.due_on, Award.reference, Report.position).options(*_report_options())
    return list(db.session.scalars(query))


def list_reports_for_user(user_id: int) -> list[Report]:
    """Reports of accepted awards to organisations the user belongs to, soonest due first (the grantee's list)."""
    return list(
        db.session.scalars(
            sa.select(Report)
            .join(Award, Award.id == Report.award_id)
            .join(Membership, Membership.organisation_id == Award.organisation_id)
            .where(Membership.user_id == user_id, Award.status.in_(REPORTING_AWARD_STATUSES))
            .order_by(Report.due_on, Award.reference, Report.position)
            .options(*_report_options())
        )
    )


def count_round_reports(round_id: int) -> int:
    """How many reports have been scheduled for the call's awards (once any has, its monitoring settings are
    fixed)."""
    return db.session.scalar(sa.select(sa.func.count(Report.id)).where(Report.round_id == round_id)) or 0


def list_reports_to_remind(*, due_by: date) -> list[Report]:
    """Reports still owed on accepted awards and due on or before due_by (the reminder job decides which message
    each needs)."""
    return list(
        db.session.scalars(
            sa.select(Report)
            .join(Award, Award.id == Report.award_id)
            .where(
                Report.status.in_(list(OUTSTANDING)),
                Report.due_on <= due_by,
                Award.status.in_(REPORTING_AWARD_STATUSES),
            )
            .order_by(Report.due_on, Report.id)
            .options(*_report_options())
        )
    )


def latest_submission(report: Report) -> ReportSubmission | None:
    """The report's most recent submission (None before the first)."""
    return report.submissions[-1] if report.submissions else None


def list_application_boroughs(report: Report) -> list[str]:
    """The GSS codes the award's application said the project would reach (its first borough question's answer;
    [] when the form asked none). The grantee's "where you worked" starts from these."""
    answer = db.session.scalar(
        sa.select(Answer.value)
        .join(Question, Question.key == Answer.question_key)
        .join(Section, Section.id == Question.section_id)
        .join(QuestionSet, QuestionSet.id == Section.question_set_id)
        .where(
            Answer.application_id == report.award.application_id,
            QuestionSet.round_id == report.round_id,
            Question.type == QuestionType.BOROUGHS,
        )
        .order_by(Section.position, Question.position)
        .limit(1)
    )
    return [str(code) for code in answer] if isinstance(answer, list) else []


def _budget_categories(round_id: int) -> tuple[str | None, dict[str, str]]:
    """The key of the call's budget question and its category labels by value."""
    question = db.session.scalar(
        sa.select(Question)
        .join(Section, Section.id == Question.section_id)
        .join(QuestionSet, QuestionSet.id == Section.question_set_id)
        .where(QuestionSet.round_id == round_id, Question.type == QuestionType.BUDGET_TABLE)
        .order_by(Section.position, Question.position)
        .limit(1)
    )
    if question is None:
        return None, {}
    labels = {str(c["value"]): str(c["label"]) for c in question.config.get("categories", [])}
    return question.key, labels


def load_report_context(report: Report) -> ReportContext:
    """What the report is checked against: the call's metrics, the application's targets for them, and the lines
    of the application's budget."""
    metrics = parse_metrics(report.round.report_metrics)
    budget_key, category_labels = _budget_categories(report.round_id)
    wanted = {m.target_question for m in metrics if m.target_question} | ({budget_key} if budget_key else set())
    answers = {
        answer.question_key: answer.value
        for answer in db.session.scalars(
            sa.select(Answer).where(
                Answer.application_id == report.award.application_id, Answer.question_key.in_(wanted)
            )
        )
    }
    targets = {
        m.key: (answers.get(m.target_question) if isinstance(answers.get(m.target_question), int) else None)
        for m in metrics
    }
    budget = budget_lines(answers.get(budget_key) if budget_key else None, category_labels)
    return ReportContext(metrics=metrics, targets=targets, budget=budget)


# --- portfolio ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundReportCounts:
    """How many of a call's reports are in each state, and how many are overdue (still owed, past their date)."""

    by_status: Mapping[ReportStatus, int]
    overdue: int

    def __getitem__(self, status: ReportStatus) -> int:
        return self.by_status.get(status, 0)


def count_round_reports_by_status(*, round_id: int, today: date) -> RoundReportCounts:
    """The call's reports (of accepted awards) counted by status, and those overdue on today, in one statement."""
    overdue = sa.case((sa.and_(Report.status.in_(list(OUTSTANDING)), Report.due_on < today), 1), else_=0)
    rows = db.session.execute(
        sa.select(Report.status, sa.func.count(Report.id), sa.func.sum(overdue))
        .join(Award, Award.id == Report.award_id)
        .where(Report.round_id == round_id, Award.status.in_(REPORTING_AWARD_STATUSES))
        .group_by(Report.status)
    ).all()
    return RoundReportCounts(
        by_status={ReportStatus(status): int(count) for status, count, _ in rows},
        overdue=sum(int(late or 0) for _, _, late in rows),
    )


def list_portfolio_rounds(fund_id: int) -> list[Round]:
    """The fund's calls, oldest first, with their themes and application form (for the fund's portfolio)."""
    return list(
        db.session.scalars(
            sa.select(Round)
            .where(Round.fund_id == fund_id)
            .options(
                selectinload(Round.themes),
                selectinload(Round.question_set).selectinload(QuestionSet.sections).selectinload(Section.questions),
            )
            .order_by(Round.opens_at, Round.id)
        )
    )


def _whole_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _latest_approved(round_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Award id → the values of its most recently approved report."""
    rows = db.session.execute(
        sa.select(Report.award_id, Report.values)
        .where(Report.round_id.in_(round_ids), Report.status == ReportStatus.APPROVED)
        .order_by(Report.award_id, Report.approved_at, Report.position)
    )
    return {award_id: values or {} for award_id, values in rows}  # later rows win: the most recent approval


def list_portfolio_grants(rounds: Sequence[Round]) -> list[GrantResults]:
    """The accepted grants of the calls (in the order given, then by reference) as plain portfolio rows: each
    call's metrics, the application's targets and themes, and the most recent approved report's numbers and
    boroughs. A fixed number of statements per call (the themes), whatever the number of grants."""
    round_ids = [round_.id for round_ in rounds]
    if not round_ids:
        return []
    metrics = {round_.id: parse_metrics(round_.report_metrics or []) for round_ in rounds}
    awards = db.session.execute(
        sa.select(Award.id, Award.round_id, Award.application_id)
        .where(Award.round_id.in_(round_ids), Award.status.in_(REPORTING_AWARD_STATUSES))
        .order_by(Award.reference, Award.id)
    ).all()
    target_keys = {m.target_question for ms in metrics.values() for m in ms if m.target_question}
    answers: dict[tuple[int, str], Any] = {}
    if target_keys:
        answers = {
            (application_id, key): value
            for application_id, key, value in db.session.execute(
                sa.select(Answer.application_id, Answer.question_key, Answer.value)
                .join(Award, Award.application_id == Answer.application_id)
                .where(
                    Award.round_id.in_(round_ids),
                    Award.status.in_(REPORTING_AWARD_STATUSES),
                    Answer.question_key.in_(target_keys),
                )
            )
        }
    themes: dict[int, list[str]] = {}
    for round_ in rounds:
        themes.update(themes_and_boroughs(round_, [a.application_id for a in awards if a.round_id == round_.id])[0])
    approved = _latest_approved(round_ids)
    by_round = {round_id: index for index, round_id in enumerate(round_ids)}
    grants = []
    for award_id, round_id, application_id in sorted(awards, key=lambda a: by_round[a.round_id]):
        values = approved.get(award_id)
        reported = values.get("metrics") if values is not None else None
        grants.append(
            GrantResults(
                award_id=award_id,
                round_id=round_id,
                metrics=tuple(MetricRef(m.key, m.label) for m in metrics[round_id]),
                targets={
                    m.key: _whole_number(answers.get((application_id, m.target_question)))
                    for m in metrics[round_id]
                    if m.target_question
                },
                reported=(
                    {k: v for k, v in reported.items() if _whole_number(v) is not None}
                    if isinstance(reported, dict)
                    else None
                ),
                themes=tuple(themes.get(application_id, ())),
                boroughs=tuple(str(c) for c in (values or {}).get("boroughs") or ()),
            )
        )
    return grants


# --- exports --------------------------------------------------------------------------------------------------


def get_export(export_id: int) -> Export:
    """The export with its call, fund and creator. Raises NoResultFound (a 404)."""
    return db.session.scalars(
        sa.select(Export)
        .where(Export.id == export_id)
        .options(joinedload(Export.round), joinedload(Export.fund), joinedload(Export.created_by))
    ).one()


def list_recent_exports(user_id: int, *, limit: int = 10) -> list[Export]:
    """The exports the person asked for, newest first (at most limit)."""
    return list(
        db.session.scalars(
            sa.select(Export)
            .where(Export.created_by_id == user_id)
            .order_by(Export.created_at.desc(), Export.id.desc())
            .limit(limit)
            .options(joinedload(Export.round), joinedload(Export.fund))
        )
    )


def list_exportable_rounds(user: Any) -> list[Round]:
    """The calls whose award register the person may export, newest opening first."""
    return [round_ for round_ in programme_queries.list_rounds() if can_export_round(user, round_)]


def list_exportable_funds(user: Any) -> list[Fund]:
    """The funds whose whole award register the person may export (fund-wide or system-wide roles), by name."""
    return [fund for fund in programme_queries.list_funds() if can_view_fund(user, fund)]
