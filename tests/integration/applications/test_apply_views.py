"""Applying through the real pages: start, task list, sections that save every post, check pages, edit conflicts,
submitting once before the deadline, the dashboard, withdrawing, and the fund manager's screening and overrides.

Every request runs in its own database session (IsolatedClient), so objects are re-queried after requests.
Service rules themselves are tested in test_services.py; these tests check what people see and what is kept.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.test import TestResponse

from fundapp.accounts.models import Organisation, User
from fundapp.accounts.states import StaffRole
from fundapp.applications import queries
from fundapp.applications.models import Answer, Application, ApplicationSection
from fundapp.applications.states import ApplicationStatus, SectionStatus
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import format_datetime, utcnow
from fundapp.programmes.models import Round
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory, staff_user
from tests.helpers import (
    IsolatedClient,
    error_summary,
    field_error,
    hidden_fields,
    isolated_client,
    page_title,
    post_form,
    sign_in,
)
from tests.integration.applications.conftest import complete_application, started_application
from tests.sef_answers import sef_section_posts
from tests.smtp import SMTPSink

SECTION_TITLES = [
    "Your organisation",
    "About your project",
    "Need and evidence",
    "Activities and outputs",
    "Who will benefit and where",
    "Priority themes",
    "Outcomes and how you will measure them",
    "Safeguarding",
    "Budget and match funding",
    "Risks",
    "Declarations and signatory",
]
MISTAKES = {
    "project_title": "Bridges <not> walls",
    "amount_requested": "twelve grand",
    "start_date-day": "31",
    "start_date-month": "2",
}


def _html(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _text(response: TestResponse) -> str:
    """What the page says: its text without markup, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _events(db_session: Any, action: str, application_id: int) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.subject_id == application_id)
            .order_by(AuditEvent.id)
        )
    )


def _application(db_session: Any, application_id: int) -> Application:
    db_session.expire_all()
    return db_session.get(Application, application_id)


def _raws(db_session: Any, application_id: int) -> dict[str, Any]:
    db_session.expire_all()
    answers = db_session.scalars(sa.select(Answer).where(Answer.application_id == application_id))
    return {answer.question_key: answer.raw for answer in answers}


def _section_status(db_session: Any, application_id: int, key: str) -> SectionStatus:
    db_session.expire_all()
    return db_session.scalar(
        sa.select(ApplicationSection.status).where(
            ApplicationSection.application_id == application_id, ApplicationSection.section_key == key
        )
    )


def _task_statuses(response: TestResponse) -> dict[str, str]:
    """Task list rows: section title → the status shown beside it."""
    rows = re.findall(
        r'<li class="govuk-task-list__item.*?<div class="govuk-task-list__name-and-hint">(.*?)</div>'
        r'.*?<div class="govuk-task-list__status"[^>]*>(.*?)</div>',
        response.get_data(as_text=True),
        re.S,
    )
    clean = lambda s: " ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).split())  # noqa: E731
    return {clean(name): clean(status) for name, status in rows}


def _section_url(application_id: int, key: str, suffix: str = "") -> str:
    return f"/applications/{application_id}/sections/{key}{suffix}"


def _post_section(
    client: IsolatedClient,
    application_id: int,
    key: str,
    data: dict[str, Any],
    *,
    action: str = "continue",
    page: TestResponse | None = None,
) -> TestResponse:
    """Post a section page as the browser would: the token and version of the page as it was loaded."""
    url = _section_url(application_id, key)
    if page is None:
        page = client.get(url)
        assert page.status_code == 200, f"GET {url} gave {page.status_code}"
    return client.post(url, data={**hidden_fields(page), "action": action, **data})


def _complete_section_through_pages(
    client: IsolatedClient, application_id: int, key: str, data: dict[str, Any]
) -> None:
    response = _post_section(client, application_id, key, data)
    assert response.status_code == 302, (key, error_summary(response))
    assert response.headers["Location"] == _section_url(application_id, key, "/check")
    response = post_form(client, _section_url(application_id, key, "/check"), {"completed": "yes"})
    assert response.headers["Location"] == f"/applications/{application_id}", key


@pytest.fixture()
def member(client: IsolatedClient, applicant: tuple[User, Organisation]) -> tuple[User, Organisation]:
    """The applicant, signed in on `client`."""
    sign_in(client, applicant[0])
    return applicant


@pytest.fixture()
def draft(sef_round: Round, member: tuple[User, Organisation]) -> Application:
    user, organisation = member
    return started_application(sef_round, user, organisation)


@pytest.fixture()
def ready(draft: Application, member: tuple[User, Organisation]) -> Application:
    """A draft with every section completed, ready to submit."""
    return complete_application(draft, member[0])


# --- starting ------------------------------------------------------------------------------------------


def test_a_member_of_one_organisation_confirms_it_and_starts_a_draft(
    client: IsolatedClient, sef_round: Round, member: tuple[User, Organisation], db_session: Any
) -> None:
    page = client.get("/calls/SEF-9/apply")
    assert page.status_code == 200
    assert "You are applying for Brixton Bridges Youth Trust" in _text(page)
    response = post_form(client, "/calls/SEF-9/apply", {"organisation": str(member[1].id)})
    assert response.status_code == 302
    application = db_session.scalar(sa.select(Application).where(Application.organisation_id == member[1].id))
    assert application.status == ApplicationStatus.DRAFT
    assert response.headers["Location"] == f"/applications/{application.id}"
    task_list = client.get(response.headers["Location"])
    assert "Your application has been started" in _text(task_list)


def test_a_member_of_two_organisations_chooses_which_one_applies(
    client: IsolatedClient, sef_round: Round, member: tuple[User, Organisation], db_session: Any
) -> None:
    second = MembershipFactory(user=member[0], organisation=OrganisationFactory(name="Peckham Peace Project"))
    page = client.get("/calls/SEF-9/apply")
    assert 'type="radio"' in page.get_data(as_text=True)
    assert "Which organisation is applying?" in _text(page)
    assert "Brixton Bridges Youth Trust" in _text(page) and "Peckham Peace Project" in _text(page)
    unchosen = post_form(client, "/calls/SEF-9/apply", {})
    assert unchosen.status_code == 200
    assert field_error(unchosen, "organisation") == "Select the organisation that is applying"
    response = post_form(client, "/calls/SEF-9/apply", {"organisation": str(second.organisation_id)})
    assert response.status_code == 302
    [application] = db_session.scalars(sa.select(Application))
    assert application.organisation_id == second.organisation_id


def test_someone_without_an_organisation_is_asked_to_add_one_first(
    client: IsolatedClient, sef_round: Round, db_session: Any
) -> None:
    sign_in(client, UserFactory())
    page = client.get("/calls/SEF-9/apply")
    assert page.status_code == 200
    assert "Add your organisation" in _text(page)
    assert "/organisations/new?next=/calls/SEF-9/apply" in _html(page)
    assert "Start application" not in _text(page)
    assert db_session.scalars(sa.select(Application)).all() == []


def test_a_call_past_its_deadline_says_it_has_closed_and_offers_no_form(
    client: IsolatedClient, sef_round: Round, member: tuple[User, Organisation], db_session: Any
) -> None:
    sef_round.closes_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    page = client.get("/calls/SEF-9/apply")
    assert f"It closed at {format_datetime(sef_round.closes_at)}" in _text(page)
    assert "<form" not in page.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0]
    token = hidden_fields(client.get("/account"))["csrf_token"]
    response = client.post("/calls/SEF-9/apply", data={"csrf_token": token, "organisation": str(member[1].id)})
    assert response.status_code == 200
    assert db_session.scalars(sa.select(Application)).all() == []


# --- the task list and section pages -------------------------------------------------------------------


def test_the_task_list_shows_every_section_not_yet_started(client: IsolatedClient, draft: Application) -> None:
    page = client.get(f"/applications/{draft.id}")
    assert page.status_code == 200
    assert _task_statuses(page) == {title: "Not yet started" for title in SECTION_TITLES}
    assert "You have completed 0 of 11 sections" in _text(page)
    assert "Not submitted yet" in _text(page)


def test_a_first_visit_to_a_section_shows_no_errors(client: IsolatedClient, draft: Application) -> None:
    page = client.get(_section_url(draft.id, "project_summary"))
    assert page.status_code == 200
    assert error_summary(page) == []
    assert not page_title(page).startswith("Error:")
    assert "Save and continue" in _text(page) and "Save and come back later" in _text(page)


def test_continuing_with_mistakes_shows_them_at_the_fields_with_what_was_typed_and_saves_it(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    response = _post_section(client, draft.id, "project_summary", MISTAKES)
    assert response.status_code == 200
    assert page_title(response).startswith("Error: About your project")
    summary = error_summary(response)
    assert "Enter an amount in pounds, like £12,500 or 12500.50" in summary
    assert "The date your project will start must include a year" in summary
    assert field_error(response, "amount_requested") == "Enter an amount in pounds, like £12,500 or 12500.50"
    assert field_error(response, "start_date") == "The date your project will start must include a year"
    body = response.get_data(as_text=True)
    assert 'value="twelve grand"' in body
    assert 'value="Bridges &lt;not&gt; walls"' in body  # kept exactly, and escaped
    assert re.search(r'<input[^>]*name="start_date-day"[^>]*value="31"', body)
    raws = _raws(db_session, draft.id)
    assert raws["amount_requested"] == "twelve grand"
    assert raws["project_title"] == "Bridges <not> walls"
    assert raws["start_date"] == {"day": "31", "month": "2", "year": ""}
    assert _section_status(db_session, draft.id, "project_summary") == SectionStatus.IN_PROGRESS


def test_correcting_the_mistakes_on_the_page_shown_again_saves_without_a_conflict(
    client: IsolatedClient, sef_round: Round, draft: Application, db_session: Any
) -> None:
    shown_again = _post_section(client, draft.id, "project_summary", MISTAKES)
    corrected = sef_section_posts(theme_id=sef_round.themes[0].id)["project_summary"]
    response = _post_section(client, draft.id, "project_summary", corrected, page=shown_again)
    assert "Someone else has saved this section" not in _text(response)
    assert response.headers["Location"] == _section_url(draft.id, "project_summary", "/check")
    assert _raws(db_session, draft.id)["amount_requested"] == "£20,000"


def test_save_and_come_back_later_keeps_mistakes_and_shows_them_on_return(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    response = _post_section(client, draft.id, "project_summary", MISTAKES, action="later")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{draft.id}"
    task_list = client.get(response.headers["Location"])
    assert "Your answers have been saved. Some of them need attention" in _text(task_list)
    assert _task_statuses(task_list)["About your project"] == "In progress"
    assert _raws(db_session, draft.id)["amount_requested"] == "twelve grand"

    back = client.get(_section_url(draft.id, "project_summary"))
    assert 'value="twelve grand"' in back.get_data(as_text=True)
    assert field_error(back, "amount_requested") == "Enter an amount in pounds, like £12,500 or 12500.50"
    assert page_title(back).startswith("Error:")


def test_save_and_come_back_later_with_good_answers_says_they_are_saved(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    response = _post_section(client, draft.id, "risks", {"risks": "The venue may close"}, action="later")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Your answers have been saved. You can come back to them at any time" in _text(page)
    assert _raws(db_session, draft.id)["risks"] == "The venue may close"


def test_a_valid_section_goes_to_its_check_page_and_yes_marks_it_completed(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    response = _post_section(client, draft.id, "risks", {"risks": "The venue may close"})
    assert response.status_code == 302
    check_url = _section_url(draft.id, "risks", "/check")
    assert response.headers["Location"] == check_url
    check = client.get(check_url)
    assert "Have you completed this section?" in _text(check)
    assert "The venue may close" in _text(check)
    response = post_form(client, check_url, {"completed": "yes"})
    assert response.status_code == 302
    task_list = client.get(response.headers["Location"])
    assert _task_statuses(task_list)["Risks"] == "Completed"
    assert "You have completed 1 of 11 sections" in _text(task_list)


def test_answering_no_on_the_check_page_leaves_the_section_in_progress(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    _post_section(client, draft.id, "risks", {"risks": "The venue may close"})
    response = post_form(client, _section_url(draft.id, "risks", "/check"), {"completed": "no"})
    assert response.status_code == 302
    assert _section_status(db_session, draft.id, "risks") == SectionStatus.IN_PROGRESS


def test_yes_on_a_section_with_problems_is_refused_with_a_message(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    _post_section(client, draft.id, "project_summary", MISTAKES, action="later")
    check_url = _section_url(draft.id, "project_summary", "/check")
    check = client.get(check_url)
    assert "Enter an amount in pounds" in _text(check)  # the problem is shown beside the answer
    response = post_form(client, check_url, {"completed": "yes"})
    assert response.status_code == 200
    assert field_error(response, "completed") == (
        "You cannot mark this section as completed until every answer is given and correct"
    )
    assert _section_status(db_session, draft.id, "project_summary") == SectionStatus.IN_PROGRESS


def test_a_section_that_is_not_in_the_form_is_not_found(client: IsolatedClient, draft: Application) -> None:
    assert client.get(_section_url(draft.id, "bank_details")).status_code == 404
    assert client.get(_section_url(draft.id, "bank_details", "/check")).status_code == 404


# --- two members editing the same section ---------------------------------------------------------------


def test_two_members_saving_the_same_section_never_overwrite_each_other(
    app: Any, client: IsolatedClient, draft: Application, member: tuple[User, Organisation], db_session: Any
) -> None:
    colleague = MembershipFactory(organisation=member[1], user=UserFactory(full_name="Kemi Adeyemi")).user
    other_browser = isolated_client(app)
    sign_in(other_browser, colleague)
    url = _section_url(draft.id, "project_summary")
    my_page, their_page = client.get(url), other_browser.get(url)

    theirs = _post_section(
        other_browser,
        draft.id,
        "project_summary",
        {"project_title": "Bridges not walls"},
        page=their_page,
        action="later",
    )
    assert theirs.status_code == 302
    mine = _post_section(client, draft.id, "project_summary", {"project_title": "Walls into bridges"}, page=my_page)

    assert mine.status_code == 200
    assert "Someone else has saved this section" in _text(mine)
    assert "Kemi Adeyemi saved this section at" in _text(mine)
    assert page_title(mine).startswith("Error:")
    body = mine.get_data(as_text=True)
    assert 'value="Walls into bridges"' in body  # what I typed is still in the form
    saved_part = body.split('id="saved-version"', 1)[1]
    assert "The answers saved by Kemi Adeyemi" in html.unescape(body)
    assert "Bridges not walls" in saved_part  # and what they saved is listed beside it
    assert _raws(db_session, draft.id)["project_title"] == "Bridges not walls"

    # Having compared both, I save again from the page I was shown: now it is deliberate, and it saves.
    again = _post_section(client, draft.id, "project_summary", {"project_title": "Walls into bridges"}, page=mine)
    assert again.status_code == 200  # other answers in the section are still missing
    assert "Someone else has saved this section" not in _text(again)
    assert _raws(db_session, draft.id)["project_title"] == "Walls into bridges"


def test_after_a_conflict_the_saved_answers_are_read_as_they_are_now_not_as_first_loaded(
    draft: Application, member: tuple[User, Organisation], db_session: Any
) -> None:
    # On PostgreSQL the other member can commit between this request loading the answers and its own save.
    complete_application(draft, member[0])
    loaded = queries.get_application(draft.id)
    assert {a.question_key: a.raw for a in loaded.answers}["risks"] != "Changed by a colleague"
    db_session.execute(
        sa.update(Answer)
        .where(Answer.application_id == draft.id, Answer.question_key == "risks")
        .values(raw="Changed by a colleague")
        .execution_options(synchronize_session=False)
    )
    saved = {answer.question_key: answer.raw for answer in queries.list_answers(draft.id)}
    assert saved["risks"] == "Changed by a colleague"


# --- the whole journey, submitting, the deadline ---------------------------------------------------------


def test_the_whole_journey_through_the_pages_ends_with_a_reference_an_email_and_a_pdf(
    client: IsolatedClient, sef_round: Round, member: tuple[User, Organisation], db_session: Any, mail: SMTPSink
) -> None:
    user, organisation = member
    post_form(client, "/calls/SEF-9/apply", {"organisation": str(organisation.id)})
    application_id = db_session.scalar(sa.select(Application.id))
    for key, data in sef_section_posts(theme_id=sef_round.themes[0].id).items():
        _complete_section_through_pages(client, application_id, key, data)
    task_list = client.get(f"/applications/{application_id}")
    assert set(_task_statuses(task_list).values()) == {"Completed"}

    check = client.get(f"/applications/{application_id}/check-answers")
    assert page_title(check).startswith("Check your answers before submitting your application")
    for title in SECTION_TITLES:
        assert f'">{title}</h2>' in check.get_data(as_text=True), title
    assert "Bridges not walls" in _text(check)
    assert "Submit application" in _text(check)

    token = hidden_fields(check)["csrf_token"]
    response = client.post(f"/applications/{application_id}/check-answers", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{application_id}/submitted"
    submitted = client.get(response.headers["Location"])
    assert "govuk-panel" in submitted.get_data(as_text=True)
    assert "Application submitted" in _text(submitted)
    assert "SEF-9-0001" in _text(submitted)

    application = _application(db_session, application_id)
    assert application.reference == "SEF-9-0001"
    assert application.status == ApplicationStatus.ELIGIBLE
    [email] = mail.to(user.email)
    assert email["Subject"] == "Application SEF-9-0001 received"
    assert "SEF-9-0001" in email.get_content()

    pdf = client.get(f"/applications/{application_id}/copy.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert "application-SEF-9-0001.pdf" in pdf.headers["Content-Disposition"]
    assert pdf.get_data().startswith(b"%PDF")
    pdf.close()


def test_check_answers_lists_what_is_left_and_offers_no_submit_button(
    client: IsolatedClient, draft: Application
) -> None:
    page = client.get(f"/applications/{draft.id}/check-answers")
    assert page.status_code == 200
    assert "You cannot submit your application yet" in _text(page)
    # Nothing has been submitted, so no error summary: the sections left are links to them.
    assert "govuk-error-summary" not in page.get_data(as_text=True)
    assert f'href="/applications/{draft.id}/sections/project_summary">About your project: not started</a>' in (
        page.get_data(as_text=True)
    )
    assert not page_title(page).startswith("Error:")
    assert "Submit application" not in _text(page)


def test_submitting_an_incomplete_application_shows_what_is_left_on_the_same_page(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    token = hidden_fields(client.get(f"/applications/{draft.id}/check-answers"))["csrf_token"]
    response = client.post(f"/applications/{draft.id}/check-answers", data={"csrf_token": token})
    assert response.status_code == 200
    assert page_title(response).startswith("Error: Check your answers before submitting your application")
    # The error summary links to the sections' headings on this page, which take focus.
    assert "About your project: not started" in error_summary(response)
    assert 'href="#section-project_summary"' in response.get_data(as_text=True)
    assert 'id="section-project_summary" tabindex="-1"' in response.get_data(as_text=True)
    assert _application(db_session, draft.id).status == ApplicationStatus.DRAFT


def test_a_double_click_on_submit_submits_once(
    client: IsolatedClient, ready: Application, member: tuple[User, Organisation], db_session: Any, mail: SMTPSink
) -> None:
    token = hidden_fields(client.get(f"/applications/{ready.id}/check-answers"))["csrf_token"]
    first = client.post(f"/applications/{ready.id}/check-answers", data={"csrf_token": token})
    second = client.post(f"/applications/{ready.id}/check-answers", data={"csrf_token": token})
    assert first.headers["Location"] == second.headers["Location"] == f"/applications/{ready.id}/submitted"
    application = _application(db_session, ready.id)
    assert application.reference == "SEF-9-0001"
    assert application.round.last_application_number == 1
    assert len(_events(db_session, "application.submitted", ready.id)) == 1
    assert len(mail.to(member[0].email)) == 1


def test_submitting_a_few_seconds_before_the_deadline_succeeds(
    client: IsolatedClient, ready: Application, db_session: Any
) -> None:
    ready.round.closes_at = utcnow() + timedelta(seconds=5)
    db_session.commit()
    token = hidden_fields(client.get(f"/applications/{ready.id}/check-answers"))["csrf_token"]
    response = client.post(f"/applications/{ready.id}/check-answers", data={"csrf_token": token})
    assert response.headers["Location"] == f"/applications/{ready.id}/submitted"
    assert _application(db_session, ready.id).reference == "SEF-9-0001"


def test_submitting_a_second_after_the_deadline_keeps_the_draft_and_says_the_call_has_closed(
    client: IsolatedClient, ready: Application, db_session: Any, mail: SMTPSink
) -> None:
    before = _raws(db_session, ready.id)
    page = client.get(f"/applications/{ready.id}/check-answers")
    assert "Submit application" in _text(page)  # loaded while the call was open…
    round_ = db_session.get(Round, ready.round_id)
    round_.closes_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    closed_at = format_datetime(round_.closes_at)

    # …and sent after it closed
    response = client.post(f"/applications/{ready.id}/check-answers", data=hidden_fields(page))
    assert response.headers["Location"] == f"/applications/{ready.id}/check-answers"
    shown = client.get(response.headers["Location"])
    assert f"This call closed at {closed_at}." in _text(shown)
    assert "Your draft is kept, but it can no longer be submitted" in _text(shown)
    assert "Submit application" not in _text(shown)
    application = _application(db_session, ready.id)
    assert (application.status, application.reference) == (ApplicationStatus.DRAFT, None)
    assert _raws(db_session, ready.id) == before
    assert _events(db_session, "application.submitted", ready.id) == []
    assert mail.messages == []
    task_list = client.get(f"/applications/{ready.id}")
    assert f"This call closed at {closed_at}" in _text(task_list)


# --- the applicant's dashboard and what they are told ---------------------------------------------------


def test_the_dashboard_lists_the_organisations_applications_in_applicant_wording(
    client: IsolatedClient, member: tuple[User, Organisation], db_session: Any
) -> None:
    organisation = member[1]
    ApplicationFactory(organisation=organisation, project_title="Drafting")
    ApplicationFactory(organisation=organisation, project_title="Being looked at", eligible=True)
    ApplicationFactory(organisation=organisation, project_title="Turned away", ineligible=True)
    ApplicationFactory(organisation=organisation, project_title="Given up", withdrawn=True)
    ApplicationFactory(project_title="Someone else's", eligible=True)
    page = client.get("/applications")
    assert page.status_code == 200
    rows = {
        title: status
        for title, status in re.findall(
            r'<a class="govuk-link" href="/applications/\d+">(.*?)</a>'
            r'.*?<strong class="govuk-tag[^"]*">\s*(.*?)\s*</strong>',
            _html(page),
            re.S,
        )
    }
    assert rows == {
        "Drafting": "Not submitted yet",
        "Being looked at": "Submitted – being assessed",
        "Turned away": "Not eligible",
        "Given up": "Withdrawn",
    }


def test_an_ineligible_applications_page_gives_the_reasons_in_plain_words(
    client: IsolatedClient, member: tuple[User, Organisation]
) -> None:
    application = ApplicationFactory(organisation=member[1], ineligible=True)
    page = client.get(f"/applications/{application.id}")
    assert page.status_code == 200
    assert "Your application is not eligible for this call, for these reasons:" in _text(page)
    assert "<li>The amount requested is not inside any tier</li>" in _html(page)
    assert "Not eligible" in _text(page)
    assert "Ineligible" not in _text(page)  # staff wording stays with staff


def test_withdrawing_without_a_reason_shows_the_error_at_the_field(
    client: IsolatedClient, draft: Application, db_session: Any
) -> None:
    page = client.get(f"/applications/{draft.id}/withdraw")
    assert page.status_code == 200
    assert "Why are you withdrawing your application?" in _text(page)
    response = post_form(client, f"/applications/{draft.id}/withdraw", {"reason": "  "})
    assert response.status_code == 200
    assert field_error(response, "reason") == "Enter why you are withdrawing the application"
    assert _application(db_session, draft.id).status == ApplicationStatus.DRAFT


def test_withdrawing_with_a_reason_is_audited_and_returns_to_the_dashboard(
    client: IsolatedClient, draft: Application, member: tuple[User, Organisation], db_session: Any
) -> None:
    response = post_form(client, f"/applications/{draft.id}/withdraw", {"reason": "We found other funding"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/applications"
    dashboard = client.get("/applications")
    assert "Your application has been withdrawn." in _text(dashboard)
    assert "Withdrawn" in _text(dashboard)
    application = _application(db_session, draft.id)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawal_reason == "We found other funding"
    [event] = _events(db_session, "application.withdrawn", draft.id)
    assert (event.actor_id, event.data["reason"]) == (member[0].id, "We found other funding")
    assert client.get(f"/applications/{draft.id}/withdraw").headers["Location"] == f"/applications/{draft.id}"


# --- staff: the screening queue and overrides ------------------------------------------------------------


@pytest.fixture()
def fund_manager(client: IsolatedClient, sef_round: Round) -> User:
    user = staff_user(StaffRole.FUND_MANAGER, fund_id=sef_round.fund_id)
    sign_in(client, user)
    return user


def test_the_screening_queue_lists_submitted_applications_ineligible_first_with_reasons(
    client: IsolatedClient, sef_round: Round, fund_manager: User
) -> None:
    eligible = ApplicationFactory(round=sef_round, eligible=True, project_title="Good to go")
    ineligible = ApplicationFactory(round=sef_round, ineligible=True, project_title="Out of range")
    ApplicationFactory(round=sef_round, project_title="Still drafting")
    page = client.get(f"/staff/calls/{sef_round.id}/screening")
    assert page.status_code == 200
    text = _text(page)
    assert "2 submitted; 1 ineligible" in text
    assert text.index(ineligible.reference) < text.index(eligible.reference)
    assert "The amount requested is not inside any tier" in text
    assert "Still drafting" not in text
    assert f"/staff/applications/{ineligible.id}/eligibility" in _html(page)


def test_the_screening_queue_keeps_applications_that_have_moved_on_to_assessment(
    client: IsolatedClient, sef_round: Round, fund_manager: User
) -> None:
    assessed = ApplicationFactory(round=sef_round, eligible=True, status=ApplicationStatus.IN_ASSESSMENT)
    page = client.get(f"/staff/calls/{sef_round.id}/screening")
    text = _text(page)
    assert assessed.reference in text and "In assessment" in text
    assert f"/staff/applications/{assessed.id}/eligibility" not in _html(page)


def test_an_override_without_a_reason_is_refused_at_the_field(
    client: IsolatedClient, sef_round: Round, fund_manager: User, db_session: Any
) -> None:
    application = ApplicationFactory(round=sef_round, ineligible=True)
    url = f"/staff/applications/{application.id}/eligibility"
    response = post_form(client, url, {"decision": "eligible", "reason": ""})
    assert response.status_code == 200
    assert field_error(response, "reason") == "Enter the reason for changing the eligibility decision"
    assert _application(db_session, application.id).status == ApplicationStatus.INELIGIBLE


def test_a_fund_manager_overrides_eligibility_with_a_reason_and_the_applicant_is_told(
    client: IsolatedClient, sef_round: Round, fund_manager: User, db_session: Any, mail: SMTPSink
) -> None:
    membership = MembershipFactory()
    application = ApplicationFactory(round=sef_round, ineligible=True, organisation=membership.organisation)
    url = f"/staff/applications/{application.id}/eligibility"
    assert "What should the eligibility decision be?" in _text(client.get(url))
    reason = "The tier was entered wrongly on the form; the amount is inside Tier 1"
    response = post_form(client, url, {"decision": "eligible", "reason": reason})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/calls/{sef_round.id}/screening"
    queue = client.get(response.headers["Location"])
    assert f"{application.reference} is now eligible. The applicant has been told." in _text(queue)
    assert f"Overridden: {reason}" in _text(queue)

    changed = _application(db_session, application.id)
    assert changed.status == ApplicationStatus.ELIGIBLE
    [event] = _events(db_session, "application.eligibility_overridden", application.id)
    assert (event.actor_id, event.data["reason"]) == (fund_manager.id, reason)
    [email] = mail.to(membership.user.email)
    assert email["Subject"] == f"Application {application.reference}: eligible for assessment"
    assert "has passed our eligibility check" in email.get_content()
