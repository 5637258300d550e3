"""Pure predicates about what a user may do. Roles are rows, so a person can hold several."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.models import Organisation, User
from fundapp.accounts.states import MemberRole, StaffRole


def has_role(
    user: Any,
    role: StaffRole,
    *,
    fund_id: int | None = None,
    round_id: int | None = None,
) -> bool:
    """True if the user holds the role system-wide, or for the given fund, or for the given round."""
    if not getattr(user, "is_authenticated", False):
        return False
    for assignment in user.role_assignments:
        if assignment.role != role:
            continue
        if assignment.fund_id is None and assignment.round_id is None:
            return True
        if fund_id is not None and assignment.fund_id == fund_id:
            return True
        if round_id is not None and assignment.round_id == round_id:
            return True
    return False


def holds_role_anywhere(user: Any, role: StaffRole) -> bool:
    """True if the user holds the role at any scope (used to decide which home page to show)."""
    return bool(getattr(user, "is_authenticated", False)) and any(a.role == role for a in user.role_assignments)


def is_admin(user: Any) -> bool:
    """Admins manage users, roles, funds and settings."""
    return has_role(user, StaffRole.ADMIN)


def is_staff(user: Any) -> bool:
    """Holds any staff role at any scope."""
    return bool(getattr(user, "is_authenticated", False)) and bool(user.role_assignments)


def may_turn_off_two_factor(user: Any) -> bool:
    """Applicants may turn two-factor authentication off; staff must keep it."""
    return bool(getattr(user, "is_authenticated", False)) and not is_staff(user)


def is_member(user: Any, organisation: Organisation) -> bool:
    """The user belongs to the organisation."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        m.user_id == user.id for m in organisation.memberships
    )


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Members see their organisation's profile; staff see any applicant organisation."""
    return is_member(user, organisation) or is_staff(user)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Any member can keep the organisation's details up to date."""
    return is_member(user, organisation)


def can_invite_members(user: Any, organisation: Organisation) -> bool:
    """Any member can invite colleagues (grassroots groups rarely have a single administrator)."""
    return is_member(user, organisation)


def is_owner(user: Any, organisation: Organisation) -> bool:
    """An owner of the organisation: the people who can sign for it and manage its members."""
    return is_member(user, organisation) and any(
        m.user_id == user.id and m.role == MemberRole.OWNER for m in organisation.memberships
    )


def can_remove_member(user: User, organisation: Organisation) -> bool:
    """Only owners remove members."""
    return is_owner(user, organisation)
