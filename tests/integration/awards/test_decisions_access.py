"""Who can reach the decision pages, URL by URL and role by role.

The call's fund managers (and admins) see and do everything; its finance officers see the decisions page and each
application's decision, but decide nothing and get 403 on the bulk approval and publishing pages. Other staff
(assessors, other funds' managers and finance officers) are refused the call's pages (403: staff know calls exist)
and get 404 for one application's decision page, like its other staff pages. Applicants get 404 everywhere;
visitors who are not signed in are sent to sign in. A refused request changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.awards.models import Award, Decision
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.factories import AssessmentFactory, FundFactory, RoundFactory, UserFactory, staff_user
from tests.helpers import IsolatedClient, hidden_fields, sign_in_as
from tests.integration.awards.decisions_setup import scored_decision_round


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # formatted with the ids of the `world` fixture
    data: dict[str, str] = field(default_factory=dict)
    manager: int = 200  # what the call's fund manager gets
    finance: int = 200  # what the call's finance officer gets
    other_staff: int = 403  # what staff without a role on the call get (and the call's assessors)

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


ROWS = [
    Row("awards.decisions", "GET", "/staff/calls/{round}/decisions"),
    Row("awards.decide", "GET", "/staff/calls/{round}/decisions/{first}", other_staff=404),
    Row(
        "awards.decide",
        "POST",
        "/staff/calls/{round}/decisions/{first}",
        {"outcome": "approved", "amount": "£20,000"},
        manager=302,
        finance=403,
        other_staff=404,
    ),
    # Nothing has been decided yet: the manager is told so (422), nothing changes.
    Row(
        "awards.withdraw_decision",
        "POST",
        "/staff/calls/{round}/decisions/{first}/withdraw",
        {"reason": "Decided in error"},
        manager=422,
        finance=403,
        other_staff=404,
    ),
    Row("awards.approve_above_line", "GET", "/staff/calls/{round}/decisions/approve-above-line", finance=403),
    Row(
        "awards.approve_above_line",
        "POST",
        "/staff/calls/{round}/decisions/approve-above-line",
        {"fingerprint": "{fingerprint}"},
        manager=302,
        finance=403,
    ),
    Row("awards.publish_outcomes", "GET", "/staff/calls/{round}/decisions/publish", finance=403),
    # Nothing can be published yet (undecided applications): the manager is told why (422), nothing changes.
    Row("awards.publish_outcomes", "POST", "/staff/calls/{round}/decisions/publish", manager=422, finance=403),
]

STAFF_OUTSIDERS = [
    "assessor of the application",
    "assessor of another call",
    "fund manager of another fund",
    "finance officer of another fund",
]
APPLICANTS = ["owner of the applying organisation", "applicant with no organisation"]


@pytest.fixture()
def world(db_session: Any) -> dict[str, Any]:
    """A call with three moderated, scored applications (two above the funding line), its fund manager and finance
    officer; an assessor who scored the first; and another fund."""
    setup = scored_decision_round()
    first, second, _third = setup.applications
    assessor = AssessmentFactory(application=first, submitted=True).assessor
    return {
        "setup": setup,
        "assessor": assessor,
        "other_fund": FundFactory().id,
        "ids": {"round": setup.round.id, "first": first.id, "fingerprint": f"{first.id},{second.id}"},
    }


def _person(who: str, world: dict[str, Any]) -> User:
    setup = world["setup"]
    return {
        "assessor of the application": lambda: world["assessor"],
        "assessor of another call": lambda: staff_user(StaffRole.ASSESSOR, round_id=RoundFactory().id),
        "fund manager of another fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=world["other_fund"]),
        "finance officer of another fund": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=world["other_fund"]),
        "owner of the applying organisation": lambda: setup.applicants[0],
        "applicant with no organisation": UserFactory,
        "finance officer of the call": lambda: setup.finance,
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
        data = {name: value.format(**world["ids"]) for name, value in row.data.items()}
        response = client.post(path, data={"csrf_token": token, **data})
    response.get_data()
    return response


def _nothing_changed(world: dict[str, Any]) -> None:
    db.session.expire_all()
    setup = world["setup"]
    round_ = db.session.get(Round, setup.round.id)
    assert (round_.committed_pence, round_.outcomes_published_at) == (0, None)
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    statuses = {db.session.get(type(a), a.id).status for a in setup.applications}
    assert statuses == {ApplicationStatus.MODERATED}


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
def test_staff_without_a_say_in_the_calls_decisions_are_refused(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    sign_in_as(client, _person(who, world))
    response = _send(client, row, world)
    assert response.status_code == row.other_staff
    assert world["setup"].applications[0].organisation.name not in response.get_data(as_text=True)
    _nothing_changed(world)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_a_finance_officer_of_the_call_sees_the_decisions_but_decides_nothing(
    client: IsolatedClient, world: dict[str, Any], row: Row
) -> None:
    sign_in_as(client, _person("finance officer of the call", world))
    assert _send(client, row, world).status_code == row.finance
    _nothing_changed(world)


@pytest.mark.parametrize("who", ["fund manager of the call", "admin"])
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_the_calls_fund_managers_and_admins_reach_everything(
    client: IsolatedClient, world: dict[str, Any], row: Row, who: str
) -> None:
    sign_in_as(client, _person(who, world))
    assert _send(client, row, world).status_code == row.manager


def test_every_decision_route_is_in_this_table(app: Any) -> None:
    mine = {"decisions", "decide", "approve_above_line", "publish_outcomes"}
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint.removeprefix("awards.") in mine
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (rule.endpoint, method) not in covered
    ]
    assert missing == []
