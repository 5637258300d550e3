"""Who may decide, check, issue, accept and pay. Fund managers decide and issue letters; finance officers check due
diligence and pay (never a payment on an award they decided themselves); the organisation's owners accept."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.permissions import has_role, holds_role_anywhere, is_admin, is_member, is_owner
from fundapp.accounts.states import StaffRole
from fundapp.awards.models import Award, Payment
from fundapp.programmes.models import Round
from fundapp.programmes.permissions import can_manage_round, can_view_round


def can_decide(user: Any, round_: Round) -> bool:
    """The call's fund managers (and admins) decide its applications, publish outcomes and issue letters."""
    return can_manage_round(user, round_)


def can_view_awards(user: Any, round_: Round) -> bool:
    """Staff who run or pay for the call: its fund managers, finance officers and admins."""
    return can_view_round(user, round_)


def is_finance_officer_for(user: Any, round_: Round) -> bool:
    """Holds the finance officer role for the call, its fund or system-wide."""
    return has_role(user, StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id, round_id=round_.id)


def can_check_due_diligence(user: Any, round_: Round) -> bool:
    """Finance officers and fund managers of the call complete the due-diligence checklist."""
    return can_decide(user, round_) or is_finance_officer_for(user, round_)


def can_handle_payments(user: Any, round_: Round) -> bool:
    """Finance officers of the call (and admins) approve and record payments."""
    return is_finance_officer_for(user, round_) or is_admin(user)


def decided_it(user: Any, award: Award) -> bool:
    """The person who approved the award: separation of duties keeps them from approving its payments."""
    return bool(getattr(user, "is_authenticated", False)) and award.decided_by_id == user.id


def can_approve_payment(user: Any, payment: Payment) -> bool:
    """A finance officer of the call who did not decide the award."""
    return can_handle_payments(user, payment.award.round) and not decided_it(user, payment.award)


def can_view_award_as_applicant(user: Any, award: Award) -> bool:
    """Members of the organisation see the award once the call's outcomes are published."""
    return is_member(user, award.organisation) and award.round.outcomes_published_at is not None


def can_accept_award(user: Any, award: Award) -> bool:
    """The organisation's owners sign for it: they accept or decline the offer."""
    return can_view_award_as_applicant(user, award) and is_owner(user, award.organisation)


def can_see_payments(user: Any) -> bool:
    """Finance officers (for any call, fund or everything) and admins open the payments page."""
    return holds_role_anywhere(user, StaffRole.FINANCE_OFFICER) or is_admin(user)
