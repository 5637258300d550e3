"""Who can reach the pages that run a call's assessment, URL by URL (with real objects owned by someone else).

As on the screening pages: a call's pages answer 404 to people who are not staff and 403 to staff without a role
on the call; an application's pages answer 404 to anyone who may not see the application (staff of other calls
and the call's assessors included). The call's finance officers see the pages; only its fund managers and admins
change anything (403 for the others who may see). Refused requests change nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import RoleAssignment, User
from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import Assessment
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.factories import (
    AssessmentFactory,
    FundFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    UserFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import IsolatedClient, hidden_fields, sign_in_as
from tests.integration.assessment.conftest import make_assessment_round


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # formatted with the ids of the `world` fixture
    data: dict[str, str] = field(default_factory=dict)
    about: str = "call"  # "call" or "application": which 404/403 rule applies to outsiders
    finance: int = 200  # what a finance officer of the fund gets
    manager: int = 200  # what a fund manager of the fund (or an admin) gets

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


ROWS = [
    Row("assessment.round_assessment", "GET", "/staff/calls/{round}/assessment"),
    Row("assessment.auto_assign", "POST", "/staff/calls/{round}/assessment/auto-assign", finance=403, manager=302),
    Row("assessment.send_reminders", "POST", "/staff/calls/{round}/assessment/reminders", finance=403, manager=302),
    Row("assessment.pool", "GET", "/staff/calls/{round}/assessors"),
    Row(
        "assessment.pool",
        "POST",
        "/staff/calls/{round}/assessors",
        {"email": "new.assessor@example.org"},
        finance=403,
        manager=302,
    ),
    Row(
        "assessment.remove_from_pool",
        "POST",
        "/staff/calls/{round}/assessors/{idle_assessor}/remove",
        finance=403,
        manager=302,
    ),
    Row("assessment.application_assessors", "GET", "/staff/applications/{application}/assessors", about="application"),
    Row(
        "assessment.application_assessors",
        "POST",
        "/staff/applications/{application}/assessors",
        {"assessor": "{free_assessor}"},
        about="application",
        finance=403,
        manager=302,
    ),
    Row(
        "assessment.unassign",
        "POST",
        "/staff/assessments/{assessment}/unassign",
        about="application",
        finance=403,
        manager=302,
    ),
    Row("programmes.round_assessment_settings", "GET", "/staff/calls/{round}/assessment-settings", finance=403),
    Row(
        "programmes.round_assessment_settings",
        "POST",
        "/staff/calls/{round}/assessment-settings",
        {
            "assessors_per_application": "3",
            "spread_points": "2",
            "spread_percent": "15",
            "min_fundable_percent": "50",
            "blind_review": "yes",
            "allow_not_applicable": "no",
        },
        finance=403,
        manager=302,
    ),
]

# Who may not reach anything here, with what they get on a call's pages and on an application's pages.
OUTSIDERS: dict[str, tuple[Callable[[dict[str, Any]], User], int, int]] = {
    "applicant": (lambda w: applicant_with_organisation()[0], 404, 404),
    "member of the applying organisation": (lambda w: w["applicant"], 404, 404),
    "assessor of the call (assigned to the application)": (lambda w: w["assigned_assessor"], 403, 404),
    "assessor of another call": (lambda w: staff_user(StaffRole.ASSESSOR, round_id=w["other_round"].id), 403, 404),
    "fund manager of another fund": (lambda w: staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id), 403, 404),
    "finance officer of another fund": (
        lambda w: staff_user(StaffRole.FINANCE_OFFICER, fund_id=FundFactory().id),
        403,
        404,
    ),
}


@pytest.fixture()
def world(db_session: Any) -> dict[str, Any]:
    """A closed call with two applications and three assessors: the first assigned to the first application, the
    second free to take it, the third with no work (so they can be removed); and another call of another fund."""
    setup = make_assessment_round(applications=2, assessors=3)
    application = setup.applications[0]
    application.status = ApplicationStatus.IN_ASSESSMENT
    assessment = AssessmentFactory(application=application, assessor=setup.assessors[0])
    UserFactory(email="new.assessor@example.org")
    other = make_assessment_round(applications=1, assessors=1)
    return {
        "setup": setup,
        "round": setup.round,
        "other_round": other.round,
        "applicant": MembershipFactory(organisation=application.organisation).user,
        "assigned_assessor": setup.assessors[0],
        "ids": {
            "round": setup.round.id,
            "application": application.id,
            "assessment": assessment.id,
            "free_assessor": setup.assessors[1].id,
            "idle_assessor": setup.assessors[2].id,
        },
    }


def _send(client: IsolatedClient, row: Row, world: dict[str, Any]) -> Any:
    path = row.path.format(**world["ids"])
    if row.method == "GET":
        return client.get(path)
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    data = {key: value.format(**world["ids"]) for key, value in row.data.items()}
    return client.post(path, data={"csrf_token": token, **data})


def _snapshot(round_id: int) -> tuple[Any, ...]:
    """What any of these pages could change: assessments, roles, emails and the call's settings."""
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    assert round_ is not None
    return (
        sorted((a.id, a.status.value) for a in db.session.scalars(sa.select(Assessment))),
        db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))),
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
        (round_.assessors_per_application, round_.blind_review, round_.status.value),
    )


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    before = _snapshot(world["round"].id)
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert _snapshot(world["round"].id) == before


@pytest.mark.parametrize("who", list(OUTSIDERS))
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_people_without_a_role_on_the_calls_assessment_are_refused_and_change_nothing(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    make_user, on_call, on_application = OUTSIDERS[who]
    sign_in_as(client, make_user(world))
    before = _snapshot(world["round"].id)
    response = _send(client, row, world)
    assert response.status_code == (on_call if row.about == "call" else on_application)
    assert world["setup"].applications[0].organisation.name not in response.get_data(as_text=True)
    assert _snapshot(world["round"].id) == before


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_finance_officer_of_the_fund_sees_the_pages_but_changes_nothing(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=world["round"].fund_id))
    before = _snapshot(world["round"].id)
    assert _send(client, row, world).status_code == row.finance
    assert _snapshot(world["round"].id) == before


@pytest.mark.parametrize(
    "make_manager",
    [
        lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=r.fund_id),
        lambda r: staff_user(StaffRole.FUND_MANAGER, round_id=r.id),
        lambda r: staff_user(StaffRole.ADMIN),
    ],
    ids=["fund manager of the fund", "fund manager of the call", "admin"],
)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_calls_fund_managers_and_admins_reach_every_page_and_action(
    client: IsolatedClient, world: dict[str, Any], row: Row, make_manager: Callable[[Round], User]
) -> None:
    sign_in_as(client, make_manager(world["round"]))
    assert _send(client, row, world).status_code == row.manager


def test_an_assessor_of_one_call_reaches_nothing_of_another_calls_assessment(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    """Assessor of call Y with work to do there: call X's pages are refused, and so are Y's own manage pages."""
    other = world["other_round"]
    mine = AssessmentFactory(application=make_assessment_round(applications=1).applications[0])
    assessor = staff_user(StaffRole.ASSESSOR, round_id=other.id)
    sign_in_as(client, assessor)
    before = _snapshot(world["round"].id)
    for row in ROWS:
        expected = 403 if row.about == "call" else 404
        assert _send(client, row, world).status_code == expected, row
    assert _snapshot(world["round"].id) == before
    sign_in_as(client, mine.assessor)
    assert client.get(f"/staff/calls/{mine.round_id}/assessment").status_code == 403
    assert client.get(f"/staff/applications/{mine.application_id}/assessors").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/staff/calls/999999/assessment"),
        ("GET", "/staff/calls/999999/assessors"),
        ("POST", "/staff/calls/999999/assessment/auto-assign"),
        ("POST", "/staff/calls/{round}/assessors/999999/remove"),
        ("GET", "/staff/applications/999999/assessors"),
        ("POST", "/staff/assessments/999999/unassign"),
    ],
)
def test_addresses_that_do_not_exist_are_not_found(
    client: IsolatedClient, world: dict[str, Any], method: str, path: str
) -> None:
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=world["round"].fund_id))
    row = Row("-", method, path)
    assert _send(client, row, world).status_code == 404


def test_an_application_of_another_call_is_hidden_from_this_calls_fund_manager(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    other_application = make_assessment_round(applications=1).applications[0]
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, round_id=world["round"].id))
    assert client.get(f"/staff/applications/{other_application.id}/assessors").status_code == 404


def test_a_member_of_the_applying_organisation_who_is_staff_elsewhere_never_sees_its_assessors_or_scores(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    """They may see their own application, so its existence is no secret (403), but never who scored it or how."""
    member = world["applicant"]
    RoleAssignmentFactory(user=member, role=StaffRole.FUND_MANAGER, fund_id=world["other_round"].fund_id)
    sign_in_as(client, member)
    response = client.get(f"/staff/applications/{world['ids']['application']}/assessors")
    assert response.status_code == 403
    assert world["assigned_assessor"].full_name not in html.unescape(response.get_data(as_text=True))
