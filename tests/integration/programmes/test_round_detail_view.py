"""The staff page for a call: who may see it, and what it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from flask.testing import FlaskClient

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.core.clock import london_to_utc
from fundapp.programmes.models import Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.services import (
    CriterionSpec,
    DescriptorSpec,
    ThemeSpec,
    TierSpec,
    create_round,
    load_question_set,
    open_round,
)
from tests.factories import FundFactory, RoundFactory, UserFactory, applicant_with_organisation, staff_user
from tests.helpers import sign_in


@pytest.fixture()
def round_(db_session: object) -> Round:
    fund = FundFactory(name="Shared Endeavour Fund", code="SEF")
    round_ = create_round(
        actor=None,
        fund=fund,
        code="SEF-6",
        name="Shared Endeavour Fund Call 6",
        opens_at=london_to_utc(date(2026, 3, 2), time(12, 0)),
        closes_at=london_to_utc(date(2026, 4, 13), time(12, 0)),
        budget_pence=87_500_000,
        tiers=[
            TierSpec("Tier 1", 1_000_000, 2_500_000),
            TierSpec("Tier 3", 5_000_100, 10_000_000, match_funding_percent=50),
        ],
        themes=[ThemeSpec("Building psychosocial resilience", "Helping people cope with pressure.")],
        criteria=[
            CriterionSpec("Need and evidence", 60, 1, 5, "Is the need clear?", [DescriptorSpec(5, "Strong")]),
            CriterionSpec("Value for money", 40, 1, 5),
        ],
    )
    load_question_set(actor=None, round_=round_, data=default_question_set())
    open_round(actor=None, round_=round_)
    return round_


def _url(round_: Round) -> str:
    return f"/staff/calls/{round_.id}"


ALLOWED: dict[str, Callable[[Round], User]] = {
    "admin": lambda r: staff_user(StaffRole.ADMIN),
    "fund manager of the fund": lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=r.fund_id),
    "fund manager of the call": lambda r: staff_user(StaffRole.FUND_MANAGER, round_id=r.id),
    "system-wide fund manager": lambda r: staff_user(StaffRole.FUND_MANAGER),
    "finance officer": lambda r: staff_user(StaffRole.FINANCE_OFFICER),
    "finance officer of the fund": lambda r: staff_user(StaffRole.FINANCE_OFFICER, fund_id=r.fund_id),
}

REFUSED: dict[str, tuple[Callable[[Round], User], int]] = {
    "fund manager of another fund": (lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id), 403),
    "fund manager of another call": (lambda r: staff_user(StaffRole.FUND_MANAGER, round_id=RoundFactory().id), 403),
    "assessor of the call": (lambda r: staff_user(StaffRole.ASSESSOR, round_id=r.id), 403),
    "applicant": (lambda r: applicant_with_organisation()[0], 404),
    "person with no roles": (lambda r: UserFactory(), 404),
}


@pytest.mark.parametrize("who", list(ALLOWED))
def test_staff_who_run_or_pay_for_the_call_see_its_page(client: FlaskClient, round_: Round, who: str) -> None:
    sign_in(client, ALLOWED[who](round_))
    assert client.get(_url(round_)).status_code == 200


@pytest.mark.parametrize("who", list(REFUSED))
def test_other_people_are_refused_staff_with_403_and_applicants_with_404(
    client: FlaskClient, round_: Round, who: str
) -> None:
    make_user, status = REFUSED[who]
    sign_in(client, make_user(round_))
    assert client.get(_url(round_)).status_code == status


def test_a_visitor_is_asked_to_sign_in(client: FlaskClient, round_: Round) -> None:
    response = client.get(_url(round_))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_an_unknown_call_is_not_found(client: FlaskClient, round_: Round) -> None:
    sign_in(client, staff_user(StaffRole.ADMIN))
    assert client.get(f"/staff/calls/{round_.id + 999}").status_code == 404


def test_the_page_shows_the_set_up_of_the_call_in_london_time(client: FlaskClient, round_: Round) -> None:
    sign_in(client, staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id))
    page = client.get(_url(round_)).get_data(as_text=True)
    for text in (
        "Shared Endeavour Fund Call 6",
        "SEF-6",
        "Open for applications",
        "2 March 2026 at midday",
        "13 April 2026 at midday",  # BST by then: stored as 11:00 UTC, shown as London midday
        "£875,000",
        "£50,001",
        "£100,000",
        "50%",
        "Building psychosocial resilience",
        "Need and evidence",
        "60%",
        "5 – Strong",
        "1 to 5",
        "Shared Endeavour Fund application form",
        "Safeguarding",
        "Upload your safeguarding policy",
        "File upload",
        "Budget table",
        "Optional",
    ):
        assert text in page, text


def test_a_draft_call_lists_what_it_needs_before_it_can_open(client: FlaskClient, db_session: object) -> None:
    draft = RoundFactory()
    sign_in(client, staff_user(StaffRole.ADMIN))
    page = client.get(_url(draft)).get_data(as_text=True)
    assert "Before this call can open" in page
    assert "Add at least one tier (grant size)" in page
    assert "Add an application form (question set)" in page


def test_the_home_page_links_to_the_call_with_its_status(client: FlaskClient, round_: Round) -> None:
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER))
    page = client.get("/").get_data(as_text=True)
    assert _url(round_) in page
    assert "Open for applications" in page


def test_the_call_page_links_to_screening_once_applications_are_submitted(client: FlaskClient, round_: Round) -> None:
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)
    sign_in(client, manager)
    assert "eligibility screening" not in client.get(f"/staff/calls/{round_.id}").get_data(as_text=True)
    round_.last_application_number = 3
    from fundapp.extensions import db

    db.session.flush()
    page = client.get(f"/staff/calls/{round_.id}").get_data(as_text=True)
    assert f'href="/staff/calls/{round_.id}/screening"' in page
    assert "(3 submitted)" in page
