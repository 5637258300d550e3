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


def overdue_condition(today: date) -> sa.ColumnElement[bool]:
    """Reports still owed and past their due date on today, as SQL (states.is_overdue in Python)."""
    return sa.and_(Report.status.in_(list(OUTSTANDING)), Report.due_on < today)


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
        query = query.where(overdue_condition(overdue_on))
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
    overdue = sa.case((overdue_condition(today), 1), else_=0)
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


# --- dashboards --------------------------------------------------------------------------------------------------
# Every read below is one aggregate (GROUP BY) or one bulk read of plain rows for all the calls at once, so a
# dashboard runs the same statements whatever the number of applications, scorecards, awards or payments.

from datetime import datetime, timedelta  # noqa: E402

from fundapp.applications.models import Application  # noqa: E402
from fundapp.applications.states import ApplicationStatus  # noqa: E402
from fundapp.assessment.models import Assessment, CriterionScore, ModeratedScore, Moderation  # noqa: E402
from fundapp.assessment.ranking import question_keys, sort_answers  # noqa: E402
from fundapp.assessment.states import AssessmentStatus  # noqa: E402
from fundapp.awards.models import Payment  # noqa: E402
from fundapp.awards.states import AwardStatus, PaymentStatus  # noqa: E402
from fundapp.programmes.models import Criterion, Tier  # noqa: E402
from fundapp.reporting import dashboards  # noqa: E402

# Awards whose money counts against the budget (and whose payments are made): offered to accepted and beyond.
_COUNTED_AWARDS = (
    AwardStatus.OFFERED,
    AwardStatus.LETTER_ISSUED,
    AwardStatus.ACCEPTED,
    AwardStatus.ACTIVE,
    AwardStatus.COMPLETED,
)
_SUBMITTED = sa.not_(Application.status.in_(list(dashboards.NOT_COUNTED)))


def _counted_award_applications() -> sa.Select[tuple[int]]:
    return sa.select(Award.application_id).where(Award.status.in_(_COUNTED_AWARDS))


# Reports "due soon" are those still owed and due within this many days.
DUE_SOON_DAYS = 30


def _paid_by_round(round_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Award.round_id, sa.func.sum(Payment.amount_pence))
        .join(Payment, Payment.award_id == Award.id)
        .where(Award.round_id.in_(round_ids), Payment.status == PaymentStatus.PAID)
        .group_by(Award.round_id)
    )
    return {round_id: int(total or 0) for round_id, total in rows}


def _application_statuses(round_ids: list[int]) -> dict[ApplicationStatus, int]:
    rows = db.session.execute(
        sa.select(Application.status, sa.func.count(Application.id))
        .where(Application.round_id.in_(round_ids))
        .group_by(Application.status)
    )
    return {ApplicationStatus(status): int(count) for status, count in rows}


def _tier_counts(round_ids: list[int]) -> list[tuple[str, int]]:
    """(tier name, submitted applications asking for an amount inside it) for every tier of the calls, in order of
    amount. Tiers of a call never overlap (programmes.services), so an application counts in one tier at most."""
    rows = db.session.execute(
        sa.select(Tier.name, sa.func.count(Application.id))
        .outerjoin(
            Application,
            sa.and_(
                Application.round_id == Tier.round_id,
                Application.amount_requested_pence.between(Tier.min_pence, Tier.max_pence),
                _SUBMITTED,
            ),
        )
        .where(Tier.round_id.in_(round_ids))
        .group_by(Tier.id, Tier.name, Tier.min_pence)
        .order_by(Tier.min_pence, Tier.id)
    )
    return [(name, int(count)) for name, count in rows]


def _themes_and_boroughs(
    rounds: Sequence[Round], *, awarded_only: bool = False
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Application id → theme names and → GSS codes, for the calls' submitted applications (or only those with an
    award that counts): their answers to the themes and boroughs questions read in one statement, sorted as the
    ranking sorts them."""
    keys = {
        round_.id: (question_keys(round_, QuestionType.THEMES), question_keys(round_, QuestionType.BOROUGHS))
        for round_ in rounds
    }
    wanted = {key for themes, boroughs in keys.values() for key in (*themes, *boroughs)}
    if not wanted:
        return {}, {}
    rows = db.session.execute(
        sa.select(Answer.application_id, Answer.question_key, Answer.value, Answer.raw, Application.round_id)
        .join(Application, Application.id == Answer.application_id)
        .where(
            Application.round_id.in_(list(keys)),
            _SUBMITTED,
            Answer.question_key.in_(wanted),
            *([Application.id.in_(_counted_award_applications())] if awarded_only else []),
        )
        .order_by(Answer.application_id, Answer.id)
    ).all()
    themes: dict[int, list[str]] = {}
    boroughs: dict[int, list[str]] = {}
    for round_ in rounds:
        theme_keys, borough_keys = keys[round_.id]
        found = sort_answers(
            (row for row in rows if row.round_id == round_.id),
            theme_keys=theme_keys,
            borough_keys=borough_keys,
            theme_names={str(theme.id): theme.name for theme in round_.themes},
        )
        themes.update(found[0])
        boroughs.update(found[1])
    return themes, boroughs


def _criteria(round_ids: list[int]) -> dict[int, list[Criterion]]:
    criteria: dict[int, list[Criterion]] = {round_id: [] for round_id in round_ids}
    for criterion in db.session.scalars(
        sa.select(Criterion).where(Criterion.round_id.in_(round_ids)).order_by(Criterion.position, Criterion.id)
    ):
        criteria[criterion.round_id].append(criterion)
    return criteria


def _score_rows(round_ids: list[int]) -> list[dashboards.ScoreRow]:
    """Every criterion score of every submitted scorecard of the calls' applications in assessment."""
    rows = db.session.execute(
        sa.select(
            Application.round_id,
            Application.id,
            Application.reference,
            Application.amount_requested_pence,
            Assessment.id,
            CriterionScore.criterion_id,
            CriterionScore.score,
        )
        .join(Assessment, Assessment.application_id == Application.id)
        .outerjoin(CriterionScore, CriterionScore.assessment_id == Assessment.id)
        .where(
            Application.round_id.in_(round_ids),
            Application.status.in_(list(dashboards.SCORED_STATUSES)),
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Assessment.id, CriterionScore.criterion_id)
    )
    return [
        dashboards.ScoreRow(round_id, application_id, reference or "", requested or 0, assessment_id, criterion, score)
        for round_id, application_id, reference, requested, assessment_id, criterion, score in rows
    ]


def _moderated_scores(round_ids: list[int]) -> list[tuple[int, int, int]]:
    rows = db.session.execute(
        sa.select(Moderation.application_id, ModeratedScore.criterion_id, ModeratedScore.score)
        .join(ModeratedScore, ModeratedScore.moderation_id == Moderation.id)
        .where(Moderation.round_id.in_(round_ids))
        .order_by(ModeratedScore.id)
    )
    return [(application_id, criterion_id, score) for application_id, criterion_id, score in rows]


def _assessment_counts(round_ids: list[int], *, now: datetime) -> tuple[dict[AssessmentStatus, int], int]:
    """Scorecards by status, and how many are not submitted past their call's assessment deadline."""
    late = sa.case(
        (
            sa.and_(
                Assessment.status.in_([AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS]),
                Round.assessment_deadline.is_not(None),
                Round.assessment_deadline < now,
            ),
            1,
        ),
        else_=0,
    )
    rows = db.session.execute(
        sa.select(Assessment.status, sa.func.count(Assessment.id), sa.func.sum(late))
        .join(Round, Round.id == Assessment.round_id)
        .where(Assessment.round_id.in_(round_ids))
        .group_by(Assessment.status)
    ).all()
    return {AssessmentStatus(status): int(count) for status, count, _ in rows}, sum(int(n or 0) for *_, n in rows)


def _report_figures(round_ids: list[int], *, today: date) -> dashboards.ReportFigures:
    owed = Report.status.in_(list(OUTSTANDING))

    def counted(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            counted(overdue_condition(today)),
            counted(sa.and_(owed, Report.due_on >= today, Report.due_on <= today + timedelta(days=DUE_SOON_DAYS))),
            counted(Report.status == ReportStatus.SUBMITTED),
            counted(Report.status == ReportStatus.CHANGES_REQUESTED),
        )
        .join(Award, Award.id == Report.award_id)
        .where(Report.round_id.in_(round_ids), Award.status.in_(REPORTING_AWARD_STATUSES))
    ).one()
    return dashboards.ReportFigures(*(int(n) for n in row))


def _payment_figures(round_ids: list[int]) -> dashboards.PaymentFigures:
    """Payments due and not yet paid on grants still running: to approve (due, or failed and to approve again)
    and to pay (approved), with their amounts; as finance's payments page lists them."""
    rows = db.session.execute(
        sa.select(Payment.status, sa.func.count(Payment.id), sa.func.sum(Payment.amount_pence))
        .join(Award, Award.id == Payment.award_id)
        .where(
            Award.round_id.in_(round_ids),
            Award.status.in_([AwardStatus.ACCEPTED, AwardStatus.ACTIVE]),
            Payment.due_at.is_not(None),
            Payment.status.in_([PaymentStatus.SCHEDULED, PaymentStatus.FAILED, PaymentStatus.APPROVED]),
        )
        .group_by(Payment.status)
    ).all()
    to_pay = [(int(count), int(total or 0)) for status, count, total in rows if status == PaymentStatus.APPROVED]
    to_approve = [(int(count), int(total or 0)) for status, count, total in rows if status != PaymentStatus.APPROVED]
    return dashboards.PaymentFigures(
        to_approve=sum(c for c, _ in to_approve),
        to_approve_pence=sum(t for _, t in to_approve),
        to_pay=sum(c for c, _ in to_pay),
        to_pay_pence=sum(t for _, t in to_pay),
    )


def load_dashboard_data(rounds: Sequence[Round], *, today: date, now: datetime) -> dashboards.DashboardData:
    """What a dashboard of the calls shows, as plain values (the calls' themes and forms must be loaded): eleven
    statements whatever the number of applications, scorecards, awards, payments or reports."""
    round_ids = [round_.id for round_ in rounds]
    themes, boroughs = _themes_and_boroughs(rounds)
    assessments, late = _assessment_counts(round_ids, now=now)
    return dashboards.DashboardData(
        calls=tuple(
            dashboards.CallFigures(r.id, r.code, r.name, r.budget_pence, r.committed_pence, r.min_fundable_percent)
            for r in rounds
        ),
        paid_by_round=_paid_by_round(round_ids),
        statuses=_application_statuses(round_ids),
        tiers=_tier_counts(round_ids),
        themes=themes,
        boroughs=boroughs,
        criteria=_criteria(round_ids),
        scores=_score_rows(round_ids),
        moderated=_moderated_scores(round_ids),
        assessments=assessments,
        assessments_overdue=late,
        reports=_report_figures(round_ids, today=today),
        payments=_payment_figures(round_ids),
    )


def load_borough_data(rounds: Sequence[Round]) -> list[dashboards.AwardMoney]:
    """The calls' awards that count against the budget, each with what has been paid, its application's boroughs
    and the Londoners reached in its most recent approved report: four statements whatever the number of awards."""
    round_ids = [round_.id for round_ in rounds]
    paid = (
        sa.select(Payment.award_id, sa.func.sum(Payment.amount_pence).label("paid"))
        .where(Payment.status == PaymentStatus.PAID)
        .group_by(Payment.award_id)
        .subquery()
    )
    awards = db.session.execute(
        sa.select(Award.id, Award.application_id, Award.amount_pence, paid.c.paid)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .where(Award.round_id.in_(round_ids), Award.status.in_(_COUNTED_AWARDS))
        .order_by(Award.reference, Award.id)
    ).all()
    _themes, boroughs = _themes_and_boroughs(rounds, awarded_only=True)
    approved = _latest_approved(round_ids)
    return [
        dashboards.AwardMoney(
            award_id=award_id,
            amount_pence=amount,
            paid_pence=int(paid_pence or 0),
            boroughs=tuple(boroughs.get(application_id, ())),
            reached=dashboards.reached_from(approved.get(award_id)),
        )
        for award_id, application_id, amount, paid_pence in awards
    ]


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
