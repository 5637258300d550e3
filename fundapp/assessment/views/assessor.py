"""Assessors' pages: their dashboard of assignments."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from fundapp.accounts.permissions import holds_role_anywhere
from fundapp.accounts.states import StaffRole
from fundapp.assessment import bp, queries
from fundapp.core.auth import requires


def is_any_assessor(user: object) -> bool:
    """Holds the assessor role for at least one call, fund, or system-wide."""
    return holds_role_anywhere(user, StaffRole.ASSESSOR)


@bp.get("/assessments")
@requires(is_any_assessor)
def dashboard():
    assessments = queries.list_assessments_for_assessor(current_user.id)
    return render_template("assessment/dashboard.html", assessments=assessments, title="Your assessments")
