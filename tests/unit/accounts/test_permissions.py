"""Permission predicates over unsaved models: roles are rows, scoped to everything, one fund or one call."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.permissions import (
    can_edit_organisation,
    can_invite_members,
    can_remove_member,
    can_view_organisation,
    has_role,
    holds_role_anywhere,
    is_admin,
    is_member,
    is_staff,
)
from fundapp.accounts.states import MemberRole, StaffRole


def _user(*assignments: RoleAssignment, user_id: int = 1) -> User:
    return User(id=user_id, email=f"user{user_id}@example.org", full_name="Test", role_assignments=list(assignments))


def _organisation(*members: tuple[int, MemberRole]) -> Organisation:
    return Organisation(id=10, name="Group", memberships=[Membership(user_id=uid, role=role) for uid, role in members])


def test_a_system_wide_role_covers_every_fund_and_call() -> None:
    user = _user(RoleAssignment(role=StaffRole.FUND_MANAGER))
    assert has_role(user, StaffRole.FUND_MANAGER)
    assert has_role(user, StaffRole.FUND_MANAGER, fund_id=7)
    assert has_role(user, StaffRole.FUND_MANAGER, round_id=3)


def test_a_fund_scoped_role_covers_only_that_fund() -> None:
    user = _user(RoleAssignment(role=StaffRole.ASSESSOR, fund_id=7))
    assert has_role(user, StaffRole.ASSESSOR, fund_id=7)
    assert not has_role(user, StaffRole.ASSESSOR, fund_id=8)
    assert not has_role(user, StaffRole.ASSESSOR)  # not system-wide
    assert not has_role(user, StaffRole.ASSESSOR, round_id=7)  # a round id is not a fund id


def test_a_round_scoped_role_covers_only_that_call() -> None:
    user = _user(RoleAssignment(role=StaffRole.ASSESSOR, round_id=3))
    assert has_role(user, StaffRole.ASSESSOR, round_id=3)
    assert has_role(user, StaffRole.ASSESSOR, fund_id=7, round_id=3)
    assert not has_role(user, StaffRole.ASSESSOR, round_id=4)
    assert not has_role(user, StaffRole.ASSESSOR, fund_id=3)


def test_one_role_does_not_imply_another() -> None:
    user = _user(RoleAssignment(role=StaffRole.ASSESSOR))
    assert not has_role(user, StaffRole.FUND_MANAGER)
    assert not is_admin(user)


def test_roles_held_at_several_scopes_are_all_honoured() -> None:
    user = _user(
        RoleAssignment(role=StaffRole.ASSESSOR, round_id=3),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER, fund_id=7),
    )
    assert has_role(user, StaffRole.ASSESSOR, round_id=3)
    assert has_role(user, StaffRole.FINANCE_OFFICER, fund_id=7)
    assert not has_role(user, StaffRole.FINANCE_OFFICER, round_id=3)


def test_holds_role_anywhere_counts_scoped_roles() -> None:
    user = _user(RoleAssignment(role=StaffRole.ASSESSOR, round_id=3))
    assert holds_role_anywhere(user, StaffRole.ASSESSOR)
    assert not holds_role_anywhere(user, StaffRole.FUND_MANAGER)


def test_admin_and_staff() -> None:
    assert is_admin(_user(RoleAssignment(role=StaffRole.ADMIN)))
    assert is_staff(_user(RoleAssignment(role=StaffRole.ASSESSOR, round_id=3)))
    assert not is_staff(_user())


def test_anonymous_visitors_hold_no_role_and_belong_nowhere() -> None:
    anonymous = AnonymousUserMixin()
    organisation = _organisation((1, MemberRole.OWNER))
    assert not has_role(anonymous, StaffRole.ADMIN)
    assert not holds_role_anywhere(anonymous, StaffRole.ASSESSOR)
    assert not is_admin(anonymous)
    assert not is_staff(anonymous)
    assert not is_member(anonymous, organisation)
    assert not can_view_organisation(anonymous, organisation)


def test_members_see_edit_and_invite_to_their_own_organisation_only() -> None:
    organisation = _organisation((1, MemberRole.MEMBER))
    member, stranger = _user(user_id=1), _user(user_id=2)
    assert can_view_organisation(member, organisation)
    assert can_edit_organisation(member, organisation)
    assert can_invite_members(member, organisation)
    assert not can_view_organisation(stranger, organisation)
    assert not can_edit_organisation(stranger, organisation)
    assert not can_invite_members(stranger, organisation)


def test_staff_see_any_organisation_but_do_not_edit_it() -> None:
    organisation = _organisation((1, MemberRole.OWNER))
    assessor = _user(RoleAssignment(role=StaffRole.ASSESSOR, round_id=3), user_id=5)
    assert can_view_organisation(assessor, organisation)
    assert not can_edit_organisation(assessor, organisation)


def test_only_owners_remove_members() -> None:
    organisation = _organisation((1, MemberRole.OWNER), (2, MemberRole.MEMBER))
    assert can_remove_member(_user(user_id=1), organisation)
    assert not can_remove_member(_user(user_id=2), organisation)
    assert not can_remove_member(_user(user_id=3), organisation)
