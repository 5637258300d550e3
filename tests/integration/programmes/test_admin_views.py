"""Admin pages for users and staff roles: list and search, add a role for a scope, remove a role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fundapp.accounts.models import RoleAssignment, User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.programmes.models import Fund, Round
from tests.factories import FundFactory, RoleAssignmentFactory, RoundFactory, UserFactory, staff_user
from tests.helpers import csrf_token, error_summary, post_form, sign_in


@pytest.fixture()
def admin(client: FlaskClient) -> User:
    user = staff_user(StaffRole.ADMIN)
    sign_in(client, user)
    return user


@pytest.fixture()
def fund(db_session: object) -> Fund:
    return FundFactory(name="Shared Endeavour Fund", code="SEF")


@pytest.fixture()
def call(fund: Fund) -> Round:
    return RoundFactory(fund=fund, name="Shared Endeavour Fund Call 6", code="SEF-6")


def _roles(user: User) -> set[tuple[StaffRole, int | None, int | None]]:
    return {
        (a.role, a.fund_id, a.round_id)
        for a in db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == user.id))
    }


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.subject_id == user.id))
    )


def _field_error(page: str, field: str) -> bool:
    return f'id="{field}-error"' in page


# --- who may see the admin pages -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [StaffRole.FUND_MANAGER, StaffRole.ASSESSOR, StaffRole.FINANCE_OFFICER, None])
def test_people_who_are_not_admins_are_refused_every_admin_page(client: FlaskClient, role: StaffRole | None) -> None:
    user = staff_user(role) if role else UserFactory()
    other = UserFactory()
    assignment = RoleAssignmentFactory(user=other, role=StaffRole.ASSESSOR)
    sign_in(client, user)
    token = csrf_token(client, "/account")
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{other.id}").status_code == 403
    assert client.post(f"/admin/users/{other.id}", data={"csrf_token": token, "role": "admin"}).status_code == 403
    removed = client.post(f"/admin/users/{other.id}/roles/{assignment.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 403
    assert _roles(other) == {(StaffRole.ASSESSOR, None, None)}


def test_a_visitor_is_asked_to_sign_in_for_admin_pages(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# --- the list of users ---------------------------------------------------------------------------------


def test_the_user_list_shows_each_persons_roles_with_the_names_of_their_scopes(
    client: FlaskClient, admin: User, fund: Fund, call: Round
) -> None:
    manager = UserFactory(full_name="Marcus Bell", email="marcus@example.org")
    RoleAssignmentFactory(user=manager, role=StaffRole.FUND_MANAGER, fund_id=fund.id)
    RoleAssignmentFactory(user=manager, role=StaffRole.ASSESSOR, round_id=call.id)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Marcus Bell" in page and "marcus@example.org" in page
    assert "Fund manager" in page and "Shared Endeavour Fund (every call)" in page
    assert "Assessor" in page and "Shared Endeavour Fund Call 6 (SEF-6)" in page
    assert f"/admin/users/{manager.id}" in page


def test_the_user_list_can_be_searched_by_name_or_email(client: FlaskClient, admin: User) -> None:
    UserFactory(full_name="Amara Okafor", email="amara@example.org")
    UserFactory(full_name="Owen Price", email="owen@brixton.example")
    by_name = client.get("/admin/users?q=okafor").get_data(as_text=True)
    assert "Amara Okafor" in by_name and "Owen Price" not in by_name
    by_email = client.get("/admin/users?q=BRIXTON").get_data(as_text=True)
    assert "Owen Price" in by_email and "Amara Okafor" not in by_email
    nobody = client.get("/admin/users?q=zzz-nobody").get_data(as_text=True)
    assert "No one matches" in nobody


# --- adding a role ---------------------------------------------------------------------------------------


def test_an_admin_gives_someone_a_role_for_one_fund_and_it_is_audited(
    client: FlaskClient, admin: User, fund: Fund
) -> None:
    person = UserFactory(full_name="Grace Adeyemi")
    url = f"/admin/users/{person.id}"
    assert f'value="fund:{fund.id}"' in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"role": "finance_officer", "scope": f"fund:{fund.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    assert _roles(person) == {(StaffRole.FINANCE_OFFICER, fund.id, None)}
    [event] = _events("role.assigned", person)
    assert (event.actor_id, event.data["role"], event.data["fund_id"]) == (admin.id, "finance_officer", fund.id)
    page = client.get(url).get_data(as_text=True)
    assert "Grace Adeyemi has been given the finance officer role." in page
    assert "Shared Endeavour Fund (every call)" in page


def test_an_admin_gives_someone_a_role_for_one_call(client: FlaskClient, admin: User, call: Round) -> None:
    person = UserFactory()
    response = post_form(client, f"/admin/users/{person.id}", {"role": "assessor", "scope": f"round:{call.id}"})
    assert response.status_code == 302
    assert _roles(person) == {(StaffRole.ASSESSOR, None, call.id)}


def test_an_admin_gives_someone_a_system_wide_role(client: FlaskClient, admin: User) -> None:
    person = UserFactory()
    response = post_form(client, f"/admin/users/{person.id}", {"role": "fund_manager", "scope": ""})
    assert response.status_code == 302
    assert _roles(person) == {(StaffRole.FUND_MANAGER, None, None)}


def test_an_unknown_scope_is_shown_as_an_error_at_the_scope_field(client: FlaskClient, admin: User, fund: Fund) -> None:
    person = UserFactory()
    response = post_form(client, f"/admin/users/{person.id}", {"role": "assessor", "scope": f"fund:{fund.id + 999}"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary(response) == ["Select a fund or call from the list"]
    assert _field_error(page, "scope")
    assert _roles(person) == set()
    assert _events("role.assigned", person) == []


def test_a_missing_role_is_shown_as_an_error_at_the_role_field(client: FlaskClient, admin: User) -> None:
    person = UserFactory()
    response = post_form(client, f"/admin/users/{person.id}", {"scope": ""})
    assert response.status_code == 200
    assert error_summary(response) == ["Select a role"]
    assert _field_error(response.get_data(as_text=True), "role")
    assert _roles(person) == set()


def test_an_admin_role_limited_to_a_fund_is_refused_at_the_scope_field(
    client: FlaskClient, admin: User, fund: Fund
) -> None:
    person = UserFactory()
    response = post_form(client, f"/admin/users/{person.id}", {"role": "admin", "scope": f"fund:{fund.id}"})
    assert response.status_code == 200
    assert error_summary(response) == ["The admin role always covers the whole system"]
    assert _field_error(response.get_data(as_text=True), "scope")
    assert _roles(person) == set()


def test_giving_a_role_someone_already_has_is_refused_at_the_role_field(client: FlaskClient, admin: User) -> None:
    person = staff_user(StaffRole.ASSESSOR)
    response = post_form(client, f"/admin/users/{person.id}", {"role": "assessor", "scope": ""})
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "role")
    assert "already has this role" in error_summary(response)[0]


def test_an_unknown_user_is_not_found(client: FlaskClient, admin: User) -> None:
    assert client.get(f"/admin/users/{admin.id + 999}").status_code == 404


# --- removing a role -------------------------------------------------------------------------------------


def test_an_admin_removes_a_role_and_it_is_audited(client: FlaskClient, admin: User, fund: Fund) -> None:
    person = UserFactory(full_name="Owen Price")
    keep = RoleAssignmentFactory(user=person, role=StaffRole.ASSESSOR)
    remove = RoleAssignmentFactory(user=person, role=StaffRole.FUND_MANAGER, fund_id=fund.id)
    url = f"/admin/users/{person.id}"
    token = csrf_token(client, url)
    response = client.post(f"{url}/roles/{remove.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    assert _roles(person) == {(keep.role, None, None)}
    [event] = _events("role.removed", person)
    assert (event.actor_id, event.data["role"], event.data["fund_id"]) == (admin.id, "fund_manager", fund.id)
    assert "The fund manager role has been removed from Owen Price." in client.get(url).get_data(as_text=True)


def test_the_last_admin_cannot_remove_their_own_admin_role(client: FlaskClient, admin: User) -> None:
    [assignment] = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == admin.id))
    other_admins = db.session.scalar(
        sa.select(sa.func.count()).select_from(RoleAssignment).where(RoleAssignment.role == StaffRole.ADMIN)
    )
    assert other_admins == 1
    url = f"/admin/users/{admin.id}"
    response = client.post(f"{url}/roles/{assignment.id}/remove", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert _roles(admin) == {(StaffRole.ADMIN, None, None)}
    assert "You cannot remove the last admin" in client.get(url).get_data(as_text=True)


def test_a_role_belonging_to_someone_else_cannot_be_removed_through_another_persons_page(
    client: FlaskClient, admin: User
) -> None:
    person = UserFactory()
    other = staff_user(StaffRole.ASSESSOR)
    [assignment] = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == other.id))
    url = f"/admin/users/{person.id}"
    response = client.post(f"{url}/roles/{assignment.id}/remove", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 404
    assert _roles(other) == {(StaffRole.ASSESSOR, None, None)}


def test_removing_a_role_without_a_csrf_token_changes_nothing(client: FlaskClient, admin: User) -> None:
    person = staff_user(StaffRole.ASSESSOR)
    [assignment] = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == person.id))
    response = client.post(f"/admin/users/{person.id}/roles/{assignment.id}/remove")
    assert response.status_code == 400
    assert _roles(person) == {(StaffRole.ASSESSOR, None, None)}


def test_names_people_typed_are_shown_as_text_not_markup(client: FlaskClient, admin: User) -> None:
    UserFactory(full_name='<script>alert("hi")</script>')
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


# --- funds ------------------------------------------------------------------------------------------------


def test_an_admin_creates_a_fund_and_it_is_audited(client: FlaskClient, admin: User) -> None:
    response = post_form(
        client, "/admin/funds/new", {"code": "yvf", "name": "Young Voices Fund", "description": "For youth groups"}
    )
    assert response.status_code == 302
    fund = db.session.scalar(sa.select(Fund).where(Fund.code == "YVF"))
    assert fund is not None and (fund.name, fund.description) == ("Young Voices Fund", "For youth groups")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "fund.created"))
    assert event is not None and event.actor_id == admin.id
    assert "Young Voices Fund (YVF) has been created" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "name": "A fund"}, "Enter a code for the fund"),
        (
            {"code": "SEF 7!", "name": "A fund"},
            "Enter a code of up to 20 capital letters, digits and hyphens, like SEF or SEF-6",
        ),
        ({"code": "NEW", "name": ""}, "Enter the fund's name"),
        ({"code": "NEW", "name": "x" * 201}, "The name must be 200 characters or fewer"),
    ],
)
def test_a_fund_with_bad_details_is_refused_at_the_field_keeping_what_was_typed(
    client: FlaskClient, admin: User, data: dict[str, str], message: str
) -> None:
    response = post_form(client, "/admin/funds/new", data)
    assert response.status_code == 200
    assert error_summary(response) == [message]
    page = response.get_data(as_text=True)
    for typed in (value for value in data.values() if value):
        assert f'value="{typed}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Fund)) == 0


def test_a_taken_fund_code_is_refused(client: FlaskClient, admin: User, fund: Fund) -> None:
    response = post_form(client, "/admin/funds/new", {"code": fund.code, "name": "Another"})
    assert error_summary(response) == [f"There is already a fund with the code {fund.code}"]


def test_only_admins_create_funds(client: FlaskClient, db_session: object) -> None:
    assert client.get("/admin/funds/new").status_code == 302  # to sign in
    sign_in(client, staff_user(StaffRole.FUND_MANAGER))
    assert client.get("/admin/funds/new").status_code == 403
