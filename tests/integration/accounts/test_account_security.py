"""Account security through the pages: common passwords refused wherever one is chosen, changing the sign-in email
(password, and a code for people with two-factor), and admins disabling and re-enabling accounts."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.accounts import services
from fundapp.accounts.models import User
from fundapp.accounts.passwords import TOO_COMMON_MESSAGE
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.errors import DomainError
from tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_in_two_factor, staff_user
from tests.helpers import (
    IsolatedClient,
    error_summary,
    isolated_client,
    next_totp_code,
    page_title,
    post_form,
    sign_in,
)
from tests.smtp import SMTPSink

COMMON = "Qwerty 123456"  # "qwerty123456" is on the list: any case, spaces ignored


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _field_error(response: Any, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', _text(response), re.S)
    assert match is not None, f"no error shown at {field}"
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(match.group(1))).replace("Error:", "", 1).split())


def _value(response: Any, field: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', _text(response))
    return html.unescape(match.group(1)) if match else None


def _events(db_session: Any, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# --- common passwords ---------------------------------------------------------------------------------------


def test_registering_with_a_common_password_is_refused_at_the_field(client: IsolatedClient, db_session: Any) -> None:
    response = post_form(
        client, "/register", {"full_name": "Ada Lovelace", "email": "ada@example.org", "password": COMMON}
    )
    assert response.status_code == 200
    assert _field_error(response, "password") == TOO_COMMON_MESSAGE
    assert _value(response, "email") == "ada@example.org"
    assert page_title(response).startswith("Error: ")
    assert db_session.scalar(sa.select(User).where(User.email == "ada@example.org")) is None


def test_changing_to_a_common_password_is_refused(client: IsolatedClient, db_session: Any) -> None:
    user = UserFactory()
    sign_in(client, user)
    response = post_form(
        client, "/account/password", {"current_password": DEFAULT_PASSWORD, "new_password": "PASSWORD1234"}
    )
    assert _field_error(response, "new_password") == TOO_COMMON_MESSAGE


def test_resetting_to_a_common_password_is_refused(client: IsolatedClient, db_session: Any, mail: SMTPSink) -> None:
    user = UserFactory()
    post_form(client, "/forgot-password", {"email": user.email})
    [message] = mail.to(user.email)
    path = re.search(r"http://localhost(/\S+)", message.get_content()).group(1)  # type: ignore[union-attr]
    response = post_form(client, path, {"password": "1qaz2wsx3edc4rfv"})
    assert _field_error(response, "password") == TOO_COMMON_MESSAGE


# --- changing the sign-in email ---------------------------------------------------------------------------------


def test_the_account_page_links_to_changing_the_email(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    assert 'href="/account/email"' in _text(client.get("/account"))
    page = client.get("/account/email")
    assert page_title(page) == "Change your email address – Shared Endeavour Fund"
    assert 'name="code"' not in _text(page)  # no two-factor: no code asked for


def test_changing_the_email_needs_the_password_and_keeps_what_was_typed(
    client: IsolatedClient, db_session: Any
) -> None:
    user = UserFactory()
    sign_in(client, user)
    response = post_form(
        client, "/account/email", {"email": "new.address@example.org", "current_password": "not my password"}
    )
    assert _field_error(response, "current_password") == "Your password is not correct"
    assert _value(response, "email") == "new.address@example.org"
    db_session.refresh(user)
    assert user.email != "new.address@example.org"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your new email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.com"),
        ("x" * 320 + "@example.org", "Email address must be 320 characters or fewer"),
    ],
)
def test_a_bad_new_email_is_explained_at_the_field(
    client: IsolatedClient, db_session: Any, email: str, message: str
) -> None:
    sign_in(client, UserFactory())
    response = post_form(client, "/account/email", {"email": email, "current_password": DEFAULT_PASSWORD})
    assert _field_error(response, "email") == message
    assert error_summary(response) == [message]


def test_an_address_someone_else_uses_is_refused_without_saying_whose(client: IsolatedClient, db_session: Any) -> None:
    UserFactory(email="taken@example.org", full_name="Someone Else")
    user = UserFactory()
    sign_in(client, user)
    response = post_form(client, "/account/email", {"email": "Taken@Example.org", "current_password": DEFAULT_PASSWORD})
    assert _field_error(response, "email") == "You cannot use this email address. Enter a different one"
    assert "Someone Else" not in _text(response)


def test_the_current_address_is_not_a_change(client: IsolatedClient, db_session: Any) -> None:
    user = UserFactory()
    sign_in(client, user)
    response = post_form(client, "/account/email", {"email": user.email, "current_password": DEFAULT_PASSWORD})
    assert _field_error(response, "email") == "Enter a different email address from the one you use now"


def test_changing_the_email_tells_the_old_address_audits_and_ends_other_sessions(
    app: Flask, db_session: Any, mail: SMTPSink
) -> None:
    user = UserFactory(email="old.address@example.org")
    here, elsewhere = isolated_client(app), isolated_client(app)
    sign_in(here, user)
    sign_in(elsewhere, user)
    response = post_form(
        here, "/account/email", {"email": "New.Address@Example.org", "current_password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.email == "new.address@example.org"
    [message] = mail.to("old.address@example.org")
    assert "changed to new.address@example.org" in message.get_content()
    [event] = _events(db_session, "user.email_changed")
    assert event.data == {"changes": {"email": ["old.address@example.org", "new.address@example.org"]}}
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    sign_in(isolated_client(app), user)  # the new address signs in


def test_with_two_factor_a_current_code_is_needed_too(client: IsolatedClient, db_session: Any) -> None:
    user = enrol_in_two_factor(UserFactory())
    db_session.flush()
    sign_in(client, user)
    assert 'name="code"' in _text(client.get("/account/email"))
    values = {"email": "new.address@example.org", "current_password": DEFAULT_PASSWORD}
    missing = post_form(client, "/account/email", {**values, "code": ""})
    assert _field_error(missing, "code") == "Enter the 6-digit code from your authenticator app, or a recovery code"
    wrong = post_form(client, "/account/email", {**values, "code": "000000"})
    assert "Enter the 6-digit code" in _field_error(wrong, "code")
    assert _value(wrong, "email") == "new.address@example.org"
    right = post_form(client, "/account/email", {**values, "code": next_totp_code(user)})
    assert right.status_code == 302
    db_session.refresh(user)
    assert user.email == "new.address@example.org"


# --- admins disabling and re-enabling accounts ------------------------------------------------------------------


def test_an_admin_disables_an_account_with_a_reason_and_it_cannot_sign_in_or_reset(
    app: Flask, db_session: Any, mail: SMTPSink
) -> None:
    admin, person = staff_user(StaffRole.ADMIN), UserFactory()
    browser = isolated_client(app)
    sign_in(browser, admin)
    assert f'href="/admin/users/{person.id}/disable"' in _text(browser.get(f"/admin/users/{person.id}"))
    page = browser.get(f"/admin/users/{person.id}/disable")
    assert page_title(page).startswith(f"Disable {person.full_name}’s account".replace("’", "'"))
    response = post_form(browser, f"/admin/users/{person.id}/disable", {"reason": "Left the organisation"})
    assert response.status_code == 302
    db_session.refresh(person)
    assert person.is_active is False
    [event] = _events(db_session, "user.disabled")
    assert event.actor_id == admin.id and event.subject_id == person.id
    assert event.data == {"reason": "Left the organisation", "changes": {"is_active": [True, False]}}
    refused = post_form(isolated_client(app), "/sign-in", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 200
    post_form(isolated_client(app), "/forgot-password", {"email": person.email})
    assert mail.to(person.email) == []


def test_a_reset_link_sent_before_disabling_stops_working(app: Flask, db_session: Any, mail: SMTPSink) -> None:
    admin, person = staff_user(StaffRole.ADMIN), UserFactory()
    client = isolated_client(app)
    post_form(client, "/forgot-password", {"email": person.email})
    [message] = mail.to(person.email)
    path = re.search(r"http://localhost(/\S+)", message.get_content()).group(1)  # type: ignore[union-attr]
    services.disable_user(actor=admin, user=person, reason="Suspicious activity")
    db_session.flush()
    assert client.get(path).status_code == 410


def test_disabling_needs_a_reason(client: IsolatedClient, db_session: Any) -> None:
    person = UserFactory()
    sign_in(client, staff_user(StaffRole.ADMIN))
    response = post_form(client, f"/admin/users/{person.id}/disable", {"reason": "  "})
    assert _field_error(response, "reason") == "Enter the reason"
    db_session.refresh(person)
    assert person.is_active is True


def test_an_admin_cannot_disable_their_own_account(client: IsolatedClient, db_session: Any) -> None:
    admin = staff_user(StaffRole.ADMIN)
    staff_user(StaffRole.ADMIN)
    sign_in(client, admin)
    assert f"/admin/users/{admin.id}/disable" not in _text(client.get(f"/admin/users/{admin.id}"))
    response = post_form(client, f"/admin/users/{admin.id}/disable", {"reason": "Testing"})
    assert _field_error(response, "reason") == "You cannot disable your own account. Ask another admin to do it"
    assert "Testing" in _text(response)  # what was typed stays
    db_session.refresh(admin)
    assert admin.is_active is True


def test_the_last_active_admin_cannot_be_disabled(db_session: Any) -> None:
    only_admin, other = staff_user(StaffRole.ADMIN), UserFactory()
    for admin in db_session.scalars(sa.select(User).where(User.id != only_admin.id)):
        if any(a.role == StaffRole.ADMIN for a in admin.role_assignments):
            admin.is_active = False
    db_session.flush()
    with pytest.raises(DomainError, match="You cannot disable the last admin"):
        services.disable_user(actor=other, user=only_admin, reason="Mistake")


def test_an_admin_re_enables_an_account_and_the_person_signs_in_again(app: Flask, db_session: Any) -> None:
    admin, person = staff_user(StaffRole.ADMIN), UserFactory()
    services.disable_user(actor=admin, user=person, reason="On leave")
    db_session.flush()
    browser = isolated_client(app)
    sign_in(browser, admin)
    assert f'href="/admin/users/{person.id}/enable"' in _text(browser.get(f"/admin/users/{person.id}"))
    response = post_form(browser, f"/admin/users/{person.id}/enable", {"reason": "Back from leave"})
    assert response.status_code == 302
    [event] = _events(db_session, "user.enabled")
    assert event.data == {"reason": "Back from leave", "changes": {"is_active": [False, True]}}
    sign_in(isolated_client(app), person)


def test_enabling_an_active_account_is_explained(client: IsolatedClient, db_session: Any) -> None:
    person = UserFactory()
    sign_in(client, staff_user(StaffRole.ADMIN))
    response = post_form(client, f"/admin/users/{person.id}/enable", {"reason": "Why not"})
    assert _field_error(response, "reason") == f"{person.full_name}'s account is already active"
