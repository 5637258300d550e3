"""Who may manage funds and calls, and who may manage staff roles."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.permissions import has_role, holds_role_anywhere, is_admin
from fundapp.accounts.states import StaffRole
from fundapp.programmes.models import Fund, Round


def can_manage_round(user: Any, round_: Round) -> bool:
    """Fund managers of the round's fund (or of that round, or system-wide) and admins."""
    return is_admin(user) or has_role(user, StaffRole.FUND_MANAGER, fund_id=round_.fund_id, round_id=round_.id)


def can_manage_fund(user: Any, fund: Fund) -> bool:
    """Fund managers of that fund (or system-wide) and admins: they may create calls in it.

    A fund manager of one call only may manage that call, not start new ones in its fund.
    """
    return is_admin(user) or has_role(user, StaffRole.FUND_MANAGER, fund_id=fund.id)


def is_any_fund_manager(user: Any) -> bool:
    """Holds the fund manager role for at least one fund or call (or system-wide)."""
    return holds_role_anywhere(user, StaffRole.FUND_MANAGER) or is_admin(user)


def can_view_round(user: Any, round_: Round) -> bool:
    """Staff who run or pay for the call see its set-up: its fund managers, finance officers and admins.

    Each role counts system-wide, for the round's fund, or for that round. Assessors see only the applications
    assigned to them, not the call's set-up.
    """
    return can_manage_round(user, round_) or has_role(
        user, StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id, round_id=round_.id
    )
