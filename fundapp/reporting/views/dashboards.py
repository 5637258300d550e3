"""Dashboards for fund managers and finance: per call and per fund, and where the money goes across London.

The call's fund managers, finance officers and admins see its pages (permissions.can_view_reports); a fund's pages
are for those who hold their role on the whole fund (permissions.can_view_fund). Applicants never learn these pages
exist (404); other staff are refused (403). The numbers are read in bulk (queries.load_dashboard_data,
load_borough_data) and shaped into charts and tables by reporting/dashboards.py.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.awards import permissions as award_permissions
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import to_london, utcnow
from fundapp.core.wording import plural
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Fund, Round
from fundapp.reporting import bp, dashboards, permissions, queries
from fundapp.reporting.views.review import viewed_round


def _viewed_fund(fund_id: int) -> tuple[Fund, list[Round]]:
    """The fund and its calls, for the staff who see the whole fund: 404 for people who are not staff, else 403."""
    fund = programme_queries.get_fund(fund_id)
    authorize(permissions.can_view_fund(current_user, fund), hide=not is_staff(current_user))
    return fund, queries.list_portfolio_rounds(fund.id)


def _dashboard(rounds: list[Round]) -> dashboards.Dashboard:
    now = utcnow()
    return dashboards.build_dashboard(queries.load_dashboard_data(rounds, today=to_london(now).date(), now=now))


def _page(template: str, **context: Any) -> str:
    return render_template(
        f"reporting/dashboards/{template}",
        plural=plural,
        can_see_payments=award_permissions.can_see_payments(current_user),
        **context,
    )


@bp.get("/staff/calls/<int:round_id>/dashboard")
@signed_in
def round_dashboard(round_id: int):
    round_ = viewed_round(round_id)
    return _page(
        "dashboard.html",
        board=_dashboard([round_]),
        round_=round_,
        fund=round_.fund,
        rounds=[round_],
        title=f"Dashboard: {round_.name}",
    )


@bp.get("/staff/funds/<int:fund_id>/dashboard")
@signed_in
def fund_dashboard(fund_id: int):
    fund, rounds = _viewed_fund(fund_id)
    return _page(
        "dashboard.html",
        board=_dashboard(rounds),
        round_=None,
        fund=fund,
        rounds=rounds,
        title=f"Fund dashboard: {fund.name}",
    )


@bp.get("/staff/calls/<int:round_id>/boroughs")
@signed_in
def round_boroughs(round_id: int):
    round_ = viewed_round(round_id)
    return _page(
        "boroughs.html",
        view=dashboards.build_borough_view(queries.load_borough_data([round_])),
        round_=round_,
        fund=round_.fund,
        title=f"Where the money goes across London: {round_.name}",
    )


@bp.get("/staff/funds/<int:fund_id>/boroughs")
@signed_in
def fund_boroughs(fund_id: int):
    fund, rounds = _viewed_fund(fund_id)
    return _page(
        "boroughs.html",
        view=dashboards.build_borough_view(queries.load_borough_data(rounds)),
        round_=None,
        fund=fund,
        title=f"Where the money goes across London: {fund.name}",
    )
