"""Downloading and removing an application's files: only its organisation and the staff who run the call."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, render_template

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.attachments import add_attachment
from fundapp.applications.models import Application, Attachment
from fundapp.core import storage
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.states import QuestionType
from tests.factories import (
    ApplicationFactory,
    AttachmentFactory,
    FundFactory,
    QuestionFactory,
    QuestionSetFactory,
    SectionFactory,
    applicant_with_organisation,
    staff_user,
)
from tests.helpers import IsolatedClient, csrf_token, sign_in
from tests.sample_files import pdf_bytes


@pytest.fixture()
def draft(db_session: Any) -> dict[str, Any]:
    """A member's draft application with one uploaded PDF, and another organisation's application with its own."""
    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation)
    question = QuestionFactory(
        section=SectionFactory(question_set=QuestionSetFactory(round=application.round)),
        key="evidence",
        type=QuestionType.FILE,
        config={"allowed_file_types": ["pdf"], "max_file_size_mb": 10, "max_files": 3},
    )
    attachment = add_attachment(
        actor=user, application=application, question=question, filename="Needs survey.pdf", data=pdf_bytes()
    )
    other_user, other_organisation = applicant_with_organisation()
    other = AttachmentFactory(application=ApplicationFactory(organisation=other_organisation))
    return {
        "user": user,
        "application": application,
        "attachment": attachment,
        "other_user": other_user,
        "other": other,
    }


def _url(application: Application, attachment: Attachment, action: str = "") -> str:
    return f"/applications/{application.id}/files/{attachment.id}{action}"


def _get(client: IsolatedClient, url: str) -> Any:
    """GET and read the whole response, closing the file it streams (pytest treats unclosed files as errors)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _downloads(attachment: Attachment) -> list[AuditEvent]:
    return [
        event
        for event in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "attachment.downloaded"))
        if event.data.get("attachment_id") == attachment.id
    ]


def _remove(client: IsolatedClient, url: str, *, next_url: str | None = None) -> Any:
    token = csrf_token(client, "/account")
    return client.post(url, query_string={"next": next_url} if next_url else None, data={"csrf_token": token})


# --- downloading ------------------------------------------------------------------------------------------


def test_a_member_downloads_the_file_as_an_attachment_that_browsers_may_not_sniff(
    client: IsolatedClient, draft: dict[str, Any]
) -> None:
    sign_in(client, draft["user"])
    response = _get(client, _url(draft["application"], draft["attachment"]))
    assert response.status_code == 200
    assert response.data == pdf_bytes()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Needs survey.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert _downloads(draft["attachment"]) == []  # an organisation reading its own file is not audited


def test_a_name_with_non_ascii_characters_is_sent_safely(client: IsolatedClient, draft: dict[str, Any]) -> None:
    attachment = AttachmentFactory(application=draft["application"], filename="Évaluation; “final”.pdf")
    sign_in(client, draft["user"])
    response = _get(client, _url(draft["application"], attachment))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C3%89valuation%3B%20%E2%80%9Cfinal%E2%80%9D.pdf" in disposition
    assert "\n" not in disposition and "\r" not in disposition


def test_a_member_of_another_organisation_gets_not_found(client: IsolatedClient, draft: dict[str, Any]) -> None:
    sign_in(client, draft["other_user"])
    assert _get(client, _url(draft["application"], draft["attachment"])).status_code == 404


def test_a_file_id_only_works_under_its_own_application(client: IsolatedClient, draft: dict[str, Any]) -> None:
    # The member guesses another organisation's file id under their own application's address.
    sign_in(client, draft["user"])
    assert _get(client, _url(draft["application"], draft["other"])).status_code == 404
    assert client.post(_url(draft["application"], draft["other"], "/remove")).status_code in {400, 404}
    assert storage.read(draft["other"].storage_key)


def test_unknown_applications_and_files_are_not_found(client: IsolatedClient, draft: dict[str, Any]) -> None:
    sign_in(client, draft["user"])
    application_id, attachment_id = draft["application"].id, draft["attachment"].id
    assert _get(client, f"/applications/{application_id + 10_000}/files/{attachment_id}").status_code == 404
    assert _get(client, f"/applications/{application_id}/files/{attachment_id + 10_000}").status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: IsolatedClient, draft: dict[str, Any]) -> None:
    url = _url(draft["application"], draft["attachment"])
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert client.post(f"{url}/remove").status_code in {302, 400}


def _as_submitted(application: Any) -> None:
    """Staff see an application (and its files) only once it has been submitted."""
    application.reference = f"{application.round.code}-0001"
    application.submitted_at = utcnow()
    db.session.flush()


def test_staff_of_the_call_cannot_see_files_of_a_draft(client: IsolatedClient, draft: dict[str, Any]) -> None:
    sign_in(client, staff_user(StaffRole.FUND_MANAGER, fund_id=draft["application"].round.fund_id))
    assert _get(client, _url(draft["application"], draft["attachment"])).status_code == 404
    assert _downloads(draft["attachment"]) == []


def test_a_fund_manager_of_the_call_downloads_and_the_download_is_audited(
    client: IsolatedClient, draft: dict[str, Any]
) -> None:
    _as_submitted(draft["application"])
    manager = staff_user(StaffRole.FUND_MANAGER, fund_id=draft["application"].round.fund_id)
    sign_in(client, manager)
    response = _get(client, _url(draft["application"], draft["attachment"]))
    assert response.status_code == 200
    assert response.data == pdf_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [event] = _downloads(draft["attachment"])
    assert event.actor_id == manager.id
    assert (event.subject_type, event.subject_id) == ("Application", draft["application"].id)
    assert event.data["filename"] == "Needs survey.pdf"
    assert event.data["question_key"] == "evidence"


def test_a_finance_officer_of_the_call_may_download(client: IsolatedClient, draft: dict[str, Any]) -> None:
    _as_submitted(draft["application"])
    sign_in(client, staff_user(StaffRole.FINANCE_OFFICER, round_id=draft["application"].round_id))
    assert _get(client, _url(draft["application"], draft["attachment"])).status_code == 200
    assert len(_downloads(draft["attachment"])) == 1


@pytest.mark.parametrize(
    "who",
    ["assessor", "fund manager of another fund", "finance officer of another fund"],
)
def test_staff_without_access_to_the_call_get_not_found(
    client: IsolatedClient, draft: dict[str, Any], who: str
) -> None:
    other_fund = FundFactory().id
    user: User = {
        "assessor": lambda: staff_user(StaffRole.ASSESSOR),
        "fund manager of another fund": lambda: staff_user(StaffRole.FUND_MANAGER, fund_id=other_fund),
        "finance officer of another fund": lambda: staff_user(StaffRole.FINANCE_OFFICER, fund_id=other_fund),
    }[who]()
    sign_in(client, user)
    assert _get(client, _url(draft["application"], draft["attachment"])).status_code == 404
    assert _downloads(draft["attachment"]) == []


def test_a_file_missing_from_the_store_is_not_found(client: IsolatedClient, draft: dict[str, Any]) -> None:
    storage.delete(draft["attachment"].storage_key)
    sign_in(client, draft["user"])
    assert _get(client, _url(draft["application"], draft["attachment"])).status_code == 404


# --- removing -----------------------------------------------------------------------------------------


def test_a_member_removes_a_file_from_a_draft_and_returns_to_the_page_they_came_from(
    client: IsolatedClient, draft: dict[str, Any]
) -> None:
    application, attachment = draft["application"], draft["attachment"]
    key, attachment_id = attachment.storage_key, attachment.id
    sign_in(client, draft["user"])
    back = f"/applications/{application.id}/sections/need#evidence"
    response = _remove(client, _url(application, attachment, "/remove"), next_url=back)
    assert response.status_code == 302
    assert response.headers["Location"] == back
    db.session.expire_all()
    assert db.session.get(Attachment, attachment_id) is None
    with pytest.raises(storage.UnknownFile):
        storage.path_of(key)
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "attachment.removed"))
    assert event.actor_id == draft["user"].id


def test_removing_returns_to_the_task_list_unless_the_next_page_is_local(
    client: IsolatedClient, draft: dict[str, Any]
) -> None:
    sign_in(client, draft["user"])
    url = _url(draft["application"], draft["attachment"], "/remove")
    response = _remove(client, url, next_url="https://evil.example/phish")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{draft['application'].id}"


def test_removing_needs_the_form_token(client: IsolatedClient, draft: dict[str, Any]) -> None:
    sign_in(client, draft["user"])
    response = client.post(_url(draft["application"], draft["attachment"], "/remove"))
    assert response.status_code == 400
    assert db.session.get(Attachment, draft["attachment"].id) is not None


def test_files_of_a_submitted_application_cannot_be_removed(client: IsolatedClient, db_session: Any) -> None:
    user, organisation = applicant_with_organisation()
    application = ApplicationFactory(organisation=organisation, submitted=True)
    attachment = AttachmentFactory(application=application)
    sign_in(client, user)
    assert _get(client, _url(application, attachment)).status_code == 200  # still theirs to read
    response = _remove(client, _url(application, attachment, "/remove"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id) is not None
    assert storage.read(attachment.storage_key)


def test_staff_may_read_but_not_remove_an_applicants_file(client: IsolatedClient, draft: dict[str, Any]) -> None:
    _as_submitted(draft["application"])
    sign_in(client, staff_user(StaffRole.FUND_MANAGER))
    assert _remove(client, _url(draft["application"], draft["attachment"], "/remove")).status_code == 403
    assert db.session.get(Attachment, draft["attachment"].id) is not None


def test_a_member_of_another_organisation_cannot_remove_a_file(client: IsolatedClient, draft: dict[str, Any]) -> None:
    sign_in(client, draft["other_user"])
    assert _remove(client, _url(draft["application"], draft["attachment"], "/remove")).status_code == 404
    assert db.session.get(Attachment, draft["attachment"].id) is not None


# --- the list of files (a partial the section and check-answers pages include) -------------------------


def _render_list(app: Flask, draft: dict[str, Any], **options: Any) -> str:
    with app.test_request_context():
        return render_template(
            "applications/_attachments.html",
            attachments=draft["application"].attachments,
            application=draft["application"],
            next_url="/applications/1/sections/need",
            **options,
        )


def test_the_file_list_shows_name_type_size_and_a_download_link(app: Flask, draft: dict[str, Any]) -> None:
    html = _render_list(app, draft, can_edit=False)
    assert f'href="{_url(draft["application"], draft["attachment"])}"' in html
    assert "Needs survey.pdf" in html
    assert re.search(r"PDF,\s+\d+ (KB|bytes)", html)
    assert "Remove" not in html and "<form" not in html


def test_the_file_list_offers_a_remove_button_that_returns_to_the_page(app: Flask, draft: dict[str, Any]) -> None:
    html = _render_list(app, draft, can_edit=True)
    remove = _url(draft["application"], draft["attachment"], "/remove")
    assert f'action="{remove}?next=/applications/1/sections/need"' in html
    assert 'name="csrf_token"' in html
    assert 'Remove<span class="govuk-visually-hidden"> Needs survey.pdf</span>' in html


def test_inside_another_form_the_remove_button_posts_that_form_to_the_remove_address(
    app: Flask, draft: dict[str, Any]
) -> None:
    html = _render_list(app, draft, can_edit=True, inside_form=True)
    assert "<form" not in html
    assert 'formaction="' + _url(draft["application"], draft["attachment"], "/remove") in html
    assert 'formenctype="application/x-www-form-urlencoded"' in html


def test_a_file_listed_by_the_partial_can_be_removed_with_its_own_form(
    app: Flask, client: IsolatedClient, draft: dict[str, Any]
) -> None:
    sign_in(client, draft["user"])
    token = csrf_token(client, "/account")
    html = _render_list(app, draft, can_edit=True)
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    assert action is not None
    response = client.post(action.group(1).replace("&amp;", "&"), data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/applications/1/sections/need"
