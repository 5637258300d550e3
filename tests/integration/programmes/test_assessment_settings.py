"""The call's assessment settings page: who may use it, what it stores (the deadline typed in London time, stored
in UTC), what bad input shows, what moderation fixes, and the Assessment section of the call's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.factories import (
    CriterionFactory,
    FundFactory,
    RoundFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as

CLOSES = datetime(2026, 4, 13, 11, 0, tzinfo=UTC)  # midday in London (BST)


@pytest.fixture()
def call(db_session: Any) -> Round:
    round_ = RoundFactory(
        fund=FundFactory(name="Shared Endeavour Fund", code="SEF"),
        code="SEF-6",
        name="Shared Endeavour Fund Call 6",
        opens_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        closes_at=CLOSES,
    )
    CriterionFactory(round=round_, name="Need", weight=60, scale_min=1, scale_max=5)
    CriterionFactory(round=round_, name="Value for money", weight=40, scale_min=0, scale_max=3)
    return round_


@pytest.fixture()
def manager(client: IsolatedClient, call: Round) -> User:
    user = staff_user(StaffRole.FUND_MANAGER, fund_id=call.fund_id)
    sign_in_as(client, user)
    return user


def _url(call: Round) -> str:
    return f"/staff/calls/{call.id}/assessment-settings"


def _post(client: IsolatedClient, url: str, data: dict[str, Any]) -> Any:
    token = hidden_fields(client.get("/account"))["csrf_token"]
    return client.post(url, data={"csrf_token": token, **data})


def _settings(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessors_per_application": "3",
        "spread_points": "2",
        "spread_percent": "20",
        "min_fundable_percent": "60",
        "blind_review": "yes",
        "allow_not_applicable": "yes",
        "assessment_deadline": ["15", "6", "2026"],
        "assessment_deadline_time": "5pm",
    }
    data.update(overrides)
    return data


def _reload(call: Round) -> Round:
    db.session.expire_all()
    stored = db.session.get(Round, call.id)
    assert stored is not None
    return stored


# --- who may use it ------------------------------------------------------------------------------------

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
def test_only_the_calls_managers_and_admins_reach_the_assessment_settings(
    client: IsolatedClient, call: Round, who: str
) -> None:
    make_user, status = WHO[who]
    sign_in_as(client, make_user(call))
    assert client.get(_url(call)).status_code == status


@pytest.mark.parametrize("who", [w for w, (_make, status) in WHO.items() if status != 200])
def test_people_who_may_not_manage_the_call_cannot_change_how_it_is_assessed(
    client: IsolatedClient, call: Round, who: str
) -> None:
    make_user, status = WHO[who]
    sign_in_as(client, make_user(call))
    assert _post(client, _url(call), _settings()).status_code == status
    stored = _reload(call)
    assert (stored.assessors_per_application, stored.blind_review, stored.assessment_deadline) == (2, False, None)


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: IsolatedClient, call: Round) -> None:
    response = client.get(_url(call))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# --- showing and saving --------------------------------------------------------------------------------


def test_the_page_shows_the_stored_settings_with_the_deadline_in_london_time(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    call.blind_review = True
    call.assessment_deadline = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)  # 5pm in London (BST)
    db.session.flush()
    response = client.get(_url(call))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Assessment settings: {call.name}")
    page = response.get_data(as_text=True)
    assert 'name="assessors_per_application" type="text" spellcheck="false" value="2"' in page
    assert 'id="blind_review" name="blind_review" type="radio" value="yes" checked' in page
    assert 'id="allow_not_applicable-2" name="allow_not_applicable" type="radio" value="no" checked' in page
    assert 'id="assessment_deadline-day" name="assessment_deadline" type="text" value="15"' in page
    assert 'value="5:00pm"' in page
    assert "Flag an application for moderation when two assessors&#39; scores on any criterion differ" in page


def test_saving_stores_every_setting_and_the_deadline_in_utc(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    response = _post(client, _url(call), _settings())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/calls/{call.id}#assessment"
    stored = _reload(call)
    assert (
        stored.assessors_per_application,
        stored.spread_points,
        stored.spread_percent,
        stored.min_fundable_percent,
        stored.blind_review,
        stored.allow_not_applicable,
    ) == (3, 2, 20, 60, True, True)
    assert stored.assessment_deadline == datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "round.assessment_settings_updated"))
    assert event.actor_id == manager.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The assessment settings have been saved." in page
    assert "15 June 2026 at 5:00pm" in page


def test_a_deadline_in_winter_is_typed_in_greenwich_mean_time(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    _post(client, _url(call), _settings(assessment_deadline=["8", "1", "2027"], assessment_deadline_time="9:30am"))
    assert _reload(call).assessment_deadline == datetime(2027, 1, 8, 9, 30, tzinfo=UTC)


def test_clearing_the_deadline_removes_it(client: IsolatedClient, call: Round, manager: User) -> None:
    call.assessment_deadline = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
    db.session.flush()
    response = _post(client, _url(call), _settings(assessment_deadline=["", "", ""], assessment_deadline_time=""))
    assert response.status_code == 302
    assert _reload(call).assessment_deadline is None


# --- bad input: a message at the field, and what was typed is still there --------------------------------

BAD = [
    (
        {"assessors_per_application": "two"},
        "assessors_per_application",
        "Enter the number of assessors for each application as a whole number from 1 to 10, like 2",
    ),
    (
        {"assessors_per_application": "11"},
        "assessors_per_application",
        "Enter the number of assessors for each application as a whole number from 1 to 10, like 2",
    ),
    ({"spread_points": ""}, "spread_points", "Enter the points as a whole number from 1 to 5, like 2"),
    (
        {"spread_percent": "0"},
        "spread_percent",
        "Enter the percentage points as a whole number from 1 to 100, like 15",
    ),
    (
        {"min_fundable_percent": "60.5"},
        "min_fundable_percent",
        "Enter the minimum score as a whole number from 0 to 100, like 60",
    ),
    ({"blind_review": ""}, "blind_review", "Select yes if assessors should not see who applied"),
    (
        {"allow_not_applicable": "perhaps"},
        "allow_not_applicable",
        "Select yes if assessors can mark a criterion as not applicable",
    ),
    (
        {"assessment_deadline_time": ""},
        "assessment_deadline_time",
        "Enter the time of the assessment deadline, like 5pm",
    ),
    (
        {"assessment_deadline": ["", "", ""]},
        "assessment_deadline",
        "Enter the date of the assessment deadline, or clear the time",
    ),
    (
        {"assessment_deadline": ["31", "2", "2026"]},
        "assessment_deadline",
        "The assessment deadline must be a real date",
    ),
    (
        {"assessment_deadline_time": "25:00"},
        "assessment_deadline_time",
        "The time of the assessment deadline must be a real time, like 9:30am, 5pm or 17:30",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_settings_are_shown_at_their_field_and_what_was_typed_is_kept(
    client: IsolatedClient, call: Round, manager: User, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = _post(client, _url(call), _settings(**overrides))
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == [message]
    assert field_error(response, field) == message
    page = response.get_data(as_text=True)
    typed = overrides.get(field)
    if isinstance(typed, str) and typed and field not in ("blind_review", "allow_not_applicable"):
        assert f'value="{typed}"' in page  # radios show only their own choices
    assert 'name="spread_percent" type="text" spellcheck="false" value="20"' in page or field == "spread_percent"
    assert _reload(call).assessors_per_application == 2


def test_a_deadline_before_the_call_closes_is_refused_at_the_deadline(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    response = _post(
        client, _url(call), _settings(assessment_deadline=["13", "4", "2026"], assessment_deadline_time="9am")
    )
    message = "The assessment deadline must be after the call closes (13 April 2026 at midday)"
    assert error_summary(response) == [message]
    assert field_error(response, "assessment_deadline") == message
    page = response.get_data(as_text=True)
    assert 'id="assessment_deadline-day" name="assessment_deadline" type="text" value="13"' in page
    assert 'value="9am"' in page
    assert _reload(call).assessment_deadline is None


def test_the_points_threshold_cannot_pass_the_widest_scale_of_the_calls_criteria(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    response = _post(client, _url(call), _settings(spread_points="5"))
    assert field_error(response, "spread_points") == (
        "The points threshold must be between 1 and 4, the widest scale of the call's criteria"
    )
    assert 'value="5"' in response.get_data(as_text=True)


def test_once_moderation_has_started_only_the_minimum_score_and_deadline_change(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    call.moderation_started_at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    db.session.flush()
    assert "Moderation started on 1 June 2026 at 10:00am" in client.get(_url(call)).get_data(as_text=True)
    response = _post(client, _url(call), _settings(assessors_per_application="2", spread_percent="15"))
    message = "Moderation has started, so only the minimum fundable score and the deadline can change"
    assert field_error(response, "allow_not_applicable") == message
    assert _reload(call).blind_review is False
    unchanged = {
        "assessors_per_application": "2",
        "spread_percent": "15",
        "blind_review": "no",
        "allow_not_applicable": "no",
    }
    assert _post(client, _url(call), _settings(**unchanged)).status_code == 302
    stored = _reload(call)
    assert (stored.min_fundable_percent, stored.blind_review) == (60, False)


# --- the call's page ------------------------------------------------------------------------------------


def test_the_calls_page_shows_the_assessment_settings_with_a_link_to_change_them(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert 'id="assessment"' in page
    assert "2 points on a criterion, or 15 percentage points overall" in page
    assert f'href="/staff/calls/{call.id}/assessment-settings"' in page
    # No application has been submitted, so there is nothing to assess yet.
    assert f'href="/staff/calls/{call.id}/assessment"' not in page


def test_once_applications_arrive_the_calls_page_links_to_assessment_moderation_and_ranking(
    client: IsolatedClient, call: Round, manager: User
) -> None:
    call.last_application_number = 4
    db.session.flush()
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    for path in ("assessment", "moderation", "ranking"):
        assert f'href="/staff/calls/{call.id}/{path}"' in page, path


def test_a_finance_officer_sees_the_settings_on_the_calls_page_but_no_link_to_change_them(
    client: IsolatedClient, call: Round
) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=call.fund_id))
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert "Assessors for each application" in page
    assert "assessment-settings" not in page
