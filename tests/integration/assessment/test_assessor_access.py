"""Who can reach the assessor's pages, URL by URL: an assignment's pages (conflict check, scorecard, reopen, files)
are its assessor's alone; everyone else gets a 404, so nobody learns which applications an assessor has. The
dashboard and the connections pages are for assessors (403 for others); a connection is its assessor's alone.

ARCHITECTURE: 404 for what a user may not know exists; 403 for what they know of but may not do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.assessment.models import Assessment, Connection
from fundapp.assessment.states import AssessmentStatus
from tests.factories import (
    AssessmentFactory,
    AttachmentFactory,
    ConnectionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
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
    assessor: int = 200  # the assessor whose assignment it is (the control)
    applicant: int = 404  # a member of the applying organisation
    fund_manager: int = 404  # a fund manager of the call: they see scores on their own pages
    other_assessor: int = 404  # another assessor of the same call, assessing the same application

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


ROWS = [
    Row("assessment.dashboard", "GET", "/assessments", applicant=403, fund_manager=403, other_assessor=200),
    Row("assessment.conflict", "GET", "/assessments/{assigned}/conflict"),
    Row("assessment.conflict", "POST", "/assessments/{assigned}/conflict", {"conflict": "no"}, assessor=302),
    Row("assessment.scorecard", "GET", "/assessments/{in_progress}"),
    Row(
        "assessment.scorecard",
        "POST",
        "/assessments/{in_progress}",
        {"version": "{in_progress_version}", "action": "save", "comment": "Written by someone else"},
        assessor=302,
    ),
    Row("assessment.reopen", "POST", "/assessments/{submitted}/reopen", assessor=302),
    Row("assessment.download_file", "GET", "/assessments/{in_progress}/files/{file}"),
    Row(
        "assessment.connections",
        "GET",
        "/assessments/connections",
        applicant=403,
        fund_manager=403,
        other_assessor=200,
    ),
    Row(
        "assessment.connections",
        "POST",
        "/assessments/connections",
        {"organisation": "{unrelated_organisation}", "kind": "volunteer", "details": "I help at their food bank."},
        assessor=302,
        applicant=403,
        fund_manager=403,
        other_assessor=302,  # declaring their own connection
    ),
    Row(
        "assessment.remove_connection",
        "POST",
        "/assessments/connections/{connection}/remove",
        assessor=302,
        applicant=403,
        fund_manager=403,
    ),
]


@pytest.fixture()
def world(db_session: Any) -> dict[str, Any]:
    """Assessor A has an assignment not yet checked for conflicts, one in progress (with a file) and one
    submitted; B assesses the in-progress one's application too; C declared a conflict with it. A has declared a
    connection with another organisation."""
    setup = make_assessment_round(applications=4, assessors=3)
    a, b, c = setup.assessors
    apps = setup.applications
    assigned = AssessmentFactory(application=apps[0], assessor=a)
    in_progress = AssessmentFactory(application=apps[1], assessor=a, in_progress=True)
    submitted = AssessmentFactory(application=apps[2], assessor=a, submitted=True)
    AssessmentFactory(application=apps[1], assessor=b, in_progress=True)
    conflicted = AssessmentFactory(application=apps[1], assessor=c, conflicted=True)
    applicant = MembershipFactory(organisation=apps[1].organisation).user
    return {
        "round": setup.round,
        "assessor": a,
        "other_assessor": b,
        "conflicted_assessor": c,
        "applicant": applicant,
        "manager": setup.manager,
        "applications": apps,
        "ids": {
            "assigned": assigned.id,
            "in_progress": in_progress.id,
            "in_progress_version": in_progress.version,
            "submitted": submitted.id,
            "conflicted": conflicted.id,
            "file": AttachmentFactory(application=apps[1]).id,
            "conflicted_file": AttachmentFactory(application=apps[1]).id,
            "connection": ConnectionFactory(assessor=a, organisation=OrganisationFactory()).id,
            "unrelated_organisation": apps[3].organisation_id,
        },
    }


def _who(who: str, world: dict[str, Any]) -> User:
    if who == "fund_manager":
        return staff_user(StaffRole.FUND_MANAGER, fund_id=world["round"].fund_id)
    return world[who]  # type: ignore[no-any-return]


def _request(client: IsolatedClient, method: str, path: str, data: dict[str, str] | None = None) -> Any:
    """GET, or POST with a valid form token of this browser's session (so only the access rules can refuse)."""
    if method == "GET":
        response = client.get(path)
    else:
        token = hidden_fields(client.get("/sign-in"))["csrf_token"]
        response = client.post(path, data={"csrf_token": token, **(data or {})})
    response.get_data()
    response.close()  # file downloads stream from an open file
    return response


def _send(client: IsolatedClient, row: Row, world: dict[str, Any]) -> Any:
    ids = world["ids"]
    data = {key: value.format(**ids) for key, value in row.data.items()}
    return _request(client, row.method, row.path.format(**ids), data)


def _snapshot(db_session: Any, world: dict[str, Any]) -> list[Any]:
    """What any of these URLs could change about assessor A's work."""
    db_session.expire_all()
    assessor_id = world["assessor"].id
    assessments = db_session.scalars(
        sa.select(Assessment).where(Assessment.assessor_id == assessor_id).order_by(Assessment.id)
    ).all()
    connections = db_session.scalars(sa.select(Connection.id).where(Connection.assessor_id == assessor_id)).all()
    return [[(a.id, a.status, a.version, a.comment) for a in assessments], sorted(connections)]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_assessor_reaches_every_url_of_their_own_work(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    sign_in_as(client, world["assessor"])
    assert _send(client, row, world).status_code == row.assessor


@pytest.mark.parametrize("who", ["applicant", "fund_manager", "other_assessor"])
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_nobody_else_reaches_an_assessors_work_or_changes_it(
    client: IsolatedClient, world: dict[str, Any], db_session: Any, row: Row, who: str
) -> None:
    before = _snapshot(db_session, world)
    sign_in_as(client, _who(who, world))
    assert _send(client, row, world).status_code == getattr(row, who)
    assert _snapshot(db_session, world) == before


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, world: dict[str, Any], db_session: Any, row: Row
) -> None:
    before = _snapshot(db_session, world)
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert _snapshot(db_session, world) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/assessments/{conflicted}/conflict"),
        ("POST", "/assessments/{conflicted}/conflict"),
        ("GET", "/assessments/{conflicted}"),
        ("POST", "/assessments/{conflicted}"),
        ("POST", "/assessments/{conflicted}/reopen"),
        ("GET", "/assessments/{conflicted}/files/{conflicted_file}"),
    ],
)
def test_an_assessor_who_declared_a_conflict_can_no_longer_open_the_application_or_its_files(
    client: IsolatedClient, world: dict[str, Any], method: str, path: str
) -> None:
    sign_in_as(client, world["conflicted_assessor"])
    assert _request(client, method, path.format(**world["ids"]), {"conflict": "no"}).status_code == 404


def test_an_unassigned_assessor_can_no_longer_open_the_scorecard(client: IsolatedClient, world: dict[str, Any]) -> None:
    unassigned = AssessmentFactory(
        application=world["applications"][3], assessor=world["other_assessor"], status=AssessmentStatus.UNASSIGNED
    )
    sign_in_as(client, world["other_assessor"])
    assert _request(client, "GET", f"/assessments/{unassigned.id}").status_code == 404


def test_an_assessor_who_belongs_to_the_organisation_never_sees_the_scorecard(
    client: IsolatedClient, world: dict[str, Any], db_session: Any
) -> None:
    assessment = db_session.get(Assessment, world["ids"]["in_progress"])
    MembershipFactory(user=world["assessor"], organisation=assessment.application.organisation)
    sign_in_as(client, world["assessor"])
    assert _request(client, "GET", f"/assessments/{assessment.id}").status_code == 404
    assert _request(client, "GET", f"/assessments/{assessment.id}/files/{world['ids']['file']}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/assessments/999999"),  # an assessment that does not exist
        ("GET", "/assessments/999999/conflict"),
        ("GET", "/assessments/{in_progress}/files/999999"),
        ("POST", "/assessments/connections/999999/remove"),
    ],
)
def test_guessing_addresses_finds_nothing(
    client: IsolatedClient, world: dict[str, Any], method: str, path: str
) -> None:
    sign_in_as(client, world["assessor"])
    assert _request(client, method, path.format(**world["ids"])).status_code == 404


def test_an_applicant_with_no_staff_role_is_refused_the_assessor_pages(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    sign_in_as(client, UserFactory())
    assert _request(client, "GET", "/assessments").status_code == 403
    assert _request(client, "GET", "/assessments/connections").status_code == 403
    assert _request(client, "GET", f"/assessments/{world['ids']['in_progress']}").status_code == 404


def test_every_assessor_url_is_in_this_table(app: Flask) -> None:
    covered = {(row.endpoint, row.method) for row in ROWS}
    assessor_endpoints = {
        "assessment.dashboard",
        "assessment.conflict",
        "assessment.scorecard",
        "assessment.reopen",
        "assessment.download_file",
        "assessment.connections",
        "assessment.remove_connection",
    }
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.endpoint in assessor_endpoints
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in covered
    ]
    assert missing == []
