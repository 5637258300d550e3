"""Fund managers running a call's assessment through the pages: the dashboard, auto-assign, reminders, the pool of
assessors, one application's assessors (assigning by hand, unassigning) and what bad input shows."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fundapp.accounts.models import RoleAssignment
from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import Assessment
from fundapp.assessment.states import AssessmentStatus, ConnectionKind, Recommendation
from fundapp.core.clock import utcnow
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.states import RoundStatus
from tests.factories import (
    AssessmentFactory,
    ConnectionFactory,
    UserFactory,
    score_assessment,
    staff_user,
)
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, sign_in_as
from tests.integration.assessment.conftest import AssessmentSetup, make_assessment_round


@pytest.fixture()
def setup(db_session: Any) -> AssessmentSetup:
    return make_assessment_round(applications=3, assessors=3)


@pytest.fixture()
def manager(client: IsolatedClient, setup: AssessmentSetup) -> Any:
    sign_in_as(client, setup.manager)
    return setup.manager


def _post(client: IsolatedClient, url: str, data: dict[str, str] | None = None) -> Any:
    """POST with this browser's CSRF token (taken from a page that has one)."""
    token = hidden_fields(client.get("/account"))["csrf_token"]
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _text(response: Any) -> str:
    """The page's visible text, tags removed and whitespace collapsed (for sentences that span markup)."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _assessments(round_id: int) -> list[Assessment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Assessment).where(Assessment.round_id == round_id)))


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _give(setup: AssessmentSetup, app: int, assessor: int, **traits: Any) -> Assessment:
    """An assessment made by the factory; its application moves on to "in assessment", as assigning does."""
    application = setup.applications[app]
    if application.status == ApplicationStatus.ELIGIBLE:
        application.status = ApplicationStatus.IN_ASSESSMENT
    return AssessmentFactory(application=application, assessor=setup.assessors[assessor], **traits)


# --- the dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_shows_counts_each_assessors_work_and_the_applications_that_need_assessors(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    _give(setup, 0, 0, submitted=True)
    _give(setup, 0, 1, in_progress=True)
    _give(setup, 1, 0)
    db.session.flush()
    response = client.get(f"/staff/calls/{setup.round.id}/assessment")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Assessment: {setup.round.name}")
    text = _text(response)
    assert "To assess 3" in text
    assert "With all their assessors 1" in text
    assert "Assigned 3" in text and "Started (in progress) 1" in text and "Submitted 1" in text
    assert f"{setup.assessors[0].full_name} 2 0 1 0" in text
    # The queue: the two applications short of their 2 assessors, each linked to its assessors page.
    page = response.get_data(as_text=True)
    assert f'href="/staff/applications/{setup.applications[1].id}/assessors"' in page
    assert f'href="/staff/applications/{setup.applications[2].id}/assessors"' in page
    assert f'href="/staff/applications/{setup.applications[0].id}/assessors"' not in page
    assert "1 of 2" in text and "0 of 2" in text
    assert "Auto-assign applications" in page
    assert "Email reminders" not in page  # nothing is overdue
    assert f'href="/staff/calls/{setup.round.id}/assessors"' in page
    assert f'href="/staff/calls/{setup.round.id}/assessment-settings"' in page


def test_the_dashboard_counts_overdue_scorecards_and_offers_reminders_after_the_deadline(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    setup.round.assessment_deadline = utcnow() - timedelta(hours=1)
    _give(setup, 0, 0)
    _give(setup, 0, 1, in_progress=True)
    _give(setup, 1, 0, submitted=True)
    db.session.flush()
    response = client.get(f"/staff/calls/{setup.round.id}/assessment")
    text = _text(response)
    assert "Overdue 2" in text
    assert "2 scorecards are overdue" in text
    assert "Email reminders to assessors with overdue scorecards" in text


def test_a_finance_officer_sees_the_dashboard_without_the_buttons(
    client: IsolatedClient, setup: AssessmentSetup
) -> None:
    sign_in_as(client, staff_user(StaffRole.FINANCE_OFFICER, fund_id=setup.round.fund_id))
    response = client.get(f"/staff/calls/{setup.round.id}/assessment")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Auto-assign applications" not in page
    assert "Change assessment settings" not in page
    assert setup.assessors[0].full_name in html.unescape(page)


# --- auto-assign ---------------------------------------------------------------------------------------


def test_auto_assign_through_the_page_assigns_every_application_and_emails_each_assessor_once(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    response = _post(client, f"/staff/calls/{setup.round.id}/assessment/auto-assign")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/calls/{setup.round.id}/assessment"
    assessments = _assessments(setup.round.id)
    assert len(assessments) == 6
    assert {a.status for a in assessments} == {AssessmentStatus.ASSIGNED}
    assert sorted(m.to_address for m in _outbox()) == sorted(a.email for a in setup.assessors)
    assert all("2 applications for you to assess" in m.subject for m in _outbox())
    page = client.get(response.headers["Location"])
    assert "Assigned 6 scorecards to 3 assessors. Each has been emailed." in _text(page)
    assert "Every application that can be assessed has its 2 assessors" in _text(page)


def test_auto_assign_names_the_applications_still_short_of_assessors(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    short = setup.applications[1]
    for assessor in setup.assessors[:2]:
        ConnectionFactory(assessor=assessor, organisation=short.organisation, kind=ConnectionKind.TRUSTEE)
    response = _post(client, f"/staff/calls/{setup.round.id}/assessment/auto-assign")
    text = _text(client.get(response.headers["Location"]))
    assert "Assigned 5 scorecards to 3 assessors." in text
    assert f"1 application still short of assessors: {short.reference}." in text
    assert "add assessors to the pool" in text


def test_auto_assign_without_assessors_says_what_to_do(client: IsolatedClient, db_session: Any) -> None:
    setup = make_assessment_round(applications=1, assessors=0)
    sign_in_as(client, setup.manager)
    response = _post(client, f"/staff/calls/{setup.round.id}/assessment/auto-assign")
    assert "Add assessors to the call before assigning applications" in _text(client.get(response.headers["Location"]))
    assert _assessments(setup.round.id) == []


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_email_assessors_with_overdue_scorecards_once_a_day(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    setup.round.assessment_deadline = utcnow() - timedelta(hours=1)
    for app, assessor in ((0, 0), (1, 0), (0, 1)):
        _give(setup, app, assessor)
    db.session.flush()
    url = f"/staff/calls/{setup.round.id}/assessment/reminders"
    response = _post(client, url)
    assert response.status_code == 302
    reminders = [m for m in _outbox() if m.subject.startswith("Reminder")]
    assert sorted(m.to_address for m in reminders) == sorted([setup.assessors[0].email, setup.assessors[1].email])
    text = _text(client.get(response.headers["Location"]))
    assert "Emailed a reminder to 2 assessors with overdue scorecards." in text
    assert "reminded in the last day were not emailed again" in text
    again = _post(client, url)
    assert "No reminders were sent" in _text(client.get(again.headers["Location"]))
    assert len([m for m in _outbox() if m.subject.startswith("Reminder")]) == 2


# --- the pool -------------------------------------------------------------------------------------------


def test_the_pool_lists_each_assessor_with_their_scope_and_work(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    fund_wide = staff_user(StaffRole.ASSESSOR, fund_id=setup.round.fund_id)
    everywhere = staff_user(StaffRole.ASSESSOR)
    _give(setup, 0, 0, submitted=True)
    _give(setup, 1, 0)
    response = client.get(f"/staff/calls/{setup.round.id}/assessors")
    assert response.status_code == 200
    text = _text(response)
    assert f"{setup.assessors[0].full_name} {setup.assessors[0].email} This call 2 1" in text
    assert f"{fund_wide.full_name} {fund_wide.email} All calls in the fund 0 0" in text
    assert f"{everywhere.full_name} {everywhere.email} All funds 0 0" in text
    page = response.get_data(as_text=True)
    assert f"/assessors/{setup.assessors[0].id}/remove" in page
    assert f"/assessors/{fund_wide.id}/remove" not in page  # an admin changes fund-wide roles


def test_adding_an_assessor_by_email_puts_them_in_the_calls_pool(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    person = UserFactory(email="sam.jones@example.org", full_name="Sam Jones")
    url = f"/staff/calls/{setup.round.id}/assessors"
    response = _post(client, url, {"email": " Sam.Jones@Example.org "})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    db.session.expire_all()
    roles = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == person.id)).all()
    assert [(r.role, r.round_id, r.fund_id) for r in roles] == [(StaffRole.ASSESSOR, setup.round.id, None)]
    assert f"Sam Jones can now assess applications in {setup.round.name}." in _text(client.get(url))


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address of the person to add"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
        ("nobody@example.org", "There is no account with that email address. Ask them to register, then add them here"),
    ],
)
def test_adding_an_assessor_with_a_bad_email_shows_the_problem_at_the_field_and_keeps_it(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any, email: str, message: str
) -> None:
    response = _post(client, f"/staff/calls/{setup.round.id}/assessors", {"email": email})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert error_summary(response) == [message]
    assert field_error(response, "email") == message
    assert f'value="{email}"' in response.get_data(as_text=True) or not email


def test_adding_someone_already_in_the_pool_is_refused_at_the_field(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    member = setup.assessors[0]
    response = _post(client, f"/staff/calls/{setup.round.id}/assessors", {"email": member.email})
    assert field_error(response, "email") == f"{member.full_name} is already an assessor for this call"


def test_removing_an_assessor_without_work_to_do_takes_them_out_of_the_pool(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    leaving = setup.assessors[2]
    response = _post(client, f"/staff/calls/{setup.round.id}/assessors/{leaving.id}/remove")
    assert response.headers["Location"] == f"/staff/calls/{setup.round.id}/assessors"
    db.session.expire_all()
    assert db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == leaving.id)).all() == []
    assert f"{leaving.full_name} is no longer an assessor" in _text(client.get(response.headers["Location"]))


def test_an_assessor_with_scorecards_to_do_cannot_be_removed(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    busy = setup.assessors[0]
    _give(setup, 0, 0, in_progress=True)
    response = _post(client, f"/staff/calls/{setup.round.id}/assessors/{busy.id}/remove")
    assert "still has 1 scorecard to do in this call. Unassign them first" in _text(
        client.get(response.headers["Location"])
    )
    db.session.expire_all()
    assert db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == busy.id)).all() != []


def test_removing_someone_who_is_not_in_the_pool_is_not_found(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    stranger = UserFactory()
    assert _post(client, f"/staff/calls/{setup.round.id}/assessors/{stranger.id}/remove").status_code == 404


def test_a_fund_wide_assessor_cannot_be_removed_from_one_call(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    fund_wide = staff_user(StaffRole.ASSESSOR, fund_id=setup.round.fund_id)
    response = _post(client, f"/staff/calls/{setup.round.id}/assessors/{fund_wide.id}/remove")
    assert "assesses for the whole fund or every call" in _text(client.get(response.headers["Location"]))


# --- one application's assessors -----------------------------------------------------------------------


def test_the_application_page_shows_each_assessment_with_its_status_conflict_and_score(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    submitted = _give(setup, 0, 0, submitted=True, recommendation=Recommendation.FUND_WITH_CONDITIONS)
    score_assessment(submitted, [4, 3, 2])  # (4×50 + 3×30 + 2×20) ÷ (5×50 + 5×30 + 3×20) = 330 ÷ 460
    _give(
        setup,
        0,
        1,
        status=AssessmentStatus.CONFLICTED,
        conflict_kind=ConnectionKind.FAMILY,
        conflict_reason="My sister chairs its board.",
    )
    _give(setup, 0, 2, in_progress=True)
    response = client.get(f"/staff/applications/{setup.applications[0].id}/assessors")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Assessors and scores: {setup.applications[0].reference}")
    text = _text(response)
    assert f"{setup.assessors[0].full_name} Submitted 71.7% Fund with conditions" in text
    assert f"{setup.assessors[1].full_name} Conflict declared – – Family: My sister chairs its board." in text
    assert f"{setup.assessors[2].full_name} In progress – –" in text
    assert "Mean score of submitted scorecards 71.7%" in text
    page = response.get_data(as_text=True)
    assert page.count("/unassign") == 1  # only the unsubmitted, active one
    # Nobody left in the pool can take it: the reasons are listed instead of the radios.
    assert "declared a conflict of interest with this application" in text
    assert "is already assessing this application" in text
    assert 'name="assessor"' not in page


def test_assigning_by_hand_gives_the_application_to_the_chosen_assessor_and_emails_them(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    application = setup.applications[0]
    connected = setup.assessors[1]
    ConnectionFactory(assessor=connected, organisation=application.organisation)
    url = f"/staff/applications/{application.id}/assessors"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{setup.assessors[0].id}"' in page and f'value="{connected.id}"' not in page
    reason = f"{connected.full_name} has declared a connection with {application.organisation.name}"
    assert reason in html.unescape(page)
    response = _post(client, url, {"assessor": str(setup.assessors[0].id)})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    [assessment] = _assessments(setup.round.id)
    assert (assessment.application_id, assessment.assessor_id, assessment.status) == (
        application.id,
        setup.assessors[0].id,
        AssessmentStatus.ASSIGNED,
    )
    assert assessment.assigned_by_id == setup.manager.id
    assert [m.to_address for m in _outbox()] == [setup.assessors[0].email]
    db.session.expire_all()
    assert db.session.get(type(application), application.id).status == ApplicationStatus.IN_ASSESSMENT
    assert db.session.get(type(setup.round), setup.round.id).status == RoundStatus.ASSESSING
    assert f"has been given {application.reference} and emailed" in _text(client.get(url))


def test_a_hand_made_request_to_assign_a_conflicted_assessor_is_refused_at_the_field(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    conflicted = _give(
        setup,
        0,
        0,
        status=AssessmentStatus.CONFLICTED,
        conflict_kind=ConnectionKind.EMPLOYMENT,
        conflict_reason="I worked there until March.",
    )
    url = f"/staff/applications/{setup.applications[0].id}/assessors"
    response = _post(client, url, {"assessor": str(setup.assessors[0].id)})
    assert response.status_code == 200
    message = f"{setup.assessors[0].full_name} declared a conflict of interest with this application"
    assert error_summary(response) == [message]
    assert field_error(response, "assessor") == message
    # The others can still be chosen; nothing was assigned or sent.
    assert f'value="{setup.assessors[1].id}"' in response.get_data(as_text=True)
    assert [a.status for a in _assessments(setup.round.id)] == [AssessmentStatus.CONFLICTED]
    assert conflicted.id == _assessments(setup.round.id)[0].id
    assert _outbox() == []


@pytest.mark.parametrize(
    ("choice", "message"),
    [("", "Select the assessor to give this application to"), ("999999", "Select an assessor from the list")],
)
def test_assigning_without_choosing_someone_from_the_pool_shows_the_problem(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any, choice: str, message: str
) -> None:
    response = _post(client, f"/staff/applications/{setup.applications[0].id}/assessors", {"assessor": choice})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert field_error(response, "assessor") == message
    assert _assessments(setup.round.id) == []


def test_someone_outside_the_pool_cannot_be_assigned_even_by_a_hand_made_request(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    other_call = staff_user(StaffRole.ASSESSOR, round_id=make_assessment_round(applications=0).round.id)
    response = _post(
        client, f"/staff/applications/{setup.applications[0].id}/assessors", {"assessor": str(other_call.id)}
    )
    assert field_error(response, "assessor") == "Select an assessor from the list"
    assert _assessments(setup.round.id) == []


def test_unassigning_takes_an_unsubmitted_scorecard_away_and_puts_the_application_back_in_the_queue(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    assessment = _give(setup, 0, 0, in_progress=True)
    response = _post(client, f"/staff/assessments/{assessment.id}/unassign")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/applications/{setup.applications[0].id}/assessors"
    [stored] = _assessments(setup.round.id)
    assert (stored.status, stored.unassigned_by_id) == (AssessmentStatus.UNASSIGNED, setup.manager.id)
    page = client.get(response.headers["Location"])
    assert "no longer has" in _text(page)
    # They may be given it again: they are offered in the radios.
    assert f'value="{setup.assessors[0].id}"' in page.get_data(as_text=True)


def test_a_submitted_scorecard_cannot_be_unassigned(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    assessment = _give(setup, 0, 0, submitted=True)
    response = _post(client, f"/staff/assessments/{assessment.id}/unassign")
    assert "only scorecards not yet submitted can be unassigned" in _text(client.get(response.headers["Location"]))
    assert _assessments(setup.round.id)[0].status == AssessmentStatus.SUBMITTED


def test_the_staff_application_page_links_to_its_assessors_and_scores(
    client: IsolatedClient, setup: AssessmentSetup, manager: Any
) -> None:
    application = setup.applications[0]
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f'href="/staff/applications/{application.id}/assessors"' in page
    assert "Assessors and scores" in page
