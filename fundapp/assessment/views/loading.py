"""Loading a call for the fund managers' assessment pages, with the access rule every one of them applies."""

from __future__ import annotations

from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.assessment import permissions
from fundapp.core.auth import authorize
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round


def viewed_round(round_id: int) -> Round:
    """The call, for staff who see its assessment: 404 for people who are not staff, 403 for other staff."""
    round_ = programme_queries.get_round(round_id)
    authorize(permissions.can_view_assessment(current_user, round_), hide=not is_staff(current_user))
    return round_


def managed_round(round_id: int) -> Round:
    """The call, for the people who run its assessment (finance officers may look, not change: 403)."""
    round_ = viewed_round(round_id)
    authorize(permissions.can_manage_assessment(current_user, round_))
    return round_
