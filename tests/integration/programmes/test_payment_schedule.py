"""A call's payment schedule page: fund managers set up to six payments (a name, a share and when each is paid),
prefilled from the call; blank rows are ignored; each problem with a row is shown at its field and problems with the
schedule as a whole at the table, with what was typed kept; awards already made keep the schedule they were offered.
And who may reach it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.payment_schedule import default_template_json
from tests.factories import AwardFactory, FundFactory, RoundFactory, applicant_with_organisation, staff_user
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.integration.awards.offers import events


@pytest.fixture()
def call(db_session: Any) -> Round:
    return RoundFactory(fund=FundFactory(), name="Shared Endeavour Fund Call 6")


@pytest.fixture()
def manager(client: IsolatedClient, call: Round) -> Any:
    user = staff_user(StaffRole.FUND_MANAGER, fund_id=call.fund_id)
    sign_in_as(client, user)
    return user


def _url(call: Round) -> str:
    return f"/staff/calls/{call.id}/payment-schedule"


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _rows(*rows: tuple[str, str, str]) -> dict[str, str]:
    data = {}
    for index, (label, percent, trigger) in enumerate(rows):
        data |= {f"tranches-{index}-label": label, f"tranches-{index}-percent": percent}
        data[f"tranches-{index}-trigger"] = trigger
    return data


def _post(client: IsolatedClient, call: Round, data: dict[str, str]) -> Any:
    token = hidden_fields(client.get("/account"))["csrf_token"]
    return client.post(_url(call), data={"csrf_token": token, **data})


def test_the_page_is_prefilled_with_the_calls_schedule_and_says_awards_keep_theirs(
    client: IsolatedClient, call: Round, manager: Any
) -> None:
    response = client.get(_url(call))
    assert response.status_code == 200
    assert page_title(response).startswith("Payment schedule: Shared Endeavour Fund Call 6")
    page = response.get_data(as_text=True)
    assert re.search(r'name="tranches-0-label"[^>]*value="First payment"', page)
    assert re.search(r'name="tranches-1-percent"[^>]*value="40"', page)
    assert re.search(r'<option value="final_report" selected>', page)
    assert 'name="tranches-5-label"' in page and 'name="tranches-6-label"' not in page
    assert "Awards already made keep the schedule they were offered." in _text(response)


def test_saving_a_schedule_ignores_blank_rows_records_the_change_and_leaves_awards_alone(
    client: IsolatedClient, call: Round, manager: Any
) -> None:
    award = AwardFactory(application__round=call)
    before = [(p.label, p.percent, p.amount_pence) for p in award.payments]
    data = _rows(
        ("On signing", "30%", "acceptance"),
        ("", "", ""),
        ("Halfway", " 30 ", "interim_report"),
        ("At the end", "40", "final_report"),
    )
    response = _post(client, call, data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/calls/{call.id}#payment-schedule"
    db.session.expire_all()
    assert db.session.get(Round, call.id).payment_template == [
        {"label": "On signing", "percent": 30, "trigger": "acceptance"},
        {"label": "Halfway", "percent": 30, "trigger": "interim_report"},
        {"label": "At the end", "percent": 40, "trigger": "final_report"},
    ]
    [event] = events("round.payment_template_updated")
    assert event.actor_id == manager.id and event.data["from"] == default_template_json()
    assert [(p.label, p.percent, p.amount_pence) for p in award.payments] == before
    detail = client.get(f"/staff/calls/{call.id}")
    text = _text(detail)
    assert "awards already made keep their schedule" in text
    assert (
        "On signing 30% On acceptance of the grant" in text and "At the end 40% On approval of the final report" in text
    )


def test_saving_the_same_schedule_says_nothing_changed(client: IsolatedClient, call: Round, manager: Any) -> None:
    data = _rows(
        ("First payment", "50", "acceptance"),
        ("Second payment", "40", "interim_report"),
        ("Final payment", "10", "final_report"),
    )
    response = _post(client, call, data)
    assert response.status_code == 302
    assert "The payment schedule has not changed." in _text(client.get(response.headers["Location"]))
    assert events("round.payment_template_updated") == []


LONG_NAME = "The name of payment 1 must be 100 characters or fewer"


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ((("", "50", "acceptance"),), "tranches-0-label", "Enter a name for payment 1"),
        (
            (("X" * 101, "100", "acceptance"),),
            "tranches-0-label",
            "The name of payment 1 must be 100 characters or fewer",
        ),
        ((("All", "all of it", "acceptance"),), "tranches-0-percent", None),
        ((("All", "0", "acceptance"),), "tranches-0-percent", None),
        ((("All", "101", "acceptance"),), "tranches-0-percent", None),
        ((("All", "12.5", "acceptance"),), "tranches-0-percent", None),
        ((("All", "100", ""),), "tranches-0-trigger", "Select when payment 1 is paid"),
        ((("All", "100", "whenever"),), "tranches-0-trigger", "Select when payment 1 is paid"),
    ],
)
def test_a_rows_problem_is_shown_at_its_field_and_what_was_typed_is_kept(
    client: IsolatedClient, call: Round, manager: Any, rows: Any, field: str, message: str | None
) -> None:
    response = _post(client, call, _rows(*rows))
    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    expected = message or "Enter payment 1's share of the award as a whole number from 1 to 100, like 50"
    assert field_error(response, field) == expected
    assert error_summary(response) == [expected]
    page = html.unescape(response.get_data(as_text=True))
    label, percent, _trigger = rows[0]
    if label:
        assert f'value="{label}"' in page
    assert f'value="{percent}"' in page
    db.session.expire_all()
    assert db.session.get(Round, call.id).payment_template == default_template_json()


def test_problems_with_the_whole_schedule_are_listed_at_the_table_with_the_rows_kept(
    client: IsolatedClient, call: Round, manager: Any
) -> None:
    response = _post(client, call, _rows(("Later", "60", "interim_report"), ("Even later", "30", "final_report")))
    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    problems = [
        "The payments must add up to 100% of the award; they add up to 90%",
        "The first payment must be due on acceptance of the grant",
    ]
    assert error_summary(response) == problems
    page = response.get_data(as_text=True)
    assert 'href="#tranches"' in page and 'id="tranches"' in page
    assert all(problem in _text(response) for problem in problems)
    assert re.search(r'name="tranches-0-label"[^>]*value="Later"', page)
    assert re.search(r'name="tranches-1-percent"[^>]*value="30"', page)
    db.session.expire_all()
    assert db.session.get(Round, call.id).payment_template == default_template_json()


def test_an_all_blank_schedule_asks_for_at_least_one_payment(client: IsolatedClient, call: Round, manager: Any) -> None:
    response = _post(client, call, _rows(*[("", "", "")] * 6))
    assert response.status_code == 422
    assert error_summary(response) == ["Add at least one payment"]


# --- who may reach it ---------------------------------------------------------------------------------------


def _send(client: IsolatedClient, call: Round, method: str) -> Any:
    if method == "GET":
        return client.get(_url(call))
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    return client.post(_url(call), data={"csrf_token": token, **_rows(("All of it", "100", "acceptance"))})


def _unchanged(call: Round) -> None:
    db.session.expire_all()
    assert db.session.get(Round, call.id).payment_template == default_template_json()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: IsolatedClient, call: Round, method: str) -> None:
    response = _send(client, call, method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    _unchanged(call)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_applicants_never_learn_the_page_exists(client: IsolatedClient, call: Round, method: str) -> None:
    sign_in_as(client, applicant_with_organisation()[0])
    assert _send(client, call, method).status_code == 404
    _unchanged(call)


@pytest.mark.parametrize(
    "who", ["finance officer of the call's fund", "assessor of the call", "fund manager of another fund"]
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_staff_who_do_not_manage_the_call_are_refused(
    client: IsolatedClient, call: Round, method: str, who: str
) -> None:
    person = {
        "finance officer of the call's fund": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=call.fund_id),
        "assessor of the call": lambda: staff_user(StaffRole.ASSESSOR, round_id=call.id),
        "fund manager of another fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id),
    }[who]()
    sign_in_as(client, person)
    assert _send(client, call, method).status_code == 403
    _unchanged(call)


@pytest.mark.parametrize("who", ["fund manager of the call", "fund manager of the fund", "admin"])
@pytest.mark.parametrize(("method", "expected"), [("GET", 200), ("POST", 302)])
def test_the_calls_fund_managers_and_admins_change_it(
    client: IsolatedClient, call: Round, method: str, expected: int, who: str
) -> None:
    person = {
        "fund manager of the call": lambda: staff_user(StaffRole.FUND_MANAGER, round_id=call.id),
        "fund manager of the fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=call.fund_id),
        "admin": lambda: staff_user(StaffRole.ADMIN),
    }[who]()
    sign_in_as(client, person)
    assert _send(client, call, method).status_code == expected


def test_the_calls_page_links_to_the_schedule_only_for_those_who_can_change_it(
    client: IsolatedClient, call: Round
) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=call.fund_id))
    text = _text(client.get(f"/staff/calls/{call.id}"))
    assert "Payment schedule" in text and "First payment 50% On acceptance of the grant" in text
    assert "Change payment schedule" not in text
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=call.fund_id))
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert f'href="/staff/calls/{call.id}/payment-schedule"' in page
