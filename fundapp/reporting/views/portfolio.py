"""The portfolio: reported results rolled up across a call or a fund, by theme and by borough, against targets.

The call's fund managers, finance officers and admins see a call's portfolio (permissions.can_view_reports); the
fund's fund managers and finance officers and admins see the fund's (permissions.can_view_fund). Applicants never
learn the pages exist (404); other staff are refused (403).
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.core.auth import authorize, signed_in
from fundapp.programmes import queries as programme_queries
from fundapp.reporting import bp, permissions, queries
from fundapp.reporting.portfolio import build_portfolio, by_round
from fundapp.reporting.views.review import viewed_round


@bp.get("/staff/calls/<int:round_id>/portfolio")
@signed_in
def round_portfolio(round_id: int):
    round_ = viewed_round(round_id)
    grants = queries.list_portfolio_grants([round_])
    return render_template(
        "reporting/portfolio/round.html",
        round_=round_,
        portfolio=build_portfolio(grants, theme_order=[theme.name for theme in round_.themes]),
        title=f"Portfolio: {round_.name}",
    )


@bp.get("/staff/funds/<int:fund_id>/portfolio")
@signed_in
def fund_portfolio(fund_id: int):
    fund = programme_queries.get_fund(fund_id)
    authorize(permissions.can_view_fund(current_user, fund), hide=not is_staff(current_user))
    rounds = queries.list_portfolio_rounds(fund.id)
    grants = queries.list_portfolio_grants(rounds)
    theme_order = list(dict.fromkeys(theme.name for round_ in rounds for theme in round_.themes))
    portfolio = build_portfolio(grants, theme_order=theme_order)
    calls = [(round_.id, round_.name) for round_ in rounds]
    return render_template(
        "reporting/portfolio/fund.html",
        fund=fund,
        portfolio=portfolio,
        by_call=[(metric, *by_round(grants, metric, calls)) for metric in portfolio.metrics],
        title=f"Portfolio: {fund.name}",
    )
