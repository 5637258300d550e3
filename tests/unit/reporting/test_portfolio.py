"""The portfolio's arithmetic over plain rows: totals against targets, grants counted, by theme, by borough and call
by call, with missing and zero targets (no division by zero) and metrics matched across calls by key and name."""

from __future__ import annotations

from fundapp.reporting.portfolio import (
    GrantResults,
    MetricRef,
    build_portfolio,
    by_borough,
    by_round,
    by_theme,
    metric_total,
    metrics_of,
    percent_of,
    totals,
)

REACHED = MetricRef("londoners_reached", "Londoners reached")
SESSIONS = MetricRef("sessions_delivered", "Sessions delivered")
RENAMED = MetricRef("londoners_reached", "Young Londoners reached")  # same key, another name: another metric


def grant(award_id: int, *, round_id: int = 1, metrics=(REACHED, SESSIONS), **fields) -> GrantResults:  # type: ignore[no-untyped-def]
    return GrantResults(award_id=award_id, round_id=round_id, metrics=tuple(metrics), **fields)


def test_no_grants_give_an_empty_portfolio() -> None:
    portfolio = build_portfolio([])
    assert (portfolio.grants, portfolio.grants_reported) == (0, 0)
    assert portfolio.metrics == () and portfolio.totals == ()
    assert portfolio.themes == [] and portfolio.boroughs == []


def test_targets_add_up_over_every_grant_and_numbers_over_those_with_an_approved_report() -> None:
    grants = [
        grant(1, targets={"londoners_reached": 400, "sessions_delivered": 20}, reported={"londoners_reached": 150}),
        grant(2, targets={"londoners_reached": 100, "sessions_delivered": 4}, reported=None),
        grant(3, targets={"londoners_reached": None}, reported={"londoners_reached": 50, "sessions_delivered": 6}),
    ]
    reached, sessions = totals(grants)
    assert (reached.target, reached.targets_given, reached.reported) == (500, 2, 200)
    assert (reached.grants, reached.grants_reported, reached.percent) == (3, 2, 40)
    assert (sessions.target, sessions.targets_given, sessions.reported) == (24, 2, 6)
    assert (sessions.grants, sessions.grants_reported, sessions.percent) == (3, 1, 25)


def test_without_a_target_there_is_no_percentage_and_no_division_by_zero() -> None:
    grants = [
        grant(1, targets={}, reported={"londoners_reached": 10}),
        grant(2, targets={"londoners_reached": 0, "sessions_delivered": 0}, reported={"sessions_delivered": 3}),
    ]
    reached, sessions = totals(grants)
    assert (reached.target, reached.reported, reached.percent) == (0, 10, None)
    assert (sessions.target, sessions.targets_given, sessions.percent) == (0, 1, None)


def test_percentages_round_half_up_exactly() -> None:
    assert percent_of(1, 8) == 13  # 12.5
    assert percent_of(1, 3) == 33
    assert percent_of(2, 3) == 67
    assert percent_of(1, 200) == 1  # 0.5
    assert percent_of(0, 7) == 0
    assert percent_of(900, 300) == 300
    assert percent_of(5, 0) is None and percent_of(5, -1) is None


def test_a_grant_counts_toward_each_theme_its_application_chose_themes_in_the_calls_order() -> None:
    grants = [
        grant(1, themes=("Awareness raising", "Prevention"), targets={"londoners_reached": 100}, reported=None),
        grant(
            2,
            themes=("Prevention", "Prevention"),
            targets={"londoners_reached": 50},
            reported={"londoners_reached": 25},
        ),
        grant(3, themes=(), targets={"londoners_reached": 70}),
        grant(4, themes=("Zebra theme no longer offered",), targets={"londoners_reached": 5}),
    ]
    rows = by_theme(grants, [REACHED], theme_order=["Prevention", "Awareness raising", "Resilience"])
    assert [(r.name, r.grants, r.grants_reported) for r in rows] == [
        ("Prevention", 2, 1),
        ("Awareness raising", 1, 0),
        ("Zebra theme no longer offered", 1, 0),
    ]
    prevention = rows[0].totals[0]
    assert (prevention.target, prevention.reported, prevention.percent) == (150, 25, 17)


def test_boroughs_come_from_the_approved_report_and_are_listed_by_name() -> None:
    grants = [
        grant(
            1,
            boroughs=("E09000030", "E09000002"),
            targets={"londoners_reached": 100},
            reported={"londoners_reached": 80},
        ),
        grant(2, boroughs=("E09000030",), targets={"londoners_reached": 40}, reported={"londoners_reached": 60}),
        grant(3, boroughs=(), targets={"londoners_reached": 1000}),
    ]
    rows = by_borough(grants, [REACHED])
    assert [(r.name, r.grants) for r in rows] == [("Barking and Dagenham", 1), ("Tower Hamlets", 2)]
    hamlets = rows[1].totals[0]
    assert (hamlets.target, hamlets.reported, hamlets.percent) == (140, 140, 100)


def test_across_calls_metrics_match_by_key_and_name_and_each_call_has_its_row() -> None:
    grants = [
        grant(
            1,
            round_id=1,
            metrics=(REACHED, SESSIONS),
            targets={"londoners_reached": 100},
            reported={"londoners_reached": 40},
        ),
        grant(
            2, round_id=2, metrics=(REACHED,), targets={"londoners_reached": 300}, reported={"londoners_reached": 300}
        ),
        grant(
            3, round_id=3, metrics=(RENAMED,), targets={"londoners_reached": 999}, reported={"londoners_reached": 999}
        ),
    ]
    assert metrics_of(grants) == (REACHED, SESSIONS, RENAMED)
    rows, total = by_round(grants, REACHED, [(1, "Call 1"), (2, "Call 2"), (3, "Call 3")])
    assert [(name, t.target, t.reported, t.percent) for name, t in rows] == [
        ("Call 1", 100, 40, 40),
        ("Call 2", 300, 300, 100),
    ]
    assert (total.target, total.reported, total.grants, total.grants_reported, total.percent) == (400, 340, 2, 2, 85)
    sessions_rows, sessions = by_round(grants, SESSIONS, [(1, "Call 1"), (2, "Call 2"), (3, "Call 3")])
    assert [name for name, _ in sessions_rows] == ["Call 1"]
    assert (sessions.grants, sessions.grants_reported, sessions.percent) == (1, 0, None)


def test_a_grant_only_counts_for_the_metrics_its_call_asks_for() -> None:
    only_sessions = grant(1, metrics=(SESSIONS,), targets={"londoners_reached": 500}, reported={"londoners_reached": 9})
    total = metric_total(REACHED, [only_sessions])
    assert (total.grants, total.target, total.reported) == (0, 0, 0)


def test_the_whole_portfolio_has_totals_themes_and_boroughs_for_every_metric() -> None:
    grants = [
        grant(
            1,
            themes=("Prevention",),
            boroughs=("E09000001",),
            targets={"londoners_reached": 10},
            reported={"londoners_reached": 5, "sessions_delivered": 2},
        ),
        grant(2, themes=("Prevention",), targets={"londoners_reached": 10, "sessions_delivered": 8}),
    ]
    portfolio = build_portfolio(grants, theme_order=["Prevention"])
    assert (portfolio.grants, portfolio.grants_reported) == (2, 1)
    assert portfolio.metrics == (REACHED, SESSIONS)
    assert [t.percent for t in portfolio.totals] == [25, 25]
    assert [(g.name, [t.reported for t in g.totals]) for g in portfolio.themes] == [("Prevention", [5, 2])]
    assert [(g.name, g.grants) for g in portfolio.boroughs] == [("City of London", 1)]
