"""The ranking of a call: its applications by final score, with the amounts they ask for, a running total against
the call's budget and the funding line.

build_ranking reads everything in a fixed number of statements (whatever the number of applications) and returns
plain values: frozen dataclasses, never ORM rows. The order, the funding line walk, tiers and filters are pure
functions of those values, tested without a database.

The funding line: walking down the ranking, adding up the amounts asked for, the line falls before the first
application whose running total would pass the budget, or whose score is below the call's minimum fundable score.
An application without a score is always below it. Filtering only hides rows: ranks, running totals and the line
are always those of the whole call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment import queries, scoring
from fundapp.assessment.models import Moderation
from fundapp.assessment.states import ModerationStatus
from fundapp.core.money import pounds_number
from fundapp.core.reference import borough_name
from fundapp.programmes.models import Round
from fundapp.programmes.states import QuestionType

# What the ranking says about where an application is in assessment.
MODERATED = "Moderated"
ASSESSED = "Assessed"
IN_ASSESSMENT = "In assessment"
# ... and about flags for moderation.
FLAGGED = "Flagged"
MODERATED_AFTER_FLAG = "Moderated after flag"

NOT_SCORED = "Not scored"

FLAG_FILTERS = {"": "Any", "flagged": "Flagged (now or before moderation)", "not_flagged": "Not flagged"}


@dataclass(frozen=True)
class RankedApplication:
    """One row of the ranking, as plain values."""

    rank: int
    application_id: int
    reference: str
    project_title: str
    organisation: str
    tier_id: int | None
    tier: str  # "" when no tier of the call contains the amount asked for
    themes: tuple[str, ...]  # theme names
    boroughs: tuple[str, ...]  # GSS codes
    requested_pence: int
    running_total_pence: int
    score: Fraction | None
    status: str  # MODERATED, ASSESSED or IN_ASSESSMENT
    flag: str  # FLAGGED, MODERATED_AFTER_FLAG or ""
    above_line: bool
    assessor_scores: tuple[Fraction | None, ...] = ()  # each submitted scorecard's %, in the order they came in

    @property
    def score_text(self) -> str:
        return NOT_SCORED if self.score is None else scoring.format_percent(self.score)

    @property
    def flagged(self) -> bool:
        """Flagged for moderation, now or before it was moderated."""
        return bool(self.flag)


@dataclass(frozen=True)
class RankingFilters:
    """What the person chose to see: empty strings mean any. Values are a theme name, a tier id, a GSS code, and
    "flagged" or "not_flagged"."""

    theme: str = ""
    tier: str = ""
    borough: str = ""
    flag: str = ""

    def matches(self, row: RankedApplication) -> bool:
        return (
            (not self.theme or self.theme in row.themes)
            and (not self.tier or self.tier == str(row.tier_id or ""))
            and (not self.borough or self.borough in row.boroughs)
            and (not self.flag or (self.flag == "flagged") == row.flagged)
        )

    def describe(self) -> dict[str, str]:
        """The filters in use, for the audit log."""
        return {name: value for name, value in vars(self).items() if value}

    @property
    def active(self) -> bool:
        return bool(self.describe())


@dataclass(frozen=True)
class Ranking:
    """A call's ranking, the funding line and the budget it was drawn against."""

    rows: tuple[RankedApplication, ...]
    budget_pence: int
    allocated_pence: int  # what the applications above the line ask for, together
    above_line: int  # how many applications are above the line
    min_fundable_percent: int
    themes: tuple[str, ...] = ()  # for the filters: the call's themes, then any other named in answers
    tiers: tuple[tuple[int, str], ...] = ()  # (id, name)
    boroughs: tuple[str, ...] = field(default=())  # GSS codes named in answers

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.allocated_pence

    def shown(self, filters: RankingFilters) -> tuple[RankedApplication, ...]:
        """The rows that match the filters, with the ranks and running totals of the whole call."""
        return tuple(row for row in self.rows if filters.matches(row))


# --- pure parts ----------------------------------------------------------------------------------------------


class TierLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def min_pence(self) -> int: ...
    @property
    def max_pence(self) -> int: ...


def tier_for(amount_pence: int | None, tiers: Iterable[TierLike]) -> TierLike | None:
    """The tier whose range (both ends included) contains the amount, or None."""
    if amount_pence is None:
        return None
    return next((t for t in tiers if t.min_pence <= amount_pence <= t.max_pence), None)


def rank_key(score: Fraction | None, reference: str) -> tuple[bool, Fraction, str]:
    """Sort key: highest score first, applications without a score last, ties by reference."""
    return (score is None, -(score if score is not None else Fraction(0)), reference)


@dataclass(frozen=True)
class FundingLine:
    above: int  # how many applications, from the top, are above the line
    allocated_pence: int  # what they ask for, together


def funding_line(
    ranked: Sequence[tuple[int, Fraction | None]], *, budget_pence: int, min_percent: int | Fraction
) -> FundingLine:
    """Where the funding line falls in a ranking, given each application's (amount asked for, score) in rank order.

    The line falls before the first application whose running total would pass the budget (meeting it exactly is
    fine), or whose score is below min_percent; an application without a score is always below the line.
    """
    total = 0
    for position, (requested, score) in enumerate(ranked):
        if score is None or score < min_percent or total + requested > budget_pence:
            return FundingLine(above=position, allocated_pence=total)
        total += requested
    return FundingLine(above=len(ranked), allocated_pence=total)


def assessment_status(application_status: ApplicationStatus, moderation: Moderation | None) -> str:
    """Moderated (its score is final), assessed (every scorecard in) or still in assessment."""
    if moderation is not None and moderation.status == ModerationStatus.RESOLVED:
        return MODERATED
    if application_status in (ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED):
        return ASSESSED
    return IN_ASSESSMENT


def flag_label(moderation: Moderation | None) -> str:
    """Flagged (waiting for a moderator), moderated after a flag, or "" (never flagged)."""
    if moderation is None:
        return ""
    if moderation.status == ModerationStatus.FLAGGED:
        return FLAGGED
    if moderation.status == ModerationStatus.RESOLVED and moderation.was_flagged:
        return MODERATED_AFTER_FLAG
    return ""


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)] if value not in (None, "") else []


# --- reading a call's ranking --------------------------------------------------------------------------------


def question_keys(round_: Round, question_type: QuestionType) -> list[str]:
    """The keys of the call's questions of this type (e.g. the themes question), in form order."""
    if round_.question_set is None:
        return []
    return [q.key for s in round_.question_set.sections for q in s.questions if q.type == question_type]


def _scorecards(round_id: int) -> dict[int, list[dict[int, int | None]]]:
    """Application id → its submitted scorecards (criterion id → score), in the order they were created."""
    cards: dict[int, dict[int, dict[int, int | None]]] = defaultdict(dict)
    for application_id, assessment_id, criterion_id, score in queries.list_submitted_scores(round_id):
        card = cards[application_id].setdefault(assessment_id, {})
        if criterion_id is not None:
            card[criterion_id] = score
    return {application_id: list(by_assessment.values()) for application_id, by_assessment in cards.items()}


def themes_and_boroughs(round_: Round, application_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Application id → theme names, and → borough GSS codes, from the answers to the form's questions (one
    statement). The ranking, the portfolio, the dashboards and the award register all read them this way."""
    theme_keys = question_keys(round_, QuestionType.THEMES)
    borough_keys = question_keys(round_, QuestionType.BOROUGHS)
    return sort_answers(
        queries.list_answers_for(application_ids, [*theme_keys, *borough_keys]),
        theme_keys=theme_keys,
        borough_keys=borough_keys,
        theme_names={str(t.id): t.name for t in round_.themes},
    )


class AnswerLike(Protocol):
    @property
    def application_id(self) -> int: ...
    @property
    def question_key(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def raw(self) -> Any: ...


def sort_answers(
    answers: Iterable[AnswerLike],
    *,
    theme_keys: Collection[str],
    borough_keys: Collection[str],
    theme_names: Mapping[str, str],
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The pure part of themes_and_boroughs: answers to the themes and boroughs questions sorted into application
    id → theme names (theme_names maps the theme id an answer holds to its name) and → GSS codes; other answers
    are ignored. The award register uses it on answers it reads in batches of plain rows."""
    themes: dict[int, list[str]] = defaultdict(list)
    boroughs: dict[int, list[str]] = defaultdict(list)
    for answer in answers:
        values = _as_list(answer.value if answer.value is not None else answer.raw)
        if answer.question_key in theme_keys:
            themes[answer.application_id].extend(theme_names.get(v, v) for v in values)
        elif answer.question_key in borough_keys:
            boroughs[answer.application_id].extend(values)
    return themes, boroughs


@dataclass(frozen=True)
class _CallData:
    """What build_ranking reads about the call's applications, by application id."""

    scorecards: Mapping[int, list[dict[int, int | None]]]
    moderations: Mapping[int, Moderation]
    themes: Mapping[int, list[str]]
    boroughs: Mapping[int, list[str]]


def build_ranking(round_: Round) -> Ranking:
    """The call's ranking: the applications taking part in assessment, by final score (moderated where a moderator
    set scores), ties by reference, with running totals and the funding line. A fixed number of statements."""
    applications = queries.list_ranking_applications(round_.id)
    themes, boroughs = themes_and_boroughs(round_, [a.id for a in applications])
    data = _CallData(
        scorecards=_scorecards(round_.id),
        moderations={m.application_id: m for m in queries.list_round_moderations(round_.id)},
        themes=themes,
        boroughs=boroughs,
    )
    criteria = list(round_.criteria)

    def score_of(application: Application) -> Fraction | None:
        moderation = data.moderations.get(application.id)
        moderated = moderation.moderated_scores if moderation is not None else None
        return scoring.application_percent(criteria, data.scorecards.get(application.id, []), moderated)

    scored = sorted(
        ((score_of(a), a) for a in applications), key=lambda pair: rank_key(pair[0], pair[1].reference or "")
    )
    line = funding_line(
        [(a.amount_requested_pence or 0, score) for score, a in scored],
        budget_pence=round_.budget_pence,
        min_percent=round_.min_fundable_percent,
    )
    rows = []
    running = 0
    for position, (score, application) in enumerate(scored):
        running += application.amount_requested_pence or 0
        rows.append(_row(round_, application, data, rank=position + 1, score=score, running=running, line=line))
    return Ranking(
        rows=tuple(rows),
        budget_pence=round_.budget_pence,
        allocated_pence=line.allocated_pence,
        above_line=line.above,
        min_fundable_percent=round_.min_fundable_percent,
        themes=_filter_themes(round_, themes),
        tiers=tuple((t.id, t.name) for t in round_.tiers),
        boroughs=tuple(sorted({code for codes in boroughs.values() for code in codes})),
    )


def _row(
    round_: Round,
    application: Application,
    data: _CallData,
    *,
    rank: int,
    score: Fraction | None,
    running: int,
    line: FundingLine,
) -> RankedApplication:
    moderation = data.moderations.get(application.id)
    tier = tier_for(application.amount_requested_pence, round_.tiers)
    return RankedApplication(
        rank=rank,
        application_id=application.id,
        reference=application.reference or "",
        project_title=application.project_title,
        organisation=application.organisation.name,
        tier_id=tier.id if tier else None,
        tier=tier.name if tier else "",
        themes=tuple(data.themes.get(application.id, [])),
        boroughs=tuple(data.boroughs.get(application.id, [])),
        requested_pence=application.amount_requested_pence or 0,
        running_total_pence=running,
        score=score,
        status=assessment_status(application.status, moderation),
        flag=flag_label(moderation),
        above_line=rank <= line.above,
        assessor_scores=tuple(
            scoring.assessment_percent(round_.criteria, card) for card in data.scorecards.get(application.id, [])
        ),
    )


def _filter_themes(round_: Round, themes: Mapping[int, list[str]]) -> tuple[str, ...]:
    """The call's themes, then any other name found in answers (so every row can be filtered on)."""
    names = [t.name for t in round_.themes]
    others = sorted({name for found in themes.values() for name in found} - set(names))
    return (*names, *others)


# --- the spreadsheet ----------------------------------------------------------------------------------------


def _percent(value: Fraction | None) -> str:
    return NOT_SCORED if value is None else str(scoring.round_half_up(value))


def export_table(rows: Sequence[RankedApplication]) -> tuple[list[str], list[list[str | int]]]:
    """The header and rows of the ranking's spreadsheet: the page's columns, then the number of scorecards and
    each assessor's score (as many columns as the row with most scorecards needs). Boroughs are named."""
    most = max((len(r.assessor_scores) for r in rows), default=0)
    header = [
        "Rank",
        "Reference",
        "Project title",
        "Organisation",
        "Tier",
        "Themes",
        "Boroughs",
        "Requested (£)",
        "Running total (£)",
        "Score (%)",
        "Status",
        "Flag",
        "Funding line",
        "Scorecards",
        *(f"Assessor {n} score (%)" for n in range(1, most + 1)),
    ]
    table: list[list[str | int]] = [
        [
            r.rank,
            r.reference,
            r.project_title,
            r.organisation,
            r.tier,
            "; ".join(r.themes),
            "; ".join(borough_name(code) or code for code in r.boroughs),
            pounds_number(r.requested_pence),
            pounds_number(r.running_total_pence),
            _percent(r.score),
            r.status,
            r.flag,
            "Above the line" if r.above_line else "Below the line",
            len(r.assessor_scores),
            *(_percent(s) for s in r.assessor_scores),
            *([""] * (most - len(r.assessor_scores))),
        ]
        for r in rows
    ]
    return header, table
