"""What the dashboards show, from plain rows read in bulk (queries.load_dashboard_data, load_borough_data): the
money against the budget, applications by status, tier, theme and borough, the score distribution, assessment
progress, reports and payments due, and where the money goes across London. Pure functions, no database.

Counting rules, also said on the pages:
- applications are those submitted (not drafts, not withdrawn); one naming several themes or boroughs counts in
  each;
- scores are final scores (moderated where a moderator set one), as the ranking shows them, in bands of 10 points;
- an award naming several boroughs has its amount (awarded and paid, and the Londoners it reports reaching) split
  equally across them, so the boroughs add up to the call's totals; one naming none is counted as "No borough
  given".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from fundapp.applications.states import STAFF_LABELS, ApplicationStatus
from fundapp.assessment.queries import IN_ASSESSMENT_PIPELINE
from fundapp.assessment.ranking import funding_line, rank_key
from fundapp.assessment.scoring import CriterionLike, application_percent, format_percent, round_half_up
from fundapp.assessment.states import ASSESSMENT_LABELS, AssessmentStatus
from fundapp.core.money import format_pence
from fundapp.core.reference import borough_name, london_boroughs
from fundapp.core.wording import plural
from fundapp.reporting import charts

# Statuses of applications that count on the dashboards (submitted ones, still in the running or decided).
NOT_COUNTED = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN})
# Applications that take part in assessment (and so may have a score): the ranking's.
SCORED_STATUSES = frozenset(IN_ASSESSMENT_PIPELINE)
TOP_BOROUGHS = 10
NO_TIER = "No tier (amount outside every tier)"
NO_THEME = "No theme chosen"
NO_BOROUGH = "No borough given"
REACHED_METRIC = "londoners_reached"


# --- what the queries read ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallFigures:
    round_id: int
    code: str
    name: str
    budget_pence: int
    committed_pence: int
    min_fundable_percent: int


@dataclass(frozen=True)
class ScoreRow:
    """One criterion score of one submitted scorecard (criterion None: a scorecard without scores)."""

    round_id: int
    application_id: int
    reference: str
    requested_pence: int
    assessment_id: int
    criterion_id: int | None
    score: int | None


@dataclass(frozen=True)
class ReportFigures:
    overdue: int = 0
    due_soon: int = 0  # still owed, due in the next 30 days
    waiting: int = 0  # submitted, waiting for review
    changes_requested: int = 0


@dataclass(frozen=True)
class PaymentFigures:
    to_approve: int = 0  # due (or failed) and not yet approved
    to_approve_pence: int = 0
    to_pay: int = 0  # approved, waiting to be paid
    to_pay_pence: int = 0

    @property
    def due(self) -> int:
        return self.to_approve + self.to_pay

    @property
    def due_pence(self) -> int:
        return self.to_approve_pence + self.to_pay_pence


@dataclass(frozen=True)
class DashboardData:
    """Everything a dashboard reads, as plain values (one call, or every call of a fund)."""

    calls: tuple[CallFigures, ...]
    paid_by_round: Mapping[int, int]
    statuses: Mapping[ApplicationStatus, int]
    tiers: Sequence[tuple[str, int]]  # (tier name, submitted applications asking for an amount in it), tier order
    themes: Mapping[int, Sequence[str]]  # application id → theme names
    boroughs: Mapping[int, Sequence[str]]  # application id → GSS codes
    criteria: Mapping[int, Sequence[CriterionLike]]  # round id → its criteria
    scores: Sequence[ScoreRow]
    moderated: Sequence[tuple[int, int, int]]  # (application id, criterion id, moderated score)
    assessments: Mapping[AssessmentStatus, int]
    assessments_overdue: int
    reports: ReportFigures
    payments: PaymentFigures


# --- what the pages show ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    label: str
    count: int


@dataclass(frozen=True)
class MoneyLine:
    name: str
    budget_pence: int
    committed_pence: int
    paid_pence: int

    @property
    def uncommitted_pence(self) -> int:
        return self.budget_pence - self.committed_pence

    @property
    def outstanding_pence(self) -> int:
        """Committed but not yet paid."""
        return self.committed_pence - self.paid_pence


@dataclass(frozen=True)
class Scores:
    bands: tuple[Counted, ...]  # highest band first
    scored: int
    not_scored: int
    min_fundable: int | None  # None when the calls differ
    above_line: int | None  # one call only: how many applications are above the funding line …
    lowest_above_line: str | None  # … and the lowest score among them


@dataclass(frozen=True)
class Dashboard:
    money: tuple[MoneyLine, ...]  # one per call, then the total when there are several
    total: MoneyLine
    statuses: tuple[Counted, ...]
    submitted: int
    tiers: tuple[Counted, ...]
    themes: tuple[Counted, ...]
    boroughs: tuple[Counted, ...]  # every borough named, most first
    scores: Scores
    assessments: tuple[Counted, ...]
    assessments_overdue: int
    reports: ReportFigures
    payments: PaymentFigures
    bar_charts: Mapping[str, charts.BarChart] = field(default_factory=dict)
    money_chart: charts.MoneyChart | None = None


def _sorted_counts(counter: Mapping[str, int]) -> tuple[Counted, ...]:
    """Most first, ties by label."""
    return tuple(Counted(label, count) for label, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def money_lines(data: DashboardData) -> tuple[tuple[MoneyLine, ...], MoneyLine]:
    """One line per call, and the total."""
    lines = tuple(
        MoneyLine(call.name, call.budget_pence, call.committed_pence, data.paid_by_round.get(call.round_id, 0))
        for call in data.calls
    )
    total = MoneyLine(
        "Total",
        sum(line.budget_pence for line in lines),
        sum(line.committed_pence for line in lines),
        sum(line.paid_pence for line in lines),
    )
    return lines, total


def status_counts(statuses: Mapping[ApplicationStatus, int]) -> tuple[Counted, ...]:
    """Applications in each status (drafts included: they show how many are on their way), most first."""
    return _sorted_counts({STAFF_LABELS[status]: count for status, count in statuses.items() if count})


def submitted_count(statuses: Mapping[ApplicationStatus, int]) -> int:
    return sum(count for status, count in statuses.items() if status not in NOT_COUNTED)


def tier_counts(tiers: Sequence[tuple[str, int]], submitted: int) -> tuple[Counted, ...]:
    """Submitted applications by the tier their amount falls in, in tier order (tiers of the same name in several
    calls added together), then those outside every tier."""
    merged: dict[str, int] = {}
    for name, count in tiers:
        merged[name] = merged.get(name, 0) + count
    rows = [Counted(name, count) for name, count in merged.items()]
    outside = submitted - sum(merged.values())
    if outside > 0:
        rows.append(Counted(NO_TIER, outside))
    return tuple(rows)


def choice_counts(chosen: Mapping[int, Sequence[str]], submitted: int, *, none_label: str) -> Counter[str]:
    """How many applications chose each value (an application choosing several counts in each), and how many
    chose none under none_label."""
    counter: Counter[str] = Counter()
    for values in chosen.values():
        counter.update(set(values))
    without = submitted - sum(1 for values in chosen.values() if values)
    if without > 0:
        counter[none_label] = without
    return counter


def borough_counts(boroughs: Mapping[int, Sequence[str]], submitted: int) -> tuple[Counted, ...]:
    counter = choice_counts(boroughs, submitted, none_label=NO_BOROUGH)
    return _sorted_counts({(borough_name(code) or code): count for code, count in counter.items()})


# --- scores ---------------------------------------------------------------------------------------------------


def band_of(score: Fraction) -> int:
    """The 10-point band (0 for 0–9% … 9 for 90–100%) of a score as it is shown, rounded to one decimal place."""
    return min(int(round_half_up(score)) // 10, 9)


def band_label(band: int) -> str:
    return "90% to 100%" if band == 9 else f"{band * 10}% to {band * 10 + 9}%"


def application_scores(data: DashboardData) -> dict[int, tuple[int, str, int, Fraction | None]]:
    """Application id → (round id, reference, amount asked for, final score), for applications with a submitted
    scorecard: the mean of the scorecards, or the moderated figure where a moderator set scores."""
    cards: dict[int, dict[int, dict[int, int | None]]] = defaultdict(dict)
    about: dict[int, tuple[int, str, int]] = {}
    for row in data.scores:
        card = cards[row.application_id].setdefault(row.assessment_id, {})
        if row.criterion_id is not None:
            card[row.criterion_id] = row.score
        about[row.application_id] = (row.round_id, row.reference, row.requested_pence)
    moderated: dict[int, dict[int, int]] = defaultdict(dict)
    for application_id, criterion_id, moderated_score in data.moderated:
        moderated[application_id][criterion_id] = moderated_score
    return {
        application_id: (
            round_id,
            reference,
            requested,
            application_percent(
                list(data.criteria.get(round_id, ())),
                list(cards[application_id].values()),
                moderated.get(application_id),
            ),
        )
        for application_id, (round_id, reference, requested) in about.items()
    }


def score_distribution(data: DashboardData) -> Scores:
    """Scored applications in 10-point bands (highest first), how many in assessment have no score yet, the
    minimum fundable score (when the calls share one) and, for one call, where its funding line falls."""
    scored = application_scores(data)
    bands = Counter(band_of(score) for _r, _ref, _amount, score in scored.values() if score is not None)
    with_score = sum(bands.values())
    in_assessment = sum(count for status, count in data.statuses.items() if status in SCORED_STATUSES)
    minimums = {call.min_fundable_percent for call in data.calls}
    above: int | None = None
    lowest: str | None = None
    if len(data.calls) == 1:
        call = data.calls[0]
        ranked = sorted(
            ((score, reference, amount) for _r, reference, amount, score in scored.values() if score is not None),
            key=lambda row: rank_key(row[0], row[1]),
        )
        line = funding_line(
            [(amount, score) for score, _ref, amount in ranked],
            budget_pence=call.budget_pence,
            min_percent=call.min_fundable_percent,
        )
        above = line.above
        lowest = format_percent(ranked[line.above - 1][0]) if line.above else None
    return Scores(
        bands=tuple(Counted(band_label(band), bands.get(band, 0)) for band in range(9, -1, -1)),
        scored=with_score,
        not_scored=max(in_assessment - with_score, 0),
        min_fundable=minimums.pop() if len(minimums) == 1 else None,
        above_line=above,
        lowest_above_line=lowest,
    )


def assessment_counts(assessments: Mapping[AssessmentStatus, int]) -> tuple[Counted, ...]:
    """Scorecards not started, in progress and submitted (conflicts and unassigned ones left out), in that order."""
    order = (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS, AssessmentStatus.SUBMITTED)
    return tuple(Counted(ASSESSMENT_LABELS[status], assessments.get(status, 0)) for status in order)


# --- the dashboard ---------------------------------------------------------------------------------------------


def build_dashboard(data: DashboardData) -> Dashboard:
    """The dashboard's numbers and its charts."""
    lines, total = money_lines(data)
    submitted = submitted_count(data.statuses)
    board = Dashboard(
        money=lines if len(lines) == 1 else (*lines, total),
        total=total,
        statuses=status_counts(data.statuses),
        submitted=submitted,
        tiers=tier_counts(data.tiers, submitted),
        themes=_sorted_counts(choice_counts(data.themes, submitted, none_label=NO_THEME)),
        boroughs=borough_counts(data.boroughs, submitted),
        scores=score_distribution(data),
        assessments=assessment_counts(data.assessments),
        assessments_overdue=data.assessments_overdue,
        reports=data.reports,
        payments=data.payments,
    )
    return replace(board, bar_charts=dashboard_charts(board), money_chart=dashboard_money_chart(board))


def _gist(rows: Sequence[Counted]) -> str:
    """What a bar chart says at a glance: its largest bar."""
    if not any(row.count for row in rows):
        return "There are no applications to count yet."
    top = max(rows, key=lambda row: row.count)
    return f"{top.label} has the most: {top.count} of {sum(row.count for row in rows)}."


def dashboard_money_chart(board: Dashboard) -> charts.MoneyChart:
    total = board.total
    return charts.money_chart(
        chart_id="chart-money",
        title="Budget, committed and paid",
        description=(
            f"{format_pence(total.committed_pence)} of the {format_pence(total.budget_pence)} budget is committed"
            f" and {format_pence(total.paid_pence)} has been paid."
        ),
        rows=[(line.name, line.budget_pence, line.committed_pence, line.paid_pence) for line in board.money],
    )


def score_markers(scores: Scores) -> dict[int, str]:
    """The minimum fundable score as a line across the chart: between two bands when it is a multiple of 10,
    else above the band it falls inside (the bands run from 90% to 100% at the top down to 0% to 9%)."""
    minimum = scores.min_fundable
    if minimum is None or not 0 < minimum <= 100:
        return {}
    band = min(minimum // 10, 9)
    text = f"Minimum fundable score: {minimum}%"
    if minimum % 10 or minimum == 100:
        return {9 - band: f"{text} (inside {band_label(band)})"}
    return {10 - band: text}


def _counted_chart(key: str, title: str, rows: Sequence[Counted], description: str = "") -> charts.BarChart:
    return charts.bar_chart(
        chart_id=f"chart-{key}",
        title=title,
        description=description or _gist(rows),
        items=[(row.label, row.count) for row in rows],
    )


def dashboard_charts(board: Dashboard) -> dict[str, charts.BarChart]:
    """The dashboard's bar charts, by name."""
    scores = board.scores
    line = ""
    if scores.above_line is not None:
        line = f" {plural(scores.above_line, 'application is', 'applications are')} above the funding line."
    submitted = board.assessments[-1].count
    return {
        "statuses": _counted_chart("statuses", "Applications by status", board.statuses),
        "tiers": _counted_chart("tiers", "Applications by tier", board.tiers),
        "themes": _counted_chart("themes", "Applications by theme", board.themes),
        "boroughs": _counted_chart(
            "boroughs", f"Applications by borough: the {TOP_BOROUGHS} named most", board.boroughs[:TOP_BOROUGHS]
        ),
        "scores": charts.bar_chart(
            chart_id="chart-scores",
            title="Final scores, in bands of 10 points",
            description=f"{plural(scores.scored, 'application has', 'applications have')} a score.{line}",
            items=[(row.label, row.count) for row in scores.bands],
            markers=score_markers(scores),
        ),
        "assessments": _counted_chart(
            "assessments",
            "Scorecards",
            board.assessments,
            f"{submitted} of {plural(sum(row.count for row in board.assessments), 'scorecard')} submitted;"
            f" {board.assessments_overdue} overdue.",
        ),
    }


# --- where the money goes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardMoney:
    """One award that counts against the budget: its amount, what has been paid, its application's boroughs and the
    Londoners its most recent approved report says it reached (None before any)."""

    award_id: int
    amount_pence: int
    paid_pence: int
    boroughs: tuple[str, ...]
    reached: int | None


@dataclass(frozen=True)
class BoroughLine:
    gss_code: str  # "" for awards naming no borough
    name: str
    awards: int
    awarded_pence: int
    paid_pence: int
    reached: int
    reported: int  # how many of its awards have reported a number reached


@dataclass(frozen=True)
class BoroughView:
    lines: tuple[BoroughLine, ...]  # the boroughs with money, most first; then those without; then no borough
    total: BoroughLine
    shared_awards: int  # awards naming more than one borough
    map: charts.TileMap


def split_equally(amount: int, parts: int) -> list[int]:
    """amount in parts whole units that add up to it exactly: the first few get one more when it does not divide
    ([334, 333, 333] for 1000 in 3)."""
    if parts <= 0:
        return []
    share, extra = divmod(amount, parts)
    return [share + (1 if n < extra else 0) for n in range(parts)]


def borough_lines(awards: Iterable[AwardMoney]) -> tuple[list[BoroughLine], BoroughLine, int]:
    """Every London borough's awards, money and Londoners reached (split equally across an award's boroughs),
    the line for awards naming none, the total, and how many awards name several boroughs."""
    count: Counter[str] = Counter()
    awarded: Counter[str] = Counter()
    paid: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    shared = 0
    total = BoroughLine("", "Total", 0, 0, 0, 0, 0)
    for award in awards:
        places = tuple(dict.fromkeys(award.boroughs)) or ("",)
        shared += len(places) > 1
        for place, amount, money_paid, people in zip(
            places,
            split_equally(award.amount_pence, len(places)),
            split_equally(award.paid_pence, len(places)),
            split_equally(award.reached or 0, len(places)),
            strict=True,
        ):
            count[place] += 1
            awarded[place] += amount
            paid[place] += money_paid
            reached[place] += people
            reported[place] += award.reached is not None
        total = BoroughLine(
            "",
            "Total",
            total.awards + 1,
            total.awarded_pence + award.amount_pence,
            total.paid_pence + award.paid_pence,
            total.reached + (award.reached or 0),
            total.reported + (award.reached is not None),
        )
    names = {b.gss_code: b.name for b in london_boroughs()}
    for code in count:
        names.setdefault(code, code or NO_BOROUGH)
    lines = [
        BoroughLine(code, names[code], count[code], awarded[code], paid[code], reached[code], reported[code])
        for code in names
    ]
    lines.sort(key=lambda line: (line.gss_code == "", -line.awarded_pence, line.name))
    lines = [line for line in lines if line.gss_code or line.awards]
    return lines, total, shared


def build_borough_view(awards: Sequence[AwardMoney]) -> BoroughView:
    """The table and the tile map of where the money goes."""
    lines, total, shared = borough_lines(awards)
    top = next((line for line in lines if line.awarded_pence), None)
    description = (
        f"Most money is committed in {top.name}: {format_pence(top.awarded_pence)}."
        if top
        else "No money has been committed yet."
    )
    return BoroughView(
        lines=tuple(lines),
        total=total,
        shared_awards=shared,
        map=charts.tile_map(
            chart_id="map-boroughs",
            title="Money committed in each London borough",
            description=description,
            amounts={line.gss_code: line.awarded_pence for line in lines if line.gss_code},
            names={line.gss_code: line.name for line in lines if line.gss_code},
        ),
    )


def reached_from(values: Mapping[str, object] | None) -> int | None:
    """The Londoners reached in a report's checked values, if it has a whole number for them."""
    metrics = (values or {}).get("metrics")
    number = metrics.get(REACHED_METRIC) if isinstance(metrics, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None
