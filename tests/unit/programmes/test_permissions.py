"""Who may see a call's set-up page, over unsaved models: fund managers, finance officers and admins."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from fundapp.accounts.models import RoleAssignment, User
from fundapp.accounts.states import StaffRole
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.permissions import can_manage_fund, can_manage_round, can_view_round

ROUND = Round(id=3, fund_id=7, code="SEF-6", name="Call 6")


def _user(*assignments: RoleAssignment) -> User:
    return User(id=1, email="user@example.org", full_name="Test", role_assignments=list(assignments))


@pytest.mark.parametrize(
    "assignment",
    [
        RoleAssignment(role=StaffRole.ADMIN),
        RoleAssignment(role=StaffRole.FUND_MANAGER),
        RoleAssignment(role=StaffRole.FUND_MANAGER, fund_id=7),
        RoleAssignment(role=StaffRole.FUND_MANAGER, round_id=3),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER, fund_id=7),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER, round_id=3),
    ],
    ids=lambda a: f"{a.role.value}-fund{a.fund_id}-round{a.round_id}",
)
def test_staff_who_run_or_pay_for_the_call_can_see_it(assignment: RoleAssignment) -> None:
    assert can_view_round(_user(assignment), ROUND)


@pytest.mark.parametrize(
    "assignment",
    [
        RoleAssignment(role=StaffRole.FUND_MANAGER, fund_id=8),
        RoleAssignment(role=StaffRole.FUND_MANAGER, round_id=4),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER, fund_id=8),
        RoleAssignment(role=StaffRole.ASSESSOR),
        RoleAssignment(role=StaffRole.ASSESSOR, round_id=3),
    ],
    ids=lambda a: f"{a.role.value}-fund{a.fund_id}-round{a.round_id}",
)
def test_other_staff_cannot_see_the_call(assignment: RoleAssignment) -> None:
    assert not can_view_round(_user(assignment), ROUND)


def test_applicants_and_visitors_cannot_see_the_call() -> None:
    assert not can_view_round(_user(), ROUND)
    assert not can_view_round(AnonymousUserMixin(), ROUND)


def test_finance_officers_see_a_call_but_do_not_manage_it() -> None:
    finance = _user(RoleAssignment(role=StaffRole.FINANCE_OFFICER))
    assert can_view_round(finance, ROUND)
    assert not can_manage_round(finance, ROUND)


FUND = Fund(id=7, code="SEF", name="Shared Endeavour Fund")


@pytest.mark.parametrize(
    "assignment",
    [
        RoleAssignment(role=StaffRole.ADMIN),
        RoleAssignment(role=StaffRole.FUND_MANAGER),
        RoleAssignment(role=StaffRole.FUND_MANAGER, fund_id=7),
    ],
    ids=lambda a: f"{a.role.value}-fund{a.fund_id}",
)
def test_fund_managers_of_the_fund_and_admins_can_create_calls_in_it(assignment: RoleAssignment) -> None:
    assert can_manage_fund(_user(assignment), FUND)


@pytest.mark.parametrize(
    "assignment",
    [
        RoleAssignment(role=StaffRole.FUND_MANAGER, fund_id=8),
        RoleAssignment(role=StaffRole.FUND_MANAGER, round_id=3),
        RoleAssignment(role=StaffRole.FINANCE_OFFICER),
        RoleAssignment(role=StaffRole.ASSESSOR, fund_id=7),
    ],
    ids=lambda a: f"{a.role.value}-fund{a.fund_id}-round{a.round_id}",
)
def test_other_staff_cannot_create_calls_in_the_fund(assignment: RoleAssignment) -> None:
    assert not can_manage_fund(_user(assignment), FUND)


def test_applicants_and_visitors_cannot_create_calls() -> None:
    assert not can_manage_fund(_user(), FUND)
    assert not can_manage_fund(AnonymousUserMixin(), FUND)
