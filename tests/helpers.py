"""Small helpers for tests that drive pages through the Flask test client (CSRF tokens, signing in, forms)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.test import TestResponse

    from fundapp.accounts.models import User

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
_SUMMARY_RE = re.compile(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def csrf_token(client: FlaskClient, url: str) -> str:
    """GET the page and return the CSRF token from its form (fails the test if there is none)."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    match = _CSRF_RE.search(response.get_data(as_text=True))
    assert match is not None, f"no csrf_token field on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: Mapping[str, str]) -> TestResponse:
    """Fetch the page's CSRF token, POST the form to the same URL and return the response (not followed)."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def sign_in(client: FlaskClient, user: User, password: str = DEFAULT_PASSWORD) -> TestResponse:
    """Sign the client in as user through the real sign-in form, and its code step when the user has two-factor
    authentication (staff always do: factories enrol them); asserts the sign-in redirected."""
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, f"sign-in as {user.email} gave {response.status_code}"
    if response.headers["Location"].endswith("/sign-in/code"):
        response = post_form(client, "/sign-in/code", {"code": next_totp_code(user)})
        assert response.status_code == 302, f"the code step for {user.email} gave {response.status_code}"
    assert "/sign-in" not in response.headers["Location"]
    return response


def next_totp_code(user: User) -> str:
    """A code the app would accept now that was not used yet: this time-step's, or the next one's (valid_window=1
    accepts it) when this one was used by an earlier sign-in in the same 30 seconds."""
    import pyotp
    import sqlalchemy as sa

    from fundapp.accounts.models import User as UserModel
    from fundapp.core.clock import utcnow
    from fundapp.extensions import db

    secret, last = db.session.execute(
        sa.select(UserModel.totp_secret, UserModel.totp_last_counter).where(UserModel.id == user.id)
    ).one()
    assert secret, f"{user.email} has no two-factor secret"
    now = int(utcnow().timestamp()) // 30
    counter = now if last is None or last < now else last + 1
    assert counter <= now + 1, f"{user.email} signed in more than twice in 30 seconds"
    return pyotp.TOTP(secret).generate_otp(counter)


def page_title(response: TestResponse) -> str:
    """The text of the page's <title>, whitespace collapsed."""
    match = _TITLE_RE.search(response.get_data(as_text=True))
    assert match is not None, "page has no <title>"
    return " ".join(html.unescape(match.group(1)).split())


def error_summary(response: TestResponse) -> list[str]:
    """The messages listed in the GOV.UK error summary, in order ([] when the page has none)."""
    match = _SUMMARY_RE.search(response.get_data(as_text=True))
    if match is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    return [" ".join(html.unescape(_TAG_RE.sub("", item)).split()) for item in items]


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The db_session fixture keeps an app context pushed for the whole test, and Flask reuses it for requests:
    without this, `g` (Flask-Login's user, Flask-WTF's token and `csrf_valid`) leaks from one request, and one
    client, to the next, and a view's rollback throws away the test's own unsaved rows. Each request here gets
    its own database session on the test's connection, so reload objects (session.refresh) after a request.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def isolated_client(app: Flask) -> IsolatedClient:
    """A fresh IsolatedClient (a separate browser: its own cookies and session)."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


_HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTR_RE = re.compile(r'(name|value)="([^"]*)"')


def hidden_fields(response: TestResponse) -> dict[str, str]:
    """The hidden inputs of the page's forms by name (the CSRF token, a page's version …), to post them later."""
    fields = {}
    for tag in _HIDDEN_RE.findall(response.get_data(as_text=True)):
        attrs = dict(_ATTR_RE.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = html.unescape(attrs.get("value", ""))
    return fields


def field_error(response: TestResponse, field: str) -> str:
    """The error message the GOV.UK component shows at a field (its id), without the hidden 'Error:' prefix."""
    match = re.search(
        rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', response.get_data(as_text=True), re.S
    )
    assert match is not None, f"no error shown at {field}"
    return " ".join(html.unescape(_TAG_RE.sub("", match.group(1))).replace("Error:", "", 1).split())


def sign_in_as(client: FlaskClient, user: User) -> None:
    """Put user's sign-in straight into the client's session, skipping the form and its deliberately slow password
    check: for permission matrices that sign in hundreds of times. Sign-in itself is tested through sign_in."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
