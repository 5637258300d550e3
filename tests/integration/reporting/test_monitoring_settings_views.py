"""A call's monitoring settings through the page: its metrics as rows (name, hint, the application question holding
the target; blank rows ignored, keys kept for unchanged names) and its report schedule; each problem at its field
with what was typed kept; read-only with the reason once reports are scheduled; and who may change them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.extensions import db
from fundapp.programmes.models import Round
from fundapp.programmes.monitoring import default_metrics_json, default_reports_json
from fundapp.programmes.states import QuestionType
from tests.factories import (
    MembershipFactory,
    QuestionFactory,
    QuestionSetFactory,
    ReportFactory,
    RoundFactory,
    SectionFactory,
    staff_user,
)
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.integration.awards.offers import events


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


@pytest.fixture()
def round_(db_session: Any) -> Round:
    """A call with the default metrics and schedule, and two number questions on its application form."""
    round_ = RoundFactory()
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), key="outputs")
    QuestionFactory(section=section, key="londoners_reached", type=QuestionType.NUMBER, label="How many Londoners?")
    QuestionFactory(section=section, key="sessions_planned", type=QuestionType.NUMBER, label="How many sessions?")
    QuestionFactory(section=section, key="summary", type=QuestionType.LONG_TEXT, label="Summary")
    db.session.expire(round_)
    return round_


@pytest.fixture()
def manager(round_: Round) -> User:
    return staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id)


def _url(round_: Round) -> str:
    return f"/staff/calls/{round_.id}/monitoring"


def _form(client: IsolatedClient, round_: Round, rows: list[tuple[str, str, str]], **fields: str) -> dict[str, str]:
    """What the page would post: the CSRF token, the rows (name, hint, target) then blank rows, and the schedule."""
    data = {"csrf_token": hidden_fields(client.get(_url(round_)))["csrf_token"]}
    for index in range(6):
        label, hint, target = rows[index] if index < len(rows) else ("", "", "")
        data |= {
            f"metrics-{index}-label": label,
            f"metrics-{index}-hint": hint,
            f"metrics-{index}-target_question": target,
        }
    return data | {"interim": "midpoint", "final_weeks": "8"} | fields


def test_the_page_shows_the_calls_metrics_targets_and_schedule_with_blank_rows_to_add_more(
    client: IsolatedClient, round_: Round, manager: User
) -> None:
    sign_in_as(client, manager)
    response = client.get(_url(round_))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Monitoring settings: {round_.name}")
    page = response.get_data(as_text=True)
    assert 'value="Londoners reached"' in page and 'value="Participants reporting a change"' in page
    # The four default metrics and two blank rows.
    assert 'id="metrics-5-label"' in page and 'id="metrics-6-label"' not in page
    assert re.search(r'<option value="londoners_reached" selected>How many Londoners\?</option>', page)
    assert "How many sessions?" in page and "Summary</option>" not in page
    # A target the form no longer asks is kept, and said to be missing.
    assert "volunteers_involved (no longer on the application form)" in page
    assert re.search(r'value="midpoint"[^>]*checked', page)
    assert re.search(r'id="final_weeks"[^>]*value="8"', page) or re.search(r'value="8"[^>]*id="final_weeks"', page)


def test_saving_changes_the_metrics_keeping_keys_of_unchanged_names_and_the_schedule(
    client: IsolatedClient, round_: Round, manager: User
) -> None:
    sign_in_as(client, manager)
    rows = [
        ("Londoners reached", "Counted once each", "londoners_reached"),
        ("", "", ""),  # a blank row in the middle is ignored
        ("Participants reporting a change", "", ""),
        ("Schools worked with", "", "sessions_planned"),
    ]
    response = client.post(_url(round_), data=_form(client, round_, rows, interim="none", final_weeks="12"))
    assert response.status_code == 302 and response.headers["Location"] == _url(round_)
    assert "The monitoring settings have been saved" in _text(client.get(_url(round_)))
    db.session.refresh(round_)
    assert round_.report_metrics == [
        {
            "key": "londoners_reached",
            "label": "Londoners reached",
            "hint": "Counted once each",
            "target_question": "londoners_reached",
        },
        {
            "key": "participants_reporting_change",
            "label": "Participants reporting a change",
            "hint": "",
            "target_question": "",
        },
        {
            "key": "schools_worked_with",
            "label": "Schools worked with",
            "hint": "",
            "target_question": "sessions_planned",
        },
    ]
    assert round_.report_schedule == [{"kind": "final", "label": "Final report", "due": "after_end", "weeks": 12}]
    assert events("round.monitoring_updated")[0].subject_id == round_.id


def test_saving_the_same_settings_says_nothing_changed(client: IsolatedClient, round_: Round, manager: User) -> None:
    sign_in_as(client, manager)
    page = client.get(_url(round_))
    data = {**hidden_fields(page), "interim": "midpoint", "final_weeks": "8"}
    text = _text(page)
    assert "Monitoring settings" in text
    for index, metric in enumerate(round_.report_metrics):
        data |= {
            f"metrics-{index}-label": metric["label"],
            f"metrics-{index}-hint": metric["hint"],
            f"metrics-{index}-target_question": metric["target_question"],
        }
    response = client.post(_url(round_), data=data)
    assert response.status_code == 302
    assert "The monitoring settings have not changed" in _text(client.get(_url(round_)))
    assert events("round.monitoring_updated") == []


def test_each_problem_is_shown_at_its_field_and_what_was_typed_is_kept(
    client: IsolatedClient, round_: Round, manager: User
) -> None:
    sign_in_as(client, manager)
    rows = [
        ("", "A hint without a name", ""),
        ("Sessions delivered", "", "not_a_question"),
        ("Sessions  delivered!", "", ""),
        ("123", "", ""),
        ("x" * 101, "", ""),
        ("Volunteers", "y" * 251, ""),
    ]
    response = client.post(_url(round_), data=_form(client, round_, rows, interim="sometimes", final_weeks="sixty"))
    assert response.status_code == 422
    assert page_title(response).startswith("Error: Monitoring settings")
    assert field_error(response, "metrics-0-label") == "Enter a name for metric 1"
    assert field_error(response, "metrics-1-target_question") == "Choose the target of metric 2 from the list"
    assert field_error(response, "metrics-2-label") == (
        "Metric 3 has the same name as metric 2: give each metric its own name"
    )
    assert field_error(response, "metrics-3-label") == (
        "The name of metric 4 must include a word, like Londoners reached"
    )
    assert field_error(response, "metrics-4-label") == "The name of metric 5 must be 100 characters or fewer"
    assert field_error(response, "metrics-5-hint") == "The hint for metric 6 must be 250 characters or fewer"
    assert field_error(response, "final_weeks") == "Enter the number of weeks as a whole number from 0 to 52, like 8"
    assert "Select whether grantees send an interim report" in error_summary(response)
    page = response.get_data(as_text=True)
    assert (
        'value="A hint without a name"' in page and 'value="sixty"' in page and 'value="Sessions  delivered!"' in page
    )
    db.session.refresh(round_)
    assert round_.report_metrics == default_metrics_json()


def test_weeks_outside_0_to_52_are_refused(client: IsolatedClient, round_: Round, manager: User) -> None:
    sign_in_as(client, manager)
    for weeks in ("53", "-1", "2.5"):
        response = client.post(
            _url(round_), data=_form(client, round_, [("Londoners reached", "", "")], final_weeks=weeks)
        )
        assert response.status_code == 422
        assert (
            field_error(response, "final_weeks") == "Enter the number of weeks as a whole number from 0 to 52, like 8"
        )


def test_every_row_left_blank_is_refused_at_the_top(client: IsolatedClient, round_: Round, manager: User) -> None:
    sign_in_as(client, manager)
    response = client.post(_url(round_), data=_form(client, round_, []))
    assert response.status_code == 422
    assert error_summary(response) == ["Add at least one metric"]
    assert 'href="#metrics"' in response.get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.report_metrics == default_metrics_json()


def test_once_reports_are_scheduled_the_page_is_read_only_and_says_why(client: IsolatedClient) -> None:
    report = ReportFactory()
    round_ = report.award.round
    sign_in_as(client, staff_user(StaffRole.FUND_MANAGER, fund_id=round_.fund_id))
    response = client.get(_url(round_))
    assert response.status_code == 200
    text = _text(response)
    assert "Grantees are already reporting against these settings, so they can no longer be changed" in text
    assert "Save monitoring settings" not in text
    assert "Londoners reached" in text and "Final report: 8 weeks after the project ends" in text
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    response = client.post(
        _url(round_),
        data={"csrf_token": token, "metrics-0-label": "Something else", "interim": "none", "final_weeks": "1"},
    )
    assert response.status_code == 302
    assert "can no longer be changed" in _text(client.get(_url(round_)))
    db.session.refresh(round_)
    assert round_.report_metrics == default_metrics_json() and round_.report_schedule == default_reports_json()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("finance", 403), ("other_fund_manager", 403), ("assessor", 403), ("applicant", 404), ("admin", 200)],
)
def test_only_the_calls_fund_managers_and_admins_change_the_settings(
    client: IsolatedClient, round_: Round, who: str, expected: int
) -> None:
    users = {
        "finance": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=round_.fund_id),
        "other_fund_manager": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=RoundFactory().fund_id),
        "assessor": lambda: staff_user(StaffRole.ASSESSOR, round_id=round_.id),
        "applicant": lambda: MembershipFactory().user,
        "admin": lambda: staff_user(StaffRole.ADMIN),
    }
    sign_in_as(client, users[who]())
    assert client.get(_url(round_)).status_code == expected
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    response = client.post(
        _url(round_), data={"csrf_token": token, "metrics-0-label": "Hacked", "interim": "none", "final_weeks": "1"}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    db.session.refresh(round_)
    assert (round_.report_metrics[0]["label"] == "Hacked") == (expected == 200)


def test_signed_out_visitors_are_asked_to_sign_in(client: IsolatedClient, round_: Round) -> None:
    response = client.get(_url(round_))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
