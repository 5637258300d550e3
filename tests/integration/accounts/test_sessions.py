"""Sessions end by themselves (idle and absolute timeouts, with a keep-alive for the warning) and can be revoked:
signing out, changing a password and an admin disabling the account each end the person's other sessions."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import User
from fundapp.accounts.sessions import LAST_ACTIVE_AT, SIGNED_IN_AT
from fundapp.accounts.states import StaffRole
from fundapp.core.clock import utcnow
from tests.factories import UserFactory, staff_user
from tests.helpers import IsolatedClient, csrf_token, isolated_client, post_form, sign_in

IDLE = 30 * 60
ABSOLUTE = 12 * 3600


def _now() -> int:
    return int(utcnow().timestamp())


def _stamps(client: IsolatedClient) -> tuple[int, int]:
    with client.session_transaction() as session:
        return int(session[SIGNED_IN_AT]), int(session[LAST_ACTIVE_AT])


def _set_stamps(client: IsolatedClient, *, signed_in_ago: int, active_ago: int) -> None:
    now = _now()
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = now - signed_in_ago
        session[LAST_ACTIVE_AT] = now - active_ago


def _signed_in(client: IsolatedClient) -> bool:
    return client.get("/account").status_code == 200


def _keep_alive(client: IsolatedClient, token: str) -> Any:
    return client.post("/session/keep-alive", headers={"X-CSRFToken": token})


def test_signing_in_starts_both_clocks(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    signed_in_at, last_active_at = _stamps(client)
    assert abs(signed_in_at - _now()) <= 5
    assert last_active_at == signed_in_at


def test_the_default_timeouts_are_30_minutes_idle_12_hours_absolute_and_a_2_minute_warning(app: Flask) -> None:
    assert app.config["SESSION_IDLE_TIMEOUT_SECONDS"] == IDLE
    assert app.config["SESSION_ABSOLUTE_TIMEOUT_SECONDS"] == ABSOLUTE
    assert app.config["SESSION_TIMEOUT_WARNING_SECONDS"] == 120


def test_a_page_request_counts_as_activity(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=600, active_ago=600)
    assert client.get("/account").status_code == 200
    signed_in_at, last_active_at = _stamps(client)
    assert abs(last_active_at - _now()) <= 5
    assert _now() - signed_in_at >= 600


def test_static_files_do_not_count_as_activity(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=600, active_ago=600)
    response = client.get("/static/js/app.js")
    response.close()  # a file response: let go of the file
    assert response.status_code == 200
    _, last_active_at = _stamps(client)
    assert _now() - last_active_at >= 600


def test_after_30_idle_minutes_the_next_page_signs_out_and_says_why(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=IDLE + 60, active_ago=IDLE)
    response = client.get("/account?tab=1")
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/sign-in?next=/account?tab=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not done anything for 30 minutes" in page
    assert not _signed_in(client)


def test_a_session_ends_12_hours_after_signing_in_however_active(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=ABSOLUTE, active_ago=5)
    response = client.get("/account")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had been signed in for 12 hours" in page
    assert not _signed_in(client)


def test_a_form_sent_after_the_idle_end_signs_out_and_changes_nothing(client: IsolatedClient, db_session: Any) -> None:
    user = UserFactory(full_name="Before Timeout")
    sign_in(client, user)
    token = csrf_token(client, "/account")
    _set_stamps(client, signed_in_ago=IDLE + 5, active_ago=IDLE + 5)
    response = client.post("/account", data={"csrf_token": token, "full_name": "After Timeout"})
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/sign-in?next=/account"
    db_session.refresh(user)
    assert user.full_name == "Before Timeout"


def test_stay_signed_in_restarts_the_idle_clock_without_a_page(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    token = csrf_token(client, "/account")
    _set_stamps(client, signed_in_ago=IDLE, active_ago=IDLE - 60)
    response = _keep_alive(client, token)
    assert response.status_code == 204
    assert response.get_data() == b""
    _, last_active_at = _stamps(client)
    assert abs(last_active_at - _now()) <= 5
    assert _signed_in(client)


def test_stay_signed_in_cannot_extend_the_absolute_timeout(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    token = csrf_token(client, "/account")
    _set_stamps(client, signed_in_ago=ABSOLUTE - 30, active_ago=60)
    before, _ = _stamps(client)
    assert _keep_alive(client, token).status_code == 204
    after, _ = _stamps(client)
    assert after == before
    _set_stamps(client, signed_in_ago=ABSOLUTE, active_ago=1)
    assert _keep_alive(client, token).status_code == 401
    assert not _signed_in(client)


def test_stay_signed_in_after_the_idle_end_is_too_late(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    token = csrf_token(client, "/account")
    _set_stamps(client, signed_in_ago=IDLE + 1, active_ago=IDLE + 1)
    assert _keep_alive(client, token).status_code == 401
    assert not _signed_in(client)


def test_stay_signed_in_needs_the_csrf_token(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=600, active_ago=600)
    assert client.post("/session/keep-alive").status_code == 400
    _, last_active_at = _stamps(client)
    assert _now() - last_active_at >= 600


def test_signed_in_pages_carry_the_timings_and_the_warning_dialog(client: IsolatedClient, db_session: Any) -> None:
    sign_in(client, UserFactory())
    _set_stamps(client, signed_in_ago=3600, active_ago=0)
    page = client.get("/account").get_data(as_text=True)
    assert re.search(rf'data-session-idle-seconds="{IDLE}"', page)
    absolute = int(re.search(r'data-session-absolute-seconds="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert ABSOLUTE - 3600 - 5 <= absolute <= ABSOLUTE - 3600
    assert 'data-session-warning-seconds="120"' in page
    assert 'data-session-keep-alive-url="/session/keep-alive"' in page
    assert '<dialog id="session-timeout"' in page
    assert "js/session-timeout.js" in page


def test_pages_for_people_not_signed_in_have_no_timeout(client: IsolatedClient, db_session: Any) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "data-session-idle-seconds" not in page
    assert "session-timeout" not in page


# --- revocation: another browser's session ends ------------------------------------------------------------


def _two_browsers(app: Flask, user: User) -> tuple[IsolatedClient, IsolatedClient]:
    first, second = isolated_client(app), isolated_client(app)
    sign_in(first, user)
    sign_in(second, user)
    assert _signed_in(first) and _signed_in(second)
    return first, second


def test_signing_out_ends_the_persons_other_sessions(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    first, second = _two_browsers(app, user)
    token = csrf_token(first, "/account")
    assert first.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(first)
    assert not _signed_in(second)


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    first, second = _two_browsers(app, user)
    response = post_form(
        first,
        "/account/password",
        {"current_password": "correct horse battery staple", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 302
    assert _signed_in(first)
    assert not _signed_in(second)


def test_an_admin_disabling_the_account_ends_every_session(app: Flask, db_session: Any) -> None:
    user = UserFactory()
    first, second = _two_browsers(app, user)
    admin_browser = isolated_client(app)
    sign_in(admin_browser, staff_user(StaffRole.ADMIN))
    response = post_form(admin_browser, f"/admin/users/{user.id}/disable", {"reason": "Left the organisation"})
    assert response.status_code == 302
    assert not _signed_in(first)
    assert not _signed_in(second)
    assert db_session.scalar(sa.select(User.is_active).where(User.id == user.id)) is False
