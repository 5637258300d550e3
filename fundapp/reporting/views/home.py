"""The home page: a dashboard fitting each person's roles (public visitors see the open calls)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts.permissions import holds_role_anywhere, is_admin
from fundapp.accounts.states import StaffRole
from fundapp.core.auth import public
from fundapp.core.clock import utcnow
from fundapp.programmes import queries as programme_queries
from fundapp.reporting import bp, queries
from fundapp.reporting.permissions import can_view_fund


@bp.get("/")
@public
def home():
    open_rounds = programme_queries.list_rounds_open_for_applications(now=utcnow())
    if not current_user.is_authenticated:
        return render_template("reporting/home_public.html", open_rounds=open_rounds, title="Apply for funding")
    sections = {
        "admin": is_admin(current_user),
        "fund_manager": holds_role_anywhere(current_user, StaffRole.FUND_MANAGER),
        "assessor": holds_role_anywhere(current_user, StaffRole.ASSESSOR),
        "finance": holds_role_anywhere(current_user, StaffRole.FINANCE_OFFICER),
    }
    is_staff = any(sections.values())
    return render_template(
        "reporting/home.html",
        sections=sections,
        is_staff=is_staff,
        organisations=account_queries.list_organisations_for_user(current_user.id),
        reports=queries.list_reports_for_user(current_user.id),
        open_rounds=open_rounds,
        rounds=programme_queries.list_rounds() if is_staff else [],
        # The funds whose dashboards the person may open (fund-wide roles and admins).
        funds=[f for f in programme_queries.list_funds() if can_view_fund(current_user, f)] if is_staff else [],
        title="Home",
    )
