"""Who can reach moderation and the ranking, URL by URL and role by role.

The call's fund managers (and admins) see and do everything; its finance officers see everything and export the
ranking, but change nothing (403). Other staff, assessors included (even one who scored the application), are
refused the call's pages (403: staff know calls exist) and get 404 for an application's moderation page, like its
other staff pages (an application's existence is the organisation's business). Applicants get 404 everywhere;
visitors who are not signed in are sent to sign in. A refused POST changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.assessment import services
from fundapp.assessment.models import Moderation
from fundapp.assessment.states import ModerationStatus
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus
from tests.factories import FundFactory, MembershipFactory, RoundFactory, UserFactory, staff_user
from tests.helpers import IsolatedClient, hidden_fields, sign_in_as
from tests.integration.assessment.conftest import make_assessment_round
from tests.integration.assessment.moderation_setup import AGREE, DISAGREE, assess


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # formatted with the ids of the `world` fixture
    data: dict[str, str] = field(default_factory=dict)
    manager: int = 200  # what the call's fund manager gets
    other_staff: int = 403  # what staff without a role on the call get (and the call's assessors)

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"

    @property
    def changes(self) -> bool:
        return self.method == "POST"


ROWS = [
    Row("assessment.moderation_queue", "GET", "/staff/calls/{round}/moderation"),
    Row("assessment.start_moderation", "POST", "/staff/calls/{fresh_round}/moderation/start", manager=302),
    Row("assessment.confirm_unflagged", "POST", "/staff/calls/{round}/moderation/confirm-unflagged", manager=302),
    Row("assessment.moderate", "GET", "/staff/applications/{flagged}/moderation", other_staff=404),
    Row(
        "assessment.moderate",
        "POST",
        "/staff/applications/{flagged}/moderation",
        {"note": "The mean stands: the low score missed the evidence on page 3."},
        manager=302,
        other_staff=404,
    ),
    Row("assessment.ranking", "GET", "/staff/calls/{round}/ranking"),
    Row("assessment.ranking_csv", "GET", "/staff/calls/{round}/ranking.csv"),
]

STAFF_OUTSIDERS = [
    "assessor who scored the application",
    "assessor of the call who did not",
    "assessor of another call",
    "fund manager of another fund",
    "finance officer of another fund",
]
APPLICANTS = ["member of the applying organisation", "applicant with no organisation"]


@pytest.fixture()
def world(db_session: Any) -> dict[str, Any]:
    """A call in moderation with one unflagged and one flagged application, and a closed call of the same fund
    where moderation has not started."""
    setup = make_assessment_round(applications=2, assessors=3)
    unflagged, flagged = setup.applications
    assess(setup, unflagged, AGREE)
    scorers = assess(setup, flagged, DISAGREE)
    services.start_moderation(actor=setup.manager, round_=setup.round)
    fresh = RoundFactory(fund=setup.round.fund, status=RoundStatus.CLOSED)
    member = MembershipFactory(organisation=flagged.organisation).user
    scorer_ids = {a.assessor_id for a in scorers}
    other_fund = FundFactory().id
    return {
        "setup": setup,
        "member": member,
        "scorer": next(u for u in setup.assessors if u.id in scorer_ids),
        "idle_assessor": next(u for u in setup.assessors if u.id not in scorer_ids),
        "other_fund": other_fund,
        "ids": {"round": setup.round.id, "fresh_round": fresh.id, "flagged": flagged.id, "unflagged": unflagged.id},
    }


def _person(who: str, world: dict[str, Any]) -> User:
    setup = world["setup"]
    return {
        "assessor who scored the application": lambda: world["scorer"],
        "assessor of the call who did not": lambda: world["idle_assessor"],
        "assessor of another call": lambda: staff_user(StaffRole.ASSESSOR, round_id=RoundFactory().id),
        "fund manager of another fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=world["other_fund"]),
        "finance officer of another fund": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=world["other_fund"]),
        "member of the applying organisation": lambda: world["member"],
        "applicant with no organisation": UserFactory,
        "finance officer of the call": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=setup.round.fund_id),
        "fund manager of the call": lambda: setup.manager,
        "admin": lambda: staff_user(StaffRole.ADMIN),
    }[who]()


def _send(client: IsolatedClient, row: Row, world: dict[str, Any]) -> Any:
    """GET, or POST with a valid form token of this browser's session (so only the access rules can refuse)."""
    path = row.path.format(**world["ids"])
    if row.method == "GET":
        response = client.get(path)
    else:
        token = hidden_fields(client.get("/sign-in"))["csrf_token"]
        response = client.post(path, data={"csrf_token": token, **row.data})
    response.get_data()
    return response


def _nothing_changed(world: dict[str, Any]) -> None:
    db.session.expire_all()
    ids = world["ids"]
    assert db.session.get(Round, ids["fresh_round"]).moderation_started_at is None
    statuses = {
        m.application_id: m.status
        for m in db.session.scalars(sa.select(Moderation).where(Moderation.round_id == ids["round"]))
    }
    assert statuses == {ids["unflagged"]: ModerationStatus.PENDING, ids["flagged"]: ModerationStatus.FLAGGED}
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "moderation.resolved")).all() == []


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    response = _send(client, row, world)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    _nothing_changed(world)


@pytest.mark.parametrize("who", APPLICANTS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_applicants_never_learn_these_pages_exist(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    sign_in_as(client, _person(who, world))
    assert _send(client, row, world).status_code == 404
    _nothing_changed(world)


@pytest.mark.parametrize("who", STAFF_OUTSIDERS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_staff_without_a_say_in_the_calls_assessment_are_refused(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    sign_in_as(client, _person(who, world))
    response = _send(client, row, world)
    assert response.status_code == row.other_staff
    assert world["setup"].applications[1].organisation.name not in response.get_data(as_text=True)
    _nothing_changed(world)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_finance_officer_of_the_call_sees_and_exports_but_changes_nothing(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    sign_in_as(client, _person("finance officer of the call", world))
    assert _send(client, row, world).status_code == (403 if row.changes else 200)
    _nothing_changed(world)


@pytest.mark.parametrize("who", ["fund manager of the call", "admin"])
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_calls_fund_managers_and_admins_reach_everything(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    sign_in_as(client, _person(who, world))
    assert _send(client, row, world).status_code == row.manager


def test_every_moderation_and_ranking_route_is_in_this_table(app: Any) -> None:
    mine = {"moderation_queue", "start_moderation", "confirm_unflagged", "moderate", "ranking", "ranking_csv"}
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint.removeprefix("assessment.") in mine
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in covered
    ]
    assert missing == []


def test_an_application_of_another_call_or_a_draft_has_no_moderation_page(
    client: IsolatedClient, world: dict[str, Any]
) -> None:
    from tests.factories import ApplicationFactory

    sign_in_as(client, world["setup"].manager)
    draft = ApplicationFactory(round=world["setup"].round)
    elsewhere = ApplicationFactory(eligible=True)
    for application_id in (draft.id, elsewhere.id, 999_999):
        assert client.get(f"/staff/applications/{application_id}/moderation").status_code == 404
    assert client.get("/staff/calls/999999/ranking").status_code == 404
