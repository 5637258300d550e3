"""Two-factor authentication through the test client: the code step, forced set-up for staff, recovery codes,
turning it on and off from "Your account", password resets and an admin's reset."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundapp.accounts import two_factor
from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from tests.factories import DEFAULT_PASSWORD, RoleAssignmentFactory, UserFactory, enrol_in_two_factor, staff_user
from tests.helpers import error_summary, isolated_client, next_totp_code, page_title, post_form, sign_in
from tests.smtp import SMTPSink

CODE_PAGE = "/sign-in/code"
SET_UP_PAGE = "/sign-in/set-up-two-factor"
NEW_PASSWORD = "a brand new passphrase"


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _field_error(response: TestResponse, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', _text(response), re.S)
    assert match is not None, f"no error shown at {field}"
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(match.group(1))).replace("Error:", "", 1).split())


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def _password_step(client: FlaskClient, user: User, next_url: str = "") -> TestResponse:
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return post_form(client, url, {"email": user.email, "password": DEFAULT_PASSWORD})


def _events(db_session: Any, action: str, user: User) -> list[AuditEvent]:
    return list(
        db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.subject_id == user.id))
    )


def _codes_on(response: TestResponse) -> list[str]:
    return re.findall(r"<li>([A-Z2-9]{5}-[A-Z2-9]{5})</li>", _text(response))


# --- the code step -------------------------------------------------------------------------------------------


def test_staff_give_a_code_after_the_password_and_only_then_are_signed_in(client: FlaskClient, db_session: Any) -> None:
    manager = staff_user(StaffRole.FUND_MANAGER)

    response = _password_step(client, manager, next_url="/admin/users")

    assert response.headers["Location"] == CODE_PAGE
    assert not _signed_in(client)
    page = client.get(CODE_PAGE)
    assert page_title(page).startswith("Enter the code from your authenticator app")
    assert 'autocomplete="one-time-code"' in _text(page)
    assert 'inputmode="numeric"' in _text(page)
    assert _events(db_session, "auth.signed_in", manager) == []

    response = post_form(client, CODE_PAGE, {"code": next_totp_code(manager)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert _signed_in(client)
    assert len(_events(db_session, "auth.signed_in", manager)) == 1


def test_a_wrong_code_is_shown_at_the_field_and_signs_nobody_in(client: FlaskClient, db_session: Any) -> None:
    user = staff_user(StaffRole.ASSESSOR)
    _password_step(client, user)
    wrong = "000000" if next_totp_code(user) != "000000" else "111111"

    response = post_form(client, CODE_PAGE, {"code": wrong})

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Enter the code from your authenticator app")
    message = "Enter the 6-digit code your authenticator app shows now (a code works only once)"
    assert _field_error(response, "code") == message
    assert error_summary(response) == [message]
    assert not _signed_in(client)
    assert len(_events(db_session, "auth.two_factor_failed", user)) == 1


def test_an_empty_code_is_asked_for_at_the_field(client: FlaskClient) -> None:
    _password_step(client, staff_user(StaffRole.ASSESSOR))

    response = post_form(client, CODE_PAGE, {"code": "  "})

    assert _field_error(response, "code") == "Enter the 6-digit code from your authenticator app"


def test_a_code_used_once_is_refused_the_second_time(app: Flask, client: FlaskClient) -> None:
    user = staff_user(StaffRole.FINANCE_OFFICER)
    code = next_totp_code(user)
    _password_step(client, user)
    assert post_form(client, CODE_PAGE, {"code": code}).status_code == 302

    other = isolated_client(app)
    _password_step(other, user)
    response = post_form(other, CODE_PAGE, {"code": code})

    assert response.status_code == 200
    assert _field_error(response, "code").startswith("Enter the 6-digit code")
    assert not _signed_in(other)


def test_the_code_step_times_out_after_ten_minutes(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    user = staff_user(StaffRole.ASSESSOR)
    _password_step(client, user)
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr("fundapp.accounts.views.two_factor.utcnow", lambda: later)

    response = client.get(CODE_PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "Your sign-in timed out" in _text(client.get("/sign-in"))
    assert not _signed_in(client)


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client: FlaskClient) -> None:
    response = client.get(CODE_PAGE)

    assert response.headers["Location"] == "/sign-in"


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory()
    secret = two_factor.new_secret()
    with app.test_request_context():
        codes = two_factor.enable(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    _password_step(client, user)
    page = client.get(CODE_PAGE + "?use=recovery")
    assert page_title(page).startswith("Enter a recovery code")

    response = post_form(client, CODE_PAGE + "?use=recovery", {"code": codes[3].lower()})

    assert response.status_code == 302
    assert "You have 9 left" in _text(client.get(response.headers["Location"]))
    assert len(_events(db_session, "auth.recovery_code_used", user)) == 1

    other = isolated_client(app)
    _password_step(other, user)
    again = post_form(other, CODE_PAGE + "?use=recovery", {"code": codes[3]})
    assert _field_error(again, "code") == "Enter a recovery code you have not used before"
    assert not _signed_in(other)


def test_an_applicant_without_two_factor_signs_in_with_the_password_alone(client: FlaskClient) -> None:
    response = _password_step(client, UserFactory())

    assert response.headers["Location"] == "/"
    assert _signed_in(client)


# --- staff set it up before anything else ----------------------------------------------------------------


def test_staff_without_two_factor_must_set_it_up_before_reaching_any_page(client: FlaskClient, db_session: Any) -> None:
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=StaffRole.ADMIN, enrol_in_two_factor=False)
    assert two_factor.must_set_up(admin)

    response = _password_step(client, admin, next_url="/admin/users")

    assert response.headers["Location"] == SET_UP_PAGE
    assert client.get("/admin/users").headers["Location"].startswith("/sign-in")
    assert client.get(CODE_PAGE).headers["Location"] == SET_UP_PAGE
    page = client.get(SET_UP_PAGE)
    assert page_title(page).startswith("Set up two-factor authentication")
    assert "<svg" in _text(page)
    match = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', _text(page))
    assert match is not None
    secret = match.group(1).replace(" ", "")

    wrong = post_form(client, SET_UP_PAGE, {"code": "12345"})
    assert _field_error(wrong, "code").startswith("Enter the 6-digit code your authenticator app shows")
    assert not _signed_in(client)

    done = post_form(client, SET_UP_PAGE, {"code": pyotp.TOTP(secret).now()})

    assert done.status_code == 200
    assert page_title(done).startswith("Save your recovery codes")
    assert len(_codes_on(done)) == 10
    assert 'href="/admin/users"' in _text(done)
    assert client.get("/admin/users").status_code == 200
    db_session.refresh(admin)
    assert admin.totp_secret == secret
    assert len(_events(db_session, "auth.two_factor_enabled", admin)) == 1
    assert len(_events(db_session, "auth.signed_in", admin)) == 1


# --- "Your account" ----------------------------------------------------------------------------------------


def _turn_on(client: FlaskClient, password: str, code: str | None = None) -> tuple[TestResponse, str]:
    page = client.get("/account/two-factor/turn-on")
    match = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', _text(page))
    assert match is not None
    secret = match.group(1).replace(" ", "")
    response = post_form(
        client, "/account/two-factor/turn-on", {"password": password, "code": code or pyotp.TOTP(secret).now()}
    )
    return response, secret


def test_an_applicant_turns_two_factor_on_with_password_and_code(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory()
    sign_in(client, user)
    assert "Two-factor authentication is off" in _text(client.get("/account/two-factor"))

    wrong_password, _ = _turn_on(client, "not my password")
    assert _field_error(wrong_password, "password") == "Your password is not correct"
    assert 'value="not my password"' not in _text(wrong_password)
    wrong_code, _ = _turn_on(client, DEFAULT_PASSWORD, code="99999x")
    assert _field_error(wrong_code, "code").startswith("Enter the 6-digit code")

    response, secret = _turn_on(client, DEFAULT_PASSWORD)

    assert page_title(response).startswith("Save your recovery codes")
    assert len(_codes_on(response)) == 10
    db_session.refresh(user)
    assert two_factor.is_enabled(user) and user.totp_secret == secret
    other = isolated_client(app)
    assert _password_step(other, user).headers["Location"] == CODE_PAGE


def test_turning_two_factor_on_ends_the_persons_other_sessions_and_keeps_this_one(
    app: Flask, client: FlaskClient
) -> None:
    user = UserFactory()
    sign_in(client, user)
    elsewhere = isolated_client(app)
    sign_in(elsewhere, user)

    _turn_on(client, DEFAULT_PASSWORD)

    assert _signed_in(client)
    assert not _signed_in(elsewhere)  # signed in with the password alone, before two-factor was on


def test_turning_two_factor_off_ends_the_persons_other_sessions_and_keeps_this_one(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    user = enrol_in_two_factor(UserFactory())
    sign_in(client, user)
    elsewhere = isolated_client(app)
    sign_in(elsewhere, user)
    # Half a minute later: both sign-ins used up the codes of this time-step and the next.
    db_session.execute(sa.update(User).where(User.id == user.id).values(totp_last_counter=None))

    response = post_form(
        client, "/account/two-factor/turn-off", {"password": DEFAULT_PASSWORD, "code": next_totp_code(user)}
    )

    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(elsewhere)


def test_an_applicant_turns_two_factor_off_only_with_password_and_a_new_code(
    client: FlaskClient, db_session: Any
) -> None:
    user = enrol_in_two_factor(UserFactory())
    sign_in(client, user)
    url = "/account/two-factor/turn-off"

    wrong_password = post_form(client, url, {"password": "nope", "code": next_totp_code(user)})
    assert _field_error(wrong_password, "password") == "Your password is not correct"
    wrong_code = post_form(client, url, {"password": DEFAULT_PASSWORD, "code": "123"})
    assert _field_error(wrong_code, "code").startswith("Enter the 6-digit code from your authenticator app, or a")
    db_session.refresh(user)
    assert two_factor.is_enabled(user)

    response = post_form(client, url, {"password": DEFAULT_PASSWORD, "code": next_totp_code(user)})

    assert response.headers["Location"] == "/account/two-factor"
    db_session.refresh(user)
    assert not two_factor.is_enabled(user)
    assert len(_events(db_session, "auth.two_factor_disabled", user)) == 1


def test_staff_cannot_turn_two_factor_off(client: FlaskClient) -> None:
    user = staff_user(StaffRole.ASSESSOR)
    sign_in(client, user)

    assert client.get("/account/two-factor/turn-off").status_code == 403
    page = _text(client.get("/account/two-factor"))
    assert "Turn off" not in page
    assert "Staff must keep two-factor authentication on" in page


def test_new_recovery_codes_need_password_and_code_and_replace_the_old_ones(
    client: FlaskClient, db_session: Any
) -> None:
    user = staff_user(StaffRole.FUND_MANAGER)
    sign_in(client, user)
    url = "/account/two-factor/recovery-codes"

    wrong = post_form(client, url, {"password": "nope", "code": next_totp_code(user)})
    assert _field_error(wrong, "password") == "Your password is not correct"

    response = post_form(client, url, {"password": DEFAULT_PASSWORD, "code": next_totp_code(user)})

    assert len(_codes_on(response)) == 10
    assert len(_events(db_session, "auth.recovery_codes_regenerated", user)) == 1


# --- password resets and admin resets ---------------------------------------------------------------------


def test_a_password_reset_still_asks_for_the_code(client: FlaskClient, mail: SMTPSink) -> None:
    user = staff_user(StaffRole.ASSESSOR)
    post_form(client, "/forgot-password", {"email": user.email})
    [message] = mail.to(user.email)
    match = re.search(r"http://localhost(/\S+)", message.get_content())
    assert match is not None

    response = post_form(client, match.group(1), {"password": NEW_PASSWORD})

    assert response.headers["Location"] == CODE_PAGE
    assert not _signed_in(client)
    assert post_form(client, CODE_PAGE, {"code": next_totp_code(user)}).status_code == 302
    assert _signed_in(client)


def test_an_admin_resets_a_staff_member_s_two_factor(
    app: Flask, client: FlaskClient, db_session: Any, mail: SMTPSink
) -> None:
    admin = staff_user(StaffRole.ADMIN)
    person = staff_user(StaffRole.ASSESSOR)
    their_browser = isolated_client(app)
    sign_in(their_browser, person)
    sign_in(client, admin)
    assert "Reset" in _text(client.get(f"/admin/users/{person.id}"))
    url = f"/admin/users/{person.id}/two-factor/reset"
    assert page_title(client.get(url)).startswith(f"Reset two-factor authentication: {person.full_name}")

    response = post_form(client, url, {})

    assert response.headers["Location"] == f"/admin/users/{person.id}"
    assert "has been reset" in _text(client.get(response.headers["Location"]))
    assert not _signed_in(their_browser)
    assert _password_step(their_browser, person).headers["Location"] == SET_UP_PAGE
    [event] = _events(db_session, "auth.two_factor_reset", person)
    assert event.actor_id == admin.id
    assert "set up two-factor authentication again" in mail.to(person.email)[0].get_content()


def test_only_admins_reset_two_factor(client: FlaskClient) -> None:
    person = staff_user(StaffRole.ASSESSOR)
    sign_in(client, staff_user(StaffRole.FUND_MANAGER))

    assert client.get(f"/admin/users/{person.id}/two-factor/reset").status_code == 403


def test_someone_given_a_staff_role_while_signed_in_must_set_up_two_factor_first(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    person = UserFactory()
    sign_in(client, person)
    admin = staff_user(StaffRole.ADMIN)
    admin_browser = isolated_client(app)
    sign_in(admin_browser, admin)

    post_form(admin_browser, f"/admin/users/{person.id}", {"role": "assessor", "scope": ""})

    db_session.expire_all()
    assert two_factor.must_set_up(db_session.get(User, person.id))
    assert client.get("/account").headers["Location"].startswith("/sign-in")
    assert _password_step(client, person).headers["Location"] == SET_UP_PAGE
