"""The ranking's pure parts: the order (score, then reference; unscored last), the funding line walk (budget, lowest
fundable score, exact budget, ties, empty, unscored), tiers, filters, statuses and the spreadsheet's table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.ranking import (
    ASSESSED,
    FLAGGED,
    IN_ASSESSMENT,
    MODERATED,
    MODERATED_AFTER_FLAG,
    FundingLine,
    RankedApplication,
    RankingFilters,
    assessment_status,
    export_table,
    flag_label,
    funding_line,
    rank_key,
    tier_for,
)
from fundapp.assessment.states import ModerationStatus

# --- the order ---------------------------------------------------------------------------------------------


def test_highest_score_first_ties_by_reference_and_unscored_last() -> None:
    entries = [
        (None, "SEF-6-0001"),
        (Fraction(70), "SEF-6-0004"),
        (Fraction(85), "SEF-6-0003"),
        (Fraction(70), "SEF-6-0002"),
        (None, "SEF-6-0000"),
    ]
    ordered = sorted(entries, key=lambda e: rank_key(*e))
    assert [reference for _score, reference in ordered] == [
        "SEF-6-0003",
        "SEF-6-0002",
        "SEF-6-0004",
        "SEF-6-0000",
        "SEF-6-0001",
    ]


def test_scores_are_compared_exactly_not_as_rounded_text() -> None:
    # Both show as 72.5%, but the first is higher.
    higher, lower = Fraction(14501, 200), Fraction(14499, 200)
    ordered = sorted([(lower, "A"), (higher, "B")], key=lambda e: rank_key(*e))
    assert [r for _s, r in ordered] == ["B", "A"]


# --- the funding line --------------------------------------------------------------------------------------


def _line(ranked: list[tuple[int, int | None]], budget: int = 100, minimum: int = 50) -> FundingLine:
    return funding_line(
        [(amount, None if score is None else Fraction(score)) for amount, score in ranked],
        budget_pence=budget,
        min_percent=minimum,
    )


def test_the_line_falls_before_the_first_application_that_would_pass_the_budget() -> None:
    assert _line([(40, 90), (50, 80), (20, 70), (5, 60)]) == FundingLine(above=2, allocated_pence=90)


def test_nothing_after_the_line_goes_above_it_even_if_it_would_fit() -> None:
    # The £5 at rank 4 would fit in what is left, but the line is one line: it stays below.
    line = _line([(40, 90), (50, 80), (20, 70), (5, 60)])
    assert line.above == 2


def test_a_budget_met_exactly_keeps_the_application_above_the_line() -> None:
    assert _line([(60, 90), (40, 80)]) == FundingLine(above=2, allocated_pence=100)


def test_a_score_below_the_lowest_fundable_score_stops_the_line_with_budget_left() -> None:
    assert _line([(10, 90), (10, 50), (10, 49)], minimum=50) == FundingLine(above=2, allocated_pence=20)


def test_the_lowest_fundable_score_is_compared_exactly() -> None:
    just_under = Fraction(4999, 100)
    assert funding_line([(10, just_under)], budget_pence=100, min_percent=50).above == 0


def test_unscored_applications_are_always_below_the_line() -> None:
    assert _line([(10, 90), (1, None)], minimum=0) == FundingLine(above=1, allocated_pence=10)
    assert _line([(1, None)], minimum=0) == FundingLine(above=0, allocated_pence=0)


def test_an_empty_ranking_has_the_line_at_the_top_with_nothing_allocated() -> None:
    assert _line([]) == FundingLine(above=0, allocated_pence=0)


def test_tied_scores_are_funded_in_the_order_given_until_the_budget_runs_out() -> None:
    # Two 80% bids of £60: the first in reference order is funded, the second is not.
    assert _line([(60, 80), (60, 80)]) == FundingLine(above=1, allocated_pence=60)


def test_a_first_application_asking_for_more_than_the_budget_puts_the_line_at_the_top() -> None:
    assert _line([(101, 90), (1, 80)]) == FundingLine(above=0, allocated_pence=0)


@given(
    st.lists(st.tuples(st.integers(0, 50), st.one_of(st.none(), st.integers(0, 100))), max_size=12),
    st.integers(0, 300),
    st.integers(0, 100),
)
def test_above_the_line_never_passes_the_budget_and_is_never_unscored_or_below_the_minimum(
    ranked: list[tuple[int, int | None]], budget: int, minimum: int
) -> None:
    line = _line(ranked, budget=budget, minimum=minimum)
    above = ranked[: line.above]
    assert line.allocated_pence == sum(amount for amount, _score in above) <= budget
    assert all(score is not None and score >= minimum for _amount, score in above)
    if line.above < len(ranked):
        amount, score = ranked[line.above]
        assert score is None or score < minimum or line.allocated_pence + amount > budget


# --- tiers, statuses, flags ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tier:
    id: int
    name: str
    min_pence: int
    max_pence: int


TIERS = [_Tier(1, "Tier 1", 1_000_000, 2_500_000), _Tier(2, "Tier 2", 2_500_100, 5_000_000)]


def test_the_tier_is_the_one_whose_range_holds_the_amount_both_ends_included() -> None:
    assert tier_for(1_000_000, TIERS) == TIERS[0]
    assert tier_for(2_500_000, TIERS) == TIERS[0]
    assert tier_for(2_500_100, TIERS) == TIERS[1]
    assert tier_for(2_500_050, TIERS) is None
    assert tier_for(None, TIERS) is None


def _moderation(status: ModerationStatus, was_flagged: bool) -> SimpleNamespace:
    return SimpleNamespace(status=status, was_flagged=was_flagged)


def test_status_and_flag_say_where_an_application_is() -> None:
    resolved_after_flag = _moderation(ModerationStatus.RESOLVED, True)
    assert assessment_status(ApplicationStatus.MODERATED, resolved_after_flag) == MODERATED
    assert assessment_status(ApplicationStatus.ASSESSED, None) == ASSESSED
    assert assessment_status(ApplicationStatus.IN_ASSESSMENT, None) == IN_ASSESSMENT
    assert assessment_status(ApplicationStatus.ELIGIBLE, None) == IN_ASSESSMENT
    assert flag_label(resolved_after_flag) == MODERATED_AFTER_FLAG
    assert flag_label(_moderation(ModerationStatus.FLAGGED, True)) == FLAGGED
    assert flag_label(_moderation(ModerationStatus.PENDING, False)) == ""
    assert flag_label(_moderation(ModerationStatus.RESOLVED, False)) == ""
    assert flag_label(None) == ""


# --- filters and the spreadsheet ---------------------------------------------------------------------------

ROW = RankedApplication(
    rank=3,
    application_id=7,
    reference="SEF-6-0007",
    project_title="Youth voices",
    organisation="Peckham Together",
    tier_id=1,
    tier="Tier 1",
    themes=("Awareness raising", "Building resilience"),
    boroughs=("E09000028", "E09000012"),
    requested_pence=1_250_050,
    running_total_pence=4_000_000,
    score=Fraction(1565, 20),  # 78.25 → 78.3
    status=ASSESSED,
    flag=FLAGGED,
    above_line=True,
    assessor_scores=(Fraction(80), Fraction(153, 2)),
)


def test_filters_match_on_theme_tier_borough_and_flag() -> None:
    assert RankingFilters().matches(ROW)
    assert RankingFilters(theme="Building resilience", tier="1", borough="E09000012", flag="flagged").matches(ROW)
    assert not RankingFilters(theme="Prevention").matches(ROW)
    assert not RankingFilters(tier="2").matches(ROW)
    assert not RankingFilters(borough="E09000001").matches(ROW)
    assert not RankingFilters(flag="not_flagged").matches(ROW)
    assert RankingFilters(flag="not_flagged").matches(replace(ROW, flag=""))
    assert RankingFilters(flag="flagged").matches(replace(ROW, flag=MODERATED_AFTER_FLAG))
    assert not RankingFilters(tier="1").matches(replace(ROW, tier_id=None, tier=""))


def test_filters_describe_only_what_is_chosen() -> None:
    assert RankingFilters().describe() == {} and not RankingFilters().active
    assert RankingFilters(borough="E09000028").describe() == {"borough": "E09000028"}


def test_the_spreadsheet_table_names_boroughs_and_gives_each_assessors_score() -> None:
    unscored = replace(ROW, rank=4, reference="SEF-6-0008", score=None, assessor_scores=(), above_line=False, flag="")
    header, rows = export_table([ROW, unscored])
    assert header[-3:] == ["Scorecards", "Assessor 1 score (%)", "Assessor 2 score (%)"]
    assert rows[0] == [
        3,
        "SEF-6-0007",
        "Youth voices",
        "Peckham Together",
        "Tier 1",
        "Awareness raising; Building resilience",
        "Southwark; Hackney",
        "12500.50",
        "40000.00",
        "78.3",
        "Assessed",
        "Flagged",
        "Above the line",
        2,
        "80.0",
        "76.5",
    ]
    assert rows[1][9:] == ["Not scored", "Assessed", "", "Below the line", 0, "", ""]
    assert len(rows[1]) == len(header)


def test_an_empty_ranking_exports_just_the_header() -> None:
    header, rows = export_table([])
    assert rows == [] and header[-1] == "Scorecards"
