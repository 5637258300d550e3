"""Loading a call for the staff pages about its decisions and awards, with the access rule every one of them applies.

Applicants (and anyone without a staff role) must not learn these pages exist: 404. Staff know calls exist, so
staff without a say in this one are refused: 403. The call's finance officers see its decisions and awards; only
its fund managers (and admins) decide.
"""

from __future__ import annotations

from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.awards import permissions
from fundapp.core.auth import authorize
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.models import Round


def viewed_round(round_id: int) -> Round:
    """The call, for staff who see its decisions and awards: 404 for people who are not staff, 403 for other
    staff."""
    round_ = programme_queries.get_round(round_id)
    authorize(permissions.can_view_awards(current_user, round_), hide=not is_staff(current_user))
    return round_


def decided_round(round_id: int) -> Round:
    """The call, for the people who decide its applications (finance officers may look, not change: 403)."""
    round_ = viewed_round(round_id)
    authorize(permissions.can_decide(current_user, round_))
    return round_
