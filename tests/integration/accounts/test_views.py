"""Account pages through the test client: register, sign in and out, reset, profile, organisations, invitations."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import unquote, urlencode

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundapp.accounts.models import Organisation, User
from fundapp.accounts.passwords import verify_password
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory, applicant_with_organisation, staff_user
from tests.helpers import csrf_token, error_summary, isolated_client, page_title, post_form, sign_in
from tests.smtp import SMTPSink

NEW_PASSWORD = "a brand new passphrase"
SIGN_IN_ERROR = "Enter a correct email address and password"
ORGANISATION_FORM = {
    "name": "Peckham Youth Boxing",
    "legal_type": "cio",
    "charity_number": "1234567",
    "address_line_1": "1 High Street",
    "town": "London",
    "postcode": "se15 5ab",
    "borough_gss": "E09000028",
    "annual_income": "£45,000",
}


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _heading(response: TestResponse) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", _text(response), re.S)
    assert match is not None, "page has no <h1>"
    return " ".join(html.unescape(match.group(1)).split())


def _field_error(response: TestResponse, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', _text(response), re.S)
    assert match is not None, f"no error shown at {field}"
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(match.group(1))).replace("Error:", "", 1).split())


def _link_path(mail: SMTPSink, to: str) -> str:
    [message] = mail.to(to)
    match = re.search(r"http://localhost(/\S+)", message.get_content())
    assert match is not None, message.get_content()
    return match.group(1)


def _events(db_session: Any, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    assert response.status_code in {200, 302}
    return response.status_code == 200


# --- registering ------------------------------------------------------------------------------------------


def test_register_signs_you_in_and_asks_about_your_organisation(client: FlaskClient, db_session: Any) -> None:
    response = post_form(
        client, "/register", {"full_name": "Ada Lovelace", "email": "Ada@Example.org", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/new"
    page = client.get("/organisations/new")
    assert page.status_code == 200
    assert "Your account has been created. Next, tell us about your organisation." in _text(page)
    user = db_session.scalar(sa.select(User).where(User.email == "ada@example.org"))
    assert user is not None and user.full_name == "Ada Lovelace"


def test_register_with_an_email_that_has_an_account_shows_the_error_at_the_email_field(
    client: FlaskClient, db_session: Any
) -> None:
    existing = UserFactory()

    response = post_form(
        client, "/register", {"full_name": "Someone", "email": existing.email.upper(), "password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Create an account")
    assert _field_error(response, "email").startswith("An account already exists with this email address")
    assert not _signed_in(client)


def test_register_with_a_short_password_keeps_the_name_and_email(client: FlaskClient) -> None:
    response = post_form(client, "/register", {"full_name": "Ada", "email": "ada@example.org", "password": "short"})

    assert response.status_code == 200
    assert error_summary(response) == ["Password must be 12 characters or more"]
    assert 'value="ada@example.org"' in _text(response)


# --- signing in -------------------------------------------------------------------------------------------


def _comparable(response: TestResponse, typed_email: str) -> str:
    """The page with what legitimately differs between two requests blanked out."""
    body = _text(response).replace(typed_email, "EMAIL")
    body = re.sub(r'name="csrf_token"([^>]*?)value="[^"]+"', r'name="csrf_token"\1value="TOKEN"', body)
    return re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', body)


def test_sign_in_with_unknown_email_says_the_same_as_wrong_password(client: FlaskClient) -> None:
    user = UserFactory()

    wrong_password = post_form(client, "/sign-in", {"email": user.email, "password": "not my password"})
    unknown_email = post_form(client, "/sign-in", {"email": "nobody@example.org", "password": "not my password"})

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert error_summary(wrong_password) == error_summary(unknown_email) == [SIGN_IN_ERROR]
    assert page_title(wrong_password) == page_title(unknown_email)
    assert page_title(wrong_password).startswith("Error: Sign in")
    assert _comparable(wrong_password, user.email) == _comparable(unknown_email, "nobody@example.org")
    assert "not my password" not in _text(wrong_password)


def test_a_disabled_account_cannot_sign_in(client: FlaskClient) -> None:
    user = UserFactory(disabled=True)

    response = post_form(client, "/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert error_summary(response) == [SIGN_IN_ERROR]
    assert not _signed_in(client)


def test_sign_in_replaces_the_session_so_nothing_planted_before_survives(client: FlaskClient) -> None:
    user = UserFactory()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    sign_in(client, user)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.session_token
    assert _signed_in(client)


def test_a_signed_out_visitor_is_sent_to_sign_in_and_brought_back(client: FlaskClient) -> None:
    user = UserFactory()

    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account"

    response = post_form(client, response.headers["Location"], {"email": user.email, "password": DEFAULT_PASSWORD})

    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account?x=1", "/account?x=1"),
        ("https://evil.com", "/"),
        ("//evil.com", "/"),
        ("/\\evil.com", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_sign_in_follows_next_only_to_a_local_path(client: FlaskClient, next_url: str, expected: str) -> None:
    user = UserFactory()

    response = post_form(
        client, "/sign-in?" + urlencode({"next": next_url}), {"email": user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("control", ["\t", "\n", "\r"])
def test_a_next_hiding_a_protocol_relative_url_behind_control_characters_stays_on_site(
    client: FlaskClient, control: str
) -> None:
    # Browsers drop tabs and newlines from URLs, so "/\t/evil.com" would become "//evil.com".
    user = UserFactory()

    response = post_form(
        client,
        "/sign-in?" + urlencode({"next": f"/{control}/evil.com"}),
        {"email": user.email, "password": DEFAULT_PASSWORD},
    )

    location = response.headers["Location"]
    assert location.startswith("/")
    assert not re.sub(r"[\t\n\r]", "", location).startswith("//")


def test_sign_out_ends_the_session_and_is_audited(client: FlaskClient, db_session: Any) -> None:
    user = UserFactory()
    sign_in(client, user)

    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out." in _text(client.get("/sign-in"))
    protected = client.get("/account")
    assert protected.status_code == 302
    assert protected.headers["Location"].startswith("/sign-in")
    [event] = _events(db_session, "auth.signed_out")
    assert (event.actor_id, event.subject_id) == (user.id, user.id)


# --- forgotten passwords ----------------------------------------------------------------------------------


def test_forgot_password_emails_a_link_that_sets_a_new_password_once(
    client: FlaskClient, app: Flask, db_session: Any, mail: SMTPSink
) -> None:
    user = UserFactory()

    response = post_form(client, "/forgot-password", {"email": user.email})
    assert response.status_code == 200
    assert _heading(response) == "Check your email"

    link = _link_path(mail, user.email)
    assert link.startswith("/reset-password/")
    assert _heading(client.get(link)) == "Choose a new password"

    response = post_form(client, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Your password has been changed." in _text(client.get(response.headers["Location"]))
    assert _signed_in(client)
    db_session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)

    again = client.get(link)
    assert again.status_code == 410
    assert _heading(again) == "Link expired"
    assert "This link has expired or has already been used. Ask for a new one." in _text(again)
    sign_in(isolated_client(app), user, password=NEW_PASSWORD)


def test_forgot_password_for_an_unknown_email_shows_the_same_page_and_sends_nothing(
    client: FlaskClient, mail: SMTPSink
) -> None:
    user = UserFactory()
    known = post_form(client, "/forgot-password", {"email": user.email})
    mail.clear()

    unknown = post_form(client, "/forgot-password", {"email": "nobody@example.org"})

    assert unknown.status_code == known.status_code == 200
    assert _comparable(unknown, "nobody@example.org") == _comparable(known, user.email)
    assert mail.messages == []


def test_a_made_up_reset_link_is_expired(client: FlaskClient) -> None:
    response = client.get("/reset-password/made-up-token")

    assert response.status_code == 410
    assert _heading(response) == "Link expired"


# --- your account -----------------------------------------------------------------------------------------


def test_profile_update_saves_your_name_and_phone(client: FlaskClient, db_session: Any) -> None:
    user = UserFactory()
    sign_in(client, user)

    response = post_form(client, "/account", {"full_name": "Grace Hopper", "phone": "020 7946 0000"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = client.get("/account")
    assert "Your details have been saved." in _text(page)
    assert 'value="Grace Hopper"' in _text(page)
    db_session.refresh(user)
    assert (user.full_name, user.phone) == ("Grace Hopper", "020 7946 0000")


def test_profile_with_a_bad_phone_number_shows_the_error_and_saves_nothing(
    client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory(full_name="Ada Lovelace")
    sign_in(client, user)

    response = post_form(client, "/account", {"full_name": "Grace Hopper", "phone": "call me"})

    assert response.status_code == 200
    assert _field_error(response, "phone").startswith("Enter a telephone number")
    assert 'value="Grace Hopper"' in _text(response)
    db_session.refresh(user)
    assert user.full_name == "Ada Lovelace"


def test_change_password_keeps_this_session_and_signs_out_every_other(
    client: FlaskClient, app: Flask, db_session: Any
) -> None:
    user = UserFactory()
    other_device = isolated_client(app)
    sign_in(client, user)
    sign_in(other_device, user)

    response = post_form(
        client, "/account/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "Any other devices have been signed out." in _text(client.get("/account"))
    redirected = other_device.get("/account")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith("/sign-in")
    db_session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_change_password_with_a_wrong_current_password_shows_the_error_at_that_field(
    client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory()
    sign_in(client, user)

    response = post_form(client, "/account/password", {"current_password": "wrong", "new_password": NEW_PASSWORD})

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Change your password")
    assert _field_error(response, "current_password") == "Your current password is not correct"
    db_session.refresh(user)
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)


# --- organisations ----------------------------------------------------------------------------------------


def test_creating_an_organisation_makes_you_its_owner(client: FlaskClient, db_session: Any) -> None:
    user = UserFactory()
    sign_in(client, user)

    response = post_form(client, "/organisations/new", ORGANISATION_FORM)

    assert response.status_code == 302
    organisation = db_session.scalar(sa.select(Organisation).where(Organisation.name == "Peckham Youth Boxing"))
    assert organisation is not None
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
    assert (organisation.postcode, organisation.annual_income_pence) == ("SE15 5AB", 4_500_000)
    page = _text(client.get(response.headers["Location"]))
    assert "Peckham Youth Boxing has been added." in page
    assert "£45,000" in page
    assert "Southwark" in page
    assert user.email in page


def test_creating_an_organisation_from_apply_goes_back_to_apply(client: FlaskClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    response = post_form(client, "/organisations/new?next=/calls/SEF-6/apply", ORGANISATION_FORM)
    assert response.headers["Location"] == "/calls/SEF-6/apply"


def test_creating_an_organisation_never_goes_to_another_site(client: FlaskClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    response = post_form(client, "/organisations/new?next=//evil.example/", ORGANISATION_FORM)
    assert response.headers["Location"].startswith("/organisations/")


def test_changing_organisation_details_from_an_application_goes_back_to_it(
    client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory()
    sign_in(client, user)
    created = post_form(client, "/organisations/new", ORGANISATION_FORM).headers["Location"]
    edit = f"{created}/edit?next=/applications/7/sections/organisation"
    response = post_form(client, edit, {**ORGANISATION_FORM, "town": "Peckham"})
    assert response.headers["Location"] == "/applications/7/sections/organisation"


def test_organisation_form_errors_are_shown_at_the_fields_and_keep_what_was_typed(
    client: FlaskClient, db_session: Any
) -> None:
    sign_in(client, UserFactory())

    response = post_form(
        client, "/organisations/new", {**ORGANISATION_FORM, "charity_number": "12AB", "postcode": "nowhere"}
    )

    assert response.status_code == 200
    assert page_title(response).startswith("Error: ")
    assert _field_error(response, "charity_number").startswith("Enter a charity number in the right format")
    assert _field_error(response, "postcode") == "Enter a real postcode, like SE1 2AA"
    assert len(error_summary(response)) == 2
    body = _text(response)
    assert 'value="12AB"' in body
    assert 'value="nowhere"' in body
    assert 'value="Peckham Youth Boxing"' in body
    assert db_session.scalar(sa.select(Organisation).where(Organisation.name == "Peckham Youth Boxing")) is None


def test_a_member_cannot_see_or_change_another_organisation(client: FlaskClient) -> None:
    member, own = applicant_with_organisation()
    _, other = applicant_with_organisation()
    sign_in(client, member)

    assert client.get(f"/organisations/{own.id}").status_code == 200
    for path in (f"/organisations/{other.id}", f"/organisations/{other.id}/edit", f"/organisations/{other.id}/invite"):
        assert client.get(path).status_code == 404, path


def test_staff_can_see_any_organisation_but_not_change_it(client: FlaskClient) -> None:
    _, organisation = applicant_with_organisation()
    sign_in(client, staff_user(StaffRole.ASSESSOR))

    page = client.get(f"/organisations/{organisation.id}")
    assert page.status_code == 200
    assert organisation.name in _text(page)
    assert f"/organisations/{organisation.id}/edit" not in _text(page)
    assert client.get(f"/organisations/{organisation.id}/edit").status_code == 403


def test_an_organisation_that_does_not_exist_is_not_found(client: FlaskClient) -> None:
    sign_in(client, UserFactory())

    assert client.get("/organisations/999999").status_code == 404


def test_editing_an_organisation_shows_its_income_as_typed_and_saves_changes(
    client: FlaskClient, db_session: Any
) -> None:
    user, organisation = applicant_with_organisation(annual_income_pence=4_500_050)
    sign_in(client, user)
    edit = f"/organisations/{organisation.id}/edit"
    assert 'value="45000.50"' in _text(client.get(edit))

    response = post_form(
        client,
        edit,
        {
            **ORGANISATION_FORM,
            "name": "Renamed Group",
            "charity_number": organisation.charity_number or "",
            "annual_income": "45000.50",
        },
    )

    assert response.status_code == 302
    db_session.refresh(organisation)
    assert (organisation.name, organisation.annual_income_pence) == ("Renamed Group", 4_500_050)
    [event] = _events(db_session, "organisation.updated")
    assert "name" in event.data["changed"]


# --- invitations ------------------------------------------------------------------------------------------


def _invite_by_view(client: FlaskClient, mail: SMTPSink, email: str) -> tuple[Organisation, str]:
    owner, organisation = applicant_with_organisation()
    sign_in(client, owner)
    response = post_form(client, f"/organisations/{organisation.id}/invite", {"email": email})
    assert response.status_code == 302
    assert f"We have emailed an invitation to {email}." in _text(client.get(response.headers["Location"]))
    return organisation, _link_path(mail, email)


def test_an_invitation_lets_a_colleague_join_once(
    client: FlaskClient, app: Flask, db_session: Any, mail: SMTPSink
) -> None:
    organisation, link = _invite_by_view(client, mail, "invitee@example.org")
    invitee = UserFactory(email="invitee@example.org")
    browser = isolated_client(app)

    landing = browser.get(link)
    assert landing.status_code == 200
    assert _heading(landing) == f"Join {organisation.name}"
    match = re.search(r'href="(/sign-in\?next=[^"]+)"', _text(landing))
    assert match is not None, "the invitation page offers to sign in"
    sign_in_link = html.unescape(match.group(1))
    assert unquote(sign_in_link.removeprefix("/sign-in?next=")) == link

    response = post_form(browser, sign_in_link, {"email": invitee.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == link
    assert f"You are signed in as {invitee.email}" in _text(browser.get(link))

    response = post_form(browser, link, {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
    assert f"You are now a member of {organisation.name}." in _text(browser.get(response.headers["Location"]))
    assert invitee.email in _text(client.get(f"/organisations/{organisation.id}"))  # the owner sees them

    reused = browser.get(link)
    assert reused.status_code == 410
    assert _heading(reused) == "Invitation expired"


def test_registering_from_an_invitation_brings_you_back_to_it(client: FlaskClient, app: Flask, mail: SMTPSink) -> None:
    _, link = _invite_by_view(client, mail, "newcomer@example.org")
    browser = isolated_client(app)
    landing = _text(browser.get(link))
    match = re.search(r'href="(/register\?next=[^"]+)"', landing)
    assert match is not None, "the invitation page offers to create an account"
    register = html.unescape(match.group(1))

    response = post_form(
        browser, register, {"full_name": "New Comer", "email": "newcomer@example.org", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == link  # the page promised "You will come back to this page"
