"""Regressions found by clicking through the pages in a browser."""

from __future__ import annotations

import re

import sqlalchemy as sa

from fundapp.applications import services
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.extensions import db
from tests.helpers import csrf_token, error_summary, sign_in
from tests.integration.applications.conftest import complete_application, started_application


def _version_on(page: str) -> str:
    match = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(r'value="(\d+)"[^>]*name="version"', page)
    assert match is not None
    return match.group(1)


def test_a_section_shown_again_with_errors_can_be_saved_again_without_a_conflict(client, sef_round, applicant) -> None:
    user, organisation = applicant
    application = started_application(sef_round, user, organisation)
    sign_in(client, user)
    url = f"/applications/{application.id}/sections/project_summary"
    token = csrf_token(client, url)
    first = client.post(
        url, data={"csrf_token": token, "version": "0", "action": "continue", "amount_requested": "lots"}
    )
    assert first.status_code == 200
    assert "Enter an amount in pounds, like £12,500 or 12500.50" in error_summary(first)
    assert _version_on(first.get_data(as_text=True)) == "1"
    second = client.post(
        url,
        data={"csrf_token": token, "version": "1", "action": "continue", "amount_requested": "£20,000"},
    )
    page = second.get_data(as_text=True)
    assert "Someone else has saved this section" not in page
    assert _version_on(page) == "2"


def test_the_confirmation_panel_shows_the_reference_as_text_not_markup(client, sef_round, applicant) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    sign_in(client, user)
    page = client.get(f"/applications/{application.id}/submitted").get_data(as_text=True)
    assert '<strong class="app-reference">SEF-9-0001</strong>' in page
    assert "&lt;strong" not in page


def test_the_pdf_copy_names_who_submitted_it_when_submitted_through_the_page(client, sef_round, applicant) -> None:
    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    sign_in(client, user)
    token = csrf_token(client, f"/applications/{application.id}/check-answers")
    client.post(f"/applications/{application.id}/check-answers", data={"csrf_token": token})
    document = db.session.scalar(sa.select(StoredDocument).where(StoredDocument.subject_id == application.id))
    assert document is not None
    assert document.inputs["submitted_by"] == user.full_name


def test_staff_downloading_the_pdf_copy_is_audited_and_members_are_not(client, sef_round, applicant) -> None:
    from fundapp.accounts.states import StaffRole
    from fundapp.core.audit import AuditEvent
    from tests.factories import staff_user

    user, organisation = applicant
    application = complete_application(started_application(sef_round, user, organisation), user)
    services.submit_application(actor=user, application=application, now=utcnow())
    sign_in(client, user)
    with client.get(f"/applications/{application.id}/copy.pdf") as own:
        assert own.status_code == 200
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=sef_round.fund_id)
    staff_client = type(client)(client.application, client.response_wrapper, use_cookies=True)
    sign_in(staff_client, manager)
    with staff_client.get(f"/applications/{application.id}/copy.pdf") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application_copy.downloaded")))
    assert [event.actor_id for event in events] == [manager.id]
