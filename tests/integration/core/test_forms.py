"""A failed CSRF check keeps what people typed on form pages, and is a plain 400 elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fundapp.accounts.models import User
from fundapp.core.forms import CSRF_MESSAGE
from tests.factories import UserFactory
from tests.helpers import error_summary, page_title, sign_in

TYPED = {"full_name": "Ada Lovelace", "email": "ada@example.org", "password": "a long enough password"}


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["missing", "invalid"])
def test_register_with_a_bad_token_shows_the_form_again_with_what_was_typed(
    client: FlaskClient, db_session: Any, token: str | None
) -> None:
    client.get("/register")  # a session exists, as it would for a real visitor
    data = dict(TYPED) if token is None else {**TYPED, "csrf_token": token}

    response = client.post("/register", data=data)
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page_title(response).startswith("Error: Create an account")
    assert error_summary(response) == [CSRF_MESSAGE]
    assert 'value="Ada Lovelace"' in body
    assert 'value="ada@example.org"' in body
    assert "a long enough password" not in body  # passwords are never echoed back
    assert db_session.scalar(sa.select(User).where(User.email == "ada@example.org")) is None


def test_register_without_any_session_still_keeps_what_was_typed(client: FlaskClient, db_session: Any) -> None:
    # The person's session expired (or cookies were cleared) while they were filling in the form.
    response = client.post("/register", data=TYPED)

    assert response.status_code == 200
    assert error_summary(response) == [CSRF_MESSAGE]
    assert 'value="Ada Lovelace"' in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(User).where(User.email == "ada@example.org")) is None


def test_the_form_sent_again_with_the_new_token_works(client: FlaskClient, db_session: Any) -> None:
    first = client.post("/register", data={**TYPED, "csrf_token": "stale"})
    token = first.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post("/register", data={**TYPED, "csrf_token": token})

    assert response.status_code == 302
    assert db_session.scalar(sa.select(User).where(User.email == "ada@example.org")) is not None


def test_sign_out_with_a_bad_token_is_a_400_page_not_a_crash(client: FlaskClient, db_session: Any) -> None:
    sign_in(client, UserFactory())

    response = client.post("/sign-out", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert page_title(response).startswith("This page had expired")
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # a forged request cannot sign anyone out
