"""Staff pages that set up a call: who may use them, what good and bad input does, locking, opening and closing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.extensions import db
from fundapp.programmes import services
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.question_sets import default_question_set
from fundapp.programmes.states import RoundStatus
from tests.factories import (
    FundFactory,
    RoundFactory,
    ThemeFactory,
    TierFactory,
    UserFactory,
    applicant_with_organisation,
    round_ready_to_open,
    staff_user,
)
from tests.helpers import csrf_token, error_summary, post_form, sign_in


@pytest.fixture()
def fund(db_session: object) -> Fund:
    return FundFactory(name="Shared Endeavour Fund", code="SEF")


@pytest.fixture()
def call(fund: Fund) -> Round:
    return RoundFactory(
        fund=fund,
        code="SEF-6",
        name="Shared Endeavour Fund Call 6",
        opens_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        closes_at=datetime(2026, 4, 13, 11, 0, tzinfo=UTC),  # midday in London (BST)
    )


@pytest.fixture()
def manager(client: FlaskClient, fund: Fund) -> User:
    user = staff_user(StaffRole.FUND_MANAGER, fund_id=fund.id)
    sign_in(client, user)
    return user


def _reload(round_: Round) -> Round:
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored is not None
    return stored


def _field_error(page: str, field: str) -> bool:
    return f'id="{field}-error"' in page


def _details(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "SEF-7",
        "name": "Shared Endeavour Fund Call 7",
        "summary": "Grants for London projects that counter hate and extremism.",
        "opens_on": ["1", "6", "2026"],
        "opens_time": "9am",
        "closes_on": ["13", "7", "2026"],
        "closes_time": "midday",
        "budget": "£875,000",
    }
    data.update(overrides)
    return data


# --- who may use the pages -----------------------------------------------------------------------------

PAGES = ["edit", "tiers", "themes", "eligibility", "application-form", "copy-set-up"]
ACTIONS = ["open", "close", "application-form/default"]

WHO: dict[str, tuple[Callable[[Round], User], int]] = {
    "admin": (lambda r: staff_user(StaffRole.ADMIN), 200),
    "fund manager of the fund": (lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=r.fund_id), 200),
    "fund manager of the call": (lambda r: staff_user(StaffRole.FUND_MANAGER, round_id=r.id), 200),
    "fund manager of another fund": (lambda r: staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id), 403),
    "finance officer of the fund": (lambda r: staff_user(StaffRole.FINANCE_OFFICER, fund_id=r.fund_id), 403),
    "assessor of the call": (lambda r: staff_user(StaffRole.ASSESSOR, round_id=r.id), 403),
    "applicant": (lambda r: applicant_with_organisation()[0], 404),
}


@pytest.mark.parametrize("who", list(WHO))
def test_only_the_calls_managers_and_admins_reach_its_set_up_pages(client: FlaskClient, call: Round, who: str) -> None:
    make_user, status = WHO[who]
    sign_in(client, make_user(call))
    for page in PAGES:
        assert client.get(f"/staff/calls/{call.id}/{page}").status_code == status, page


@pytest.mark.parametrize("who", [w for w, (_make, status) in WHO.items() if status != 200])
def test_people_who_may_not_manage_the_call_cannot_change_it(client: FlaskClient, call: Round, who: str) -> None:
    make_user, status = WHO[who]
    tier = TierFactory(round=call)
    theme = ThemeFactory(round=call)
    sign_in(client, make_user(call))
    token = csrf_token(client, "/account")
    posts = [f"/staff/calls/{call.id}/{action}" for action in [*PAGES, *ACTIONS]]
    posts += [f"/staff/calls/{call.id}/tiers/{tier.id}/remove", f"/staff/calls/{call.id}/themes/{theme.id}/remove"]
    for url in posts:
        assert client.post(url, data={"csrf_token": token, "name": "Changed"}).status_code == status, url
    stored = _reload(call)
    assert (stored.name, stored.status, len(stored.tiers), len(stored.themes)) == (call.name, RoundStatus.DRAFT, 1, 1)


@pytest.mark.parametrize(
    "make_user",
    [lambda: applicant_with_organisation()[0], lambda: staff_user(StaffRole.ASSESSOR), UserFactory],
    ids=["applicant", "assessor", "no roles"],
)
def test_only_fund_managers_may_create_calls(client: FlaskClient, fund: Fund, make_user: Callable[[], User]) -> None:
    sign_in(client, make_user())
    assert client.get("/staff/funds").status_code == 403
    assert client.get("/staff/calls/new").status_code == 403


def test_a_visitor_is_asked_to_sign_in(client: FlaskClient, call: Round) -> None:
    for url in ("/staff/calls/new", f"/staff/calls/{call.id}/tiers"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_an_unknown_tier_is_not_found(client: FlaskClient, manager: User, call: Round) -> None:
    token = csrf_token(client, f"/staff/calls/{call.id}/tiers")
    other = TierFactory()
    assert client.post(f"/staff/calls/{call.id}/tiers/{other.id}/remove", data={"csrf_token": token}).status_code == 404


# --- creating a call -----------------------------------------------------------------------------------


def test_the_home_page_links_fund_managers_to_the_funds_they_can_create_calls_in(
    client: FlaskClient, manager: User, fund: Fund
) -> None:
    FundFactory(name="Someone else's fund")
    assert "/staff/funds" in client.get("/").get_data(as_text=True)
    page = client.get("/staff/funds").get_data(as_text=True)
    assert "Shared Endeavour Fund" in page
    assert f"/staff/calls/new?fund_id={fund.id}" in page
    assert "Someone else&#39;s fund" not in page


def test_finance_officers_are_not_offered_to_create_a_call(client: FlaskClient, call: Round) -> None:
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER))
    # The link to create a call (finance officers do see each fund's dashboards, under /staff/funds/<id>/).
    assert 'href="/staff/funds"' not in client.get("/").get_data(as_text=True)


def test_create_a_call_stores_london_times_in_utc_and_the_budget_in_pence(
    client: FlaskClient, manager: User, fund: Fund
) -> None:
    response = post_form(client, f"/staff/calls/new?fund_id={fund.id}", _details(fund=str(fund.id)))
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Round).where(Round.code == "SEF-7"))
    assert created is not None
    assert response.headers["Location"].endswith(f"/staff/calls/{created.id}")
    assert (created.fund_id, created.status, created.budget_pence) == (fund.id, RoundStatus.DRAFT, 87_500_000)
    assert created.opens_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 9am BST
    assert created.closes_at == datetime(2026, 7, 13, 11, 0, tzinfo=UTC)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "has been created as a draft" in page
    assert "1 June 2026 at 9:00am" in page


def test_create_a_call_preselects_the_fund_chosen_on_the_funds_page(
    client: FlaskClient, manager: User, fund: Fund
) -> None:
    page = client.get(f"/staff/calls/new?fund_id={fund.id}").get_data(as_text=True)
    assert f'<option value="{fund.id}" selected>' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"opens_on": ["31", "2", "2026"]}, "opens_on", "The opening date must be a real date"),
        ({"opens_on": ["1", "", "2026"]}, "opens_on", "The opening date must include a month"),
        ({"closes_on": ["", "", ""]}, "closes_on", "Enter the closing date"),
        ({"closes_on": ["1", "7", "26"]}, "closes_on", "Year must include 4 numbers"),
        ({"opens_time": "25:00"}, "opens_time", "The opening time must be a real time, like 9:30am, 5pm or 17:30"),
        ({"closes_on": ["1", "5", "2026"]}, "closes_on", "The closing date must be after the opening date"),
        ({"budget": "lots"}, "budget", "Enter the budget as an amount in pounds, like £875,000"),
        ({"budget": "0"}, "budget", "The budget must be more than £0"),
        ({"code": "SEF 7"}, "code", "Enter a code of up to 20 capital letters, digits and hyphens, like SEF or SEF-6"),
        ({"code": "SEF-6"}, "code", "There is already a call with the code SEF-6"),
        ({"name": ""}, "name", "Enter the call's name"),
    ],
)
def test_create_a_call_shows_each_mistake_at_its_field_and_keeps_what_was_typed(
    client: FlaskClient, manager: User, fund: Fund, call: Round, overrides: dict[str, object], field: str, message: str
) -> None:
    response = post_form(client, "/staff/calls/new", _details(fund=str(fund.id), **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary(response) == [message]
    assert _field_error(page, field)
    assert "Shared Endeavour Fund Call 7" in page or field == "name"
    assert "£875,000" in page or field == "budget"
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 1


def test_create_a_call_keeps_the_day_month_and_year_as_typed(client: FlaskClient, manager: User, fund: Fund) -> None:
    response = post_form(client, "/staff/calls/new", _details(fund=str(fund.id), opens_on=["31", "Feb", "2026"]))
    page = response.get_data(as_text=True)
    for part, typed in (("day", "31"), ("month", "Feb"), ("year", "2026")):
        assert re.search(rf'id="opens_on-{part}" name="opens_on" type="text" value="{typed}"', page), part


def test_a_fund_manager_cannot_create_a_call_in_another_fund(client: FlaskClient, manager: User) -> None:
    other = FundFactory()
    response = post_form(client, "/staff/calls/new", _details(fund=str(other.id)))
    assert error_summary(response) == ["Select a fund from the list"]
    assert db.session.scalar(sa.select(Round).where(Round.code == "SEF-7")) is None


# --- changing the details ------------------------------------------------------------------------------


def test_the_edit_page_shows_the_stored_times_in_london(client: FlaskClient, manager: User, call: Round) -> None:
    page = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="midday"' in page
    assert 'value="875000"' in page
    assert 'value="13"' in page


def test_edit_call_details_saves_them(client: FlaskClient, manager: User, call: Round) -> None:
    url = f"/staff/calls/{call.id}/edit"
    data = _details(
        code="SEF-6",
        description="Projects that build resilience.",
        project_earliest_start=["1", "9", "2026"],
        project_latest_end=["31", "8", "2027"],
        max_applications_per_organisation="2",
        budget="900000",
    )
    response = post_form(client, url, data)
    assert response.status_code == 302
    stored = _reload(call)
    assert (stored.name, stored.description, stored.budget_pence) == (
        "Shared Endeavour Fund Call 7",
        "Projects that build resilience.",
        90_000_000,
    )
    assert (stored.project_earliest_start, stored.project_latest_end) == (date(2026, 9, 1), date(2027, 8, 31))
    assert stored.max_applications_per_organisation == 2
    assert "details have been saved" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_edit_refuses_a_budget_below_what_is_committed(client: FlaskClient, manager: User, call: Round) -> None:
    call.committed_pence = 50_000_000
    db.session.flush()
    response = post_form(client, f"/staff/calls/{call.id}/edit", _details(code="SEF-6", budget="£400,000"))
    assert error_summary(response) == ["The budget cannot be less than the £500,000 already committed to grants"]
    assert _field_error(response.get_data(as_text=True), "budget")
    assert _reload(call).budget_pence == 87_500_000


def test_edit_refuses_a_project_window_that_ends_before_it_starts(
    client: FlaskClient, manager: User, call: Round
) -> None:
    data = _details(code="SEF-6", project_earliest_start=["1", "9", "2026"], project_latest_end=["1", "8", "2026"])
    response = post_form(client, f"/staff/calls/{call.id}/edit", data)
    assert error_summary(response) == ["The date projects must end by must be after the date they can start from"]
    assert _field_error(response.get_data(as_text=True), "project_latest_end")


def test_edit_refuses_no_applications_per_organisation(client: FlaskClient, manager: User, call: Round) -> None:
    response = post_form(
        client, f"/staff/calls/{call.id}/edit", _details(code="SEF-6", max_applications_per_organisation="0")
    )
    assert error_summary(response) == [
        "Enter the number of applications each organisation can make, a whole number like 1"
    ]


# --- tiers and themes ----------------------------------------------------------------------------------


def _tier(**overrides: str) -> dict[str, str]:
    return {"name": "Tier 2", "min_grant": "£25,001", "max_grant": "£50,000", "match_funding_percent": "", **overrides}


def test_add_a_tier(client: FlaskClient, manager: User, call: Round) -> None:
    TierFactory(round=call, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    response = post_form(client, f"/staff/calls/{call.id}/tiers", _tier(match_funding_percent="50%"))
    assert response.status_code == 302
    assert [(t.name, t.min_pence, t.max_pence, t.match_funding_percent) for t in _reload(call).tiers] == [
        ("Tier 1", 1_000_000, 2_500_000, 0),
        ("Tier 2", 2_500_100, 5_000_000, 50),
    ]
    assert "Tier 2 has been added" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"min_grant": "£20,000"}, "min_grant", "Tier 1 and Tier 2 overlap: an amount of £20,000 would be in both"),
        ({"min_grant": "0"}, "min_grant", "Tier 2: the smallest grant must be more than £0"),
        ({"max_grant": "ten"}, "max_grant", "Enter the largest grant as an amount in pounds, like £25,000"),
        (
            {"match_funding_percent": "150"},
            "match_funding_percent",
            "Enter match funding as a whole number from 0 to 100, like 50",
        ),
        ({"name": "tier 1"}, "name", "There is already a tier called tier 1"),
    ],
)
def test_a_bad_tier_is_refused_at_its_field_keeping_what_was_typed(
    client: FlaskClient, manager: User, call: Round, overrides: dict[str, str], field: str, message: str
) -> None:
    TierFactory(round=call, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    response = post_form(client, f"/staff/calls/{call.id}/tiers", _tier(**overrides))
    assert response.status_code == 200
    assert error_summary(response) == [message]
    page = response.get_data(as_text=True)
    assert _field_error(page, field)
    assert f'value="{overrides.get("max_grant", "£50,000")}"' in page
    assert [t.name for t in _reload(call).tiers] == ["Tier 1"]


def test_remove_a_tier(client: FlaskClient, manager: User, call: Round) -> None:
    TierFactory(round=call, name="Tier 1", min_pence=1_000_000, max_pence=2_500_000)
    gone = TierFactory(round=call, name="Tier 2", min_pence=2_500_100, max_pence=5_000_000)
    token = csrf_token(client, f"/staff/calls/{call.id}/tiers")
    response = client.post(f"/staff/calls/{call.id}/tiers/{gone.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert [t.name for t in _reload(call).tiers] == ["Tier 1"]  # tiers are replaced as a set: rows (and ids) are new
    assert "Tier 2 has been removed" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_add_and_remove_a_theme(client: FlaskClient, manager: User, call: Round) -> None:
    url = f"/staff/calls/{call.id}/themes"
    assert post_form(client, url, {"name": "Awareness raising", "description": "Talks"}).status_code == 302
    assert post_form(client, url, {"name": "Building psychosocial resilience"}).status_code == 302
    themes = _reload(call).themes
    assert [(t.name, t.description) for t in themes] == [
        ("Awareness raising", "Talks"),
        ("Building psychosocial resilience", ""),
    ]
    token = csrf_token(client, url)
    assert client.post(f"{url}/{themes[0].id}/remove", data={"csrf_token": token}).status_code == 302
    assert [t.name for t in _reload(call).themes] == ["Building psychosocial resilience"]


def test_a_theme_with_a_name_already_used_is_refused(client: FlaskClient, manager: User, call: Round) -> None:
    ThemeFactory(round=call, name="Awareness raising")
    response = post_form(client, f"/staff/calls/{call.id}/themes", {"name": "Awareness raising"})
    assert error_summary(response) == ["There is already a theme called Awareness raising"]


def test_tiers_themes_and_form_are_locked_once_an_application_is_submitted(
    client: FlaskClient, manager: User, call: Round
) -> None:
    tier = TierFactory(round=call)
    theme = ThemeFactory(round=call)
    call.last_application_number = 1
    db.session.flush()
    for page, what in (("tiers", "tiers"), ("themes", "themes"), ("application-form", "application form")):
        text = client.get(f"/staff/calls/{call.id}/{page}").get_data(as_text=True)
        assert f"its {what} can no longer change" in text
        assert "Add a t" not in text
    token = csrf_token(client, "/account")
    for url in (
        f"/staff/calls/{call.id}/tiers/{tier.id}/remove",
        f"/staff/calls/{call.id}/themes/{theme.id}/remove",
        f"/staff/calls/{call.id}/application-form/default",
    ):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302
        assert "already been submitted" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = post_form(client, f"/staff/calls/{call.id}/tiers", _tier(min_grant="£60,000", max_grant="£70,000"))
    assert "already been submitted" in response.get_data(as_text=True)
    stored = _reload(call)
    assert (len(stored.tiers), len(stored.themes), stored.question_set) == (1, 1, None)


# --- who can apply -------------------------------------------------------------------------------------


def test_eligibility_saves_organisation_types_and_required_documents(
    client: FlaskClient, manager: User, call: Round
) -> None:
    services.load_question_set(actor=None, round_=call, data=default_question_set())
    db.session.flush()
    url = f"/staff/calls/{call.id}/eligibility"
    page = client.get(url).get_data(as_text=True)
    # Each group of checkboxes is named by its legend (a screen reader reads it before the options).
    assert re.search(r"<legend[^>]*>\s*Which types of organisation can apply\?\s*</legend>", page)
    assert re.search(r"<legend[^>]*>\s*Which documents must every application include\?\s*</legend>", page)
    assert "Upload your safeguarding policy" in page
    response = post_form(
        client, url, {"eligible_legal_types": ["cio", "cic"], "required_documents": ["safeguarding_policy_file"]}
    )
    assert response.status_code == 302
    stored = _reload(call)
    assert (stored.eligible_legal_types, stored.required_documents) == (["cio", "cic"], ["safeguarding_policy_file"])
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Upload your safeguarding policy" in detail


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"eligible_legal_types": ["cio", "sole_trader"]},
            "eligible_legal_types",
            "Unknown organisation types: sole_trader",
        ),
        ({}, "eligible_legal_types", "Select at least one type of organisation that can apply"),
        (
            {"eligible_legal_types": ["cio"], "required_documents": ["project_title"]},
            "required_documents",
            "Only file upload questions on this call's application form can be required documents (not project_title)",
        ),
    ],
)
def test_eligibility_refuses_what_cannot_apply(
    client: FlaskClient, manager: User, call: Round, data: dict[str, list[str]], field: str, message: str
) -> None:
    services.load_question_set(actor=None, round_=call, data=default_question_set())
    db.session.flush()
    response = post_form(client, f"/staff/calls/{call.id}/eligibility", data)
    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert _field_error(response.get_data(as_text=True), field)


# --- the application form and copying ------------------------------------------------------------------


def test_use_the_default_form(client: FlaskClient, manager: User, call: Round) -> None:
    url = f"/staff/calls/{call.id}/application-form"
    token = csrf_token(client, url)
    response = client.post(f"{url}/default", data={"csrf_token": token})
    assert response.status_code == 302
    stored = _reload(call)
    assert stored.question_set is not None and stored.question_set.name == "Shared Endeavour Fund application form"
    page = client.get(url).get_data(as_text=True)
    assert "default Shared Endeavour Fund application form has been loaded" in page
    assert "Upload your safeguarding policy" in page


def test_copy_the_form_offers_the_previous_call_of_the_fund_first(
    client: FlaskClient, manager: User, fund: Fund, call: Round
) -> None:
    previous = RoundFactory(
        fund=fund, code="SEF-5", opens_at=datetime(2025, 3, 1, tzinfo=UTC), closes_at=datetime(2025, 4, 1, tzinfo=UTC)
    )
    RoundFactory(
        fund=fund, code="SEF-4", opens_at=datetime(2024, 3, 1, tzinfo=UTC), closes_at=datetime(2024, 4, 1, tzinfo=UTC)
    )
    RoundFactory(code="OTHER-1")  # another fund's call: this manager cannot see it
    services.load_question_set(actor=None, round_=previous, data=default_question_set())
    db.session.flush()
    url = f"/staff/calls/{call.id}/application-form"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{previous.id}" selected>' in page
    assert "OTHER-1" not in page
    response = post_form(client, url, {"from_round": str(previous.id)})
    assert response.status_code == 302
    stored = _reload(call)
    assert stored.question_set is not None and stored.question_set.source == "Copied from SEF-5"


def test_copying_from_a_call_without_a_form_is_refused_at_the_choice(
    client: FlaskClient, manager: User, fund: Fund, call: Round
) -> None:
    empty = RoundFactory(fund=fund, code="SEF-5")
    response = post_form(client, f"/staff/calls/{call.id}/application-form", {"from_round": str(empty.id)})
    assert error_summary(response) == ["SEF-5 has no application form to copy"]


def test_copy_the_set_up_from_another_call(client: FlaskClient, manager: User, fund: Fund, call: Round) -> None:
    source = round_ready_to_open(fund=fund, code="SEF-5", eligible_legal_types=["cio"])
    ThemeFactory(round=source, name="Awareness raising")
    response = post_form(client, f"/staff/calls/{call.id}/copy-set-up", {"from_round": str(source.id)})
    assert response.status_code == 302
    stored = _reload(call)
    assert [t.name for t in stored.themes] == ["Awareness raising"]
    assert len(stored.tiers) == 1 and sum(c.weight for c in stored.criteria) == 100
    assert stored.question_set is not None and stored.eligible_legal_types == ["cio"]
    assert "has been copied" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_copying_from_a_call_the_manager_cannot_see_is_refused(client: FlaskClient, manager: User, call: Round) -> None:
    hidden = round_ready_to_open()
    response = post_form(client, f"/staff/calls/{call.id}/copy-set-up", {"from_round": str(hidden.id)})
    assert error_summary(response) == ["Select a call from the list"]
    assert _reload(call).tiers == []


# --- opening and closing -------------------------------------------------------------------------------


def test_opening_a_call_that_is_not_ready_lists_what_is_missing(
    client: FlaskClient, manager: User, call: Round
) -> None:
    url = f"/staff/calls/{call.id}"
    token = csrf_token(client, f"{url}/tiers")
    response = client.post(f"{url}/open", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == url
    shown = client.get(url)
    page = shown.get_data(as_text=True)
    assert "<title>Error: " in page and "This call cannot open yet" in page
    problems = [
        "Add scoring criteria with weights that add up to 100",
        "Add at least one tier (grant size)",
        "Add an application form (question set)",
    ]
    assert error_summary(shown) == problems
    # Each error links to the problem's item on the page, which links on to the page that fixes it.
    for number, problem in enumerate(problems, start=1):
        assert f'href="#open-problem-{number}"' in page
        assert re.search(rf'href="/staff/calls/\d+/[a-z-]+" id="open-problem-{number}">{re.escape(problem)}</a>', page)
    assert _reload(call).status == RoundStatus.DRAFT
    # Shown once: the next visit is the call's page as usual.
    assert "This call cannot open yet" not in client.get(url).get_data(as_text=True)


def test_open_and_close_a_call(client: FlaskClient, manager: User, fund: Fund) -> None:
    ready = round_ready_to_open(fund=fund)
    url = f"/staff/calls/{ready.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Open call for applications" in page
    token = csrf_token(client, url)
    response = client.post(f"{url}/open", data={"csrf_token": token})
    assert response.status_code == 302
    assert _reload(ready).status == RoundStatus.OPEN
    page = client.get(url).get_data(as_text=True)
    assert "is open for applications" in page
    assert "Close call" in page
    assert client.post(f"{url}/close", data={"csrf_token": token}).status_code == 302
    assert _reload(ready).status == RoundStatus.CLOSED
    assert "Reopen call for applications" in client.get(url).get_data(as_text=True)


def test_the_call_page_links_managers_to_every_set_up_page(client: FlaskClient, manager: User, call: Round) -> None:
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    for part in PAGES:
        assert f"/staff/calls/{call.id}/{part}" in page, part


def test_the_call_page_offers_no_changes_to_finance_officers(client: FlaskClient, call: Round) -> None:
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=call.fund_id))
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/edit" not in page
    assert "Open call for applications" not in page
