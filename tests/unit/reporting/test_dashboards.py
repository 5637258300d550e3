"""Dashboard data shaping from plain rows: money lines and totals, counts by status, tier, theme and borough,
score bands with the minimum fundable line and the funding line, and where the money goes (split equally)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.scoring import Scale
from fundapp.assessment.states import AssessmentStatus
from fundapp.reporting import dashboards
from fundapp.reporting.dashboards import AwardMoney, CallFigures, DashboardData, ScoreRow

CRITERION = Scale(id=1, weight=100, scale_min=0, scale_max=5)


def _data(**changes: Any) -> DashboardData:
    base = DashboardData(
        calls=(CallFigures(1, "C-1", "Call one", 5_000_000, 4_000_000, 50),),
        paid_by_round={1: 1_000_000},
        statuses={},
        tiers=(),
        themes={},
        boroughs={},
        criteria={1: [CRITERION]},
        scores=(),
        moderated=(),
        assessments={},
        assessments_overdue=0,
        reports=dashboards.ReportFigures(),
        payments=dashboards.PaymentFigures(),
    )
    return replace(base, **changes)


def _scores(points: Mapping[str, Sequence[int]], requested: int = 2_000_000) -> list[ScoreRow]:
    """One submitted scorecard per score given, on the one criterion (out of 5), per application reference."""
    rows = []
    assessment = 0
    for application_id, (reference, scores) in enumerate(points.items(), start=1):
        for score in scores:
            assessment += 1
            rows.append(ScoreRow(1, application_id, reference, requested, assessment, CRITERION.id, score))
    return rows


def test_an_empty_dashboard_has_zeros_and_charts_without_dividing_by_zero() -> None:
    board = dashboards.build_dashboard(_data(calls=(CallFigures(1, "C", "Empty", 100, 0, 50),), paid_by_round={}))
    assert board.money == (dashboards.MoneyLine("Empty", 100, 0, 0),)
    assert board.submitted == 0
    assert board.statuses == board.themes == board.boroughs == ()
    assert board.scores.scored == 0 and board.scores.above_line == 0
    assert board.bar_charts["statuses"].empty
    assert board.money_chart is not None and board.money_chart.rows[0].segments[0].width == 0.0


def test_money_has_a_line_per_call_and_a_total_only_for_several_calls() -> None:
    one = dashboards.build_dashboard(_data())
    assert one.money == (dashboards.MoneyLine("Call one", 5_000_000, 4_000_000, 1_000_000),)
    assert one.total.outstanding_pence == 3_000_000 and one.total.uncommitted_pence == 1_000_000
    two = dashboards.build_dashboard(
        _data(
            calls=(
                CallFigures(1, "C-1", "Call one", 5_000_000, 4_000_000, 50),
                CallFigures(2, "C-2", "Call two", 3_000_000, 0, 60),
            )
        )
    )
    assert [line.name for line in two.money] == ["Call one", "Call two", "Total"]
    assert two.total == dashboards.MoneyLine("Total", 8_000_000, 4_000_000, 1_000_000)
    assert two.scores.min_fundable is None  # the calls differ
    assert two.scores.above_line is None  # a funding line belongs to one call


def test_applications_are_counted_by_status_most_first_and_submitted_leaves_out_drafts_and_withdrawn() -> None:
    statuses = {
        ApplicationStatus.DRAFT: 4,
        ApplicationStatus.WITHDRAWN: 1,
        ApplicationStatus.ELIGIBLE: 2,
        ApplicationStatus.APPROVED: 3,
        ApplicationStatus.REJECTED: 0,
    }
    board = dashboards.build_dashboard(_data(statuses=statuses))
    assert [(row.label, row.count) for row in board.statuses] == [
        ("Draft", 4),
        ("Approved", 3),
        ("Eligible", 2),
        ("Withdrawn", 1),
    ]
    assert board.submitted == 5


def test_tiers_keep_their_order_add_up_by_name_and_count_those_outside_every_tier() -> None:
    rows = dashboards.tier_counts([("Small", 2), ("Large", 1), ("Small", 3)], submitted=7)
    assert [(row.label, row.count) for row in rows] == [("Small", 5), ("Large", 1), (dashboards.NO_TIER, 1)]
    assert dashboards.tier_counts([("Small", 2)], submitted=2) == (dashboards.Counted("Small", 2),)


def test_themes_and_boroughs_count_an_application_in_each_it_chose_and_those_choosing_none() -> None:
    themes = {1: ["Young people"], 2: ["Young people", "Older people", "Young people"], 3: []}
    counted = dashboards.choice_counts(themes, submitted=4, none_label=dashboards.NO_THEME)
    assert counted == {"Young people": 2, "Older people": 1, dashboards.NO_THEME: 2}
    boroughs = dashboards.borough_counts({1: ["E09000012", "E09000030"], 2: ["E09000012"]}, submitted=2)
    assert [(row.label, row.count) for row in boroughs] == [("Hackney", 2), ("Tower Hamlets", 1)]


def test_scores_fall_in_the_band_they_are_shown_in_highest_first() -> None:
    # 3 of 5 = 60%; (3 + 2) / 2 of 5 = 50%; 4.5 of 5 would need two cards: (4 + 5) / 2 = 90%.
    data = _data(
        statuses={ApplicationStatus.ASSESSED: 3, ApplicationStatus.IN_ASSESSMENT: 1},
        scores=_scores({"C-1-0001": [3], "C-1-0002": [3, 2], "C-1-0003": [4, 5]}),
    )
    scores = dashboards.score_distribution(data)
    assert scores.bands[0] == dashboards.Counted("90% to 100%", 1)
    counts = {row.label: row.count for row in scores.bands}
    assert counts["60% to 69%"] == 1 and counts["50% to 59%"] == 1
    assert len(scores.bands) == 10
    assert scores.scored == 3 and scores.not_scored == 1
    assert dashboards.band_of(Fraction(5999, 100)) == 6  # 59.99% is shown as 60.0%
    assert dashboards.band_of(Fraction(100)) == 9


def test_a_moderated_score_replaces_the_assessors_mean() -> None:
    data = _data(
        statuses={ApplicationStatus.MODERATED: 1},
        scores=_scores({"C-1-0001": [1, 2]}),
        moderated=[(1, CRITERION.id, 5)],
    )
    assert dashboards.score_distribution(data).bands[0].count == 1  # 100%, not 30%


def test_the_funding_line_falls_where_the_budget_runs_out_or_the_minimum_stops_it() -> None:
    # Budget £50,000, £20,000 each: the first two fit; the third would pass the budget.
    data = _data(scores=_scores({"A": [5], "B": [4], "C": [3], "D": [1]}))
    scores = dashboards.score_distribution(data)
    assert (scores.above_line, scores.lowest_above_line) == (2, "80.0%")
    # With a minimum of 90%, only the first is fundable.
    strict = dashboards.score_distribution(replace(data, calls=(replace(data.calls[0], min_fundable_percent=90),)))
    assert (strict.above_line, strict.lowest_above_line) == (1, "100.0%")


def _scores_of(minimum: int) -> dashboards.Scores:
    return dashboards.Scores(
        bands=(), scored=0, not_scored=0, min_fundable=minimum, above_line=None, lowest_above_line=None
    )


def test_the_minimum_fundable_line_sits_between_bands_or_inside_one() -> None:
    # Bands run from 90% to 100% (index 0) down to 0% to 9% (index 9); a marker is drawn above the index given.
    assert dashboards.score_markers(_scores_of(50)) == {5: "Minimum fundable score: 50%"}
    assert dashboards.score_markers(_scores_of(55)) == {4: "Minimum fundable score: 55% (inside 50% to 59%)"}
    assert dashboards.score_markers(_scores_of(90)) == {1: "Minimum fundable score: 90%"}
    assert dashboards.score_markers(_scores_of(100)) == {0: "Minimum fundable score: 100% (inside 90% to 100%)"}
    assert dashboards.score_markers(_scores_of(0)) == {}
    board = dashboards.build_dashboard(_data(scores=_scores({"A": [5]})))
    [marker] = board.bar_charts["scores"].markers
    assert marker.text == "Minimum fundable score: 50%"


def test_assessment_progress_lists_not_started_in_progress_and_submitted() -> None:
    rows = dashboards.assessment_counts(
        {AssessmentStatus.SUBMITTED: 4, AssessmentStatus.ASSIGNED: 1, AssessmentStatus.CONFLICTED: 2}
    )
    assert [(row.label, row.count) for row in rows] == [("Not started", 1), ("In progress", 0), ("Submitted", 4)]


def test_splitting_equally_keeps_every_penny() -> None:
    assert dashboards.split_equally(1000, 3) == [334, 333, 333]
    assert sum(dashboards.split_equally(2_000_001, 7)) == 2_000_001
    assert dashboards.split_equally(0, 2) == [0, 0]
    assert dashboards.split_equally(5, 0) == []


def test_where_the_money_goes_splits_each_award_across_its_boroughs_and_adds_up_to_the_total() -> None:
    awards = [
        AwardMoney(1, 2_000_001, 1_000_000, ("E09000012", "E09000030"), 401),
        AwardMoney(2, 1_000_000, 0, ("E09000012", "E09000012"), None),  # named twice: counted once
        AwardMoney(3, 500_000, 500_000, (), 20),
    ]
    view = dashboards.build_borough_view(awards)
    lines = {line.name: line for line in view.lines}
    assert lines["Hackney"] == dashboards.BoroughLine("E09000012", "Hackney", 2, 2_000_001, 500_000, 201, 1)
    assert lines["Tower Hamlets"] == dashboards.BoroughLine("E09000030", "Tower Hamlets", 1, 1_000_000, 500_000, 200, 1)
    assert lines[dashboards.NO_BOROUGH].awarded_pence == 500_000
    assert view.lines[0].name == "Hackney"  # most money first; no borough last
    assert view.lines[-1].name == dashboards.NO_BOROUGH
    assert len(view.lines) == 34
    assert view.total == dashboards.BoroughLine("", "Total", 3, 3_500_001, 1_500_000, 421, 2)
    assert sum(line.awarded_pence for line in view.lines) == view.total.awarded_pence
    assert sum(line.paid_pence for line in view.lines) == view.total.paid_pence
    assert view.shared_awards == 1
    assert "Hackney" in view.map.description


def test_londoners_reached_are_read_only_from_whole_numbers() -> None:
    assert dashboards.reached_from({"metrics": {"londoners_reached": 40}}) == 40
    assert dashboards.reached_from({"metrics": {"londoners_reached": True}}) is None
    assert dashboards.reached_from({"metrics": {}}) is None
    assert dashboards.reached_from(None) is None
