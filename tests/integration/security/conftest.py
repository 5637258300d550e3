"""The shared world of the access matrix and the field-level rules: built, and every role signed in through the real
form, once per module inside a transaction rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from tests.conftest import rolled_back_session
from tests.helpers import IsolatedClient, isolated_client, sign_in
from tests.integration.security.world import Role, World, build_world


@dataclass
class Matrix:
    world: World
    cookies: dict[Role, str | None]


@pytest.fixture(scope="module")
def matrix(app: Flask) -> Iterator[Matrix]:
    with rolled_back_session(app):
        with app.test_request_context():
            world = build_world()
        cookies = {role: _signed_in_cookie(app, user) for role, user in world.people.items()}
        yield Matrix(world=world, cookies=cookies)


def _signed_in_cookie(app: Flask, user: Any) -> str | None:
    """The session cookie of a browser signed in as user (None: anonymous) holding a CSRF token."""
    browser = isolated_client(app)
    if user is not None:
        sign_in(browser, user)
    browser.get("/sign-in" if user is None else "/help")
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def browser_as(app: Flask, matrix: Matrix, role: Role) -> IsolatedClient:
    """A fresh browser holding the role's signed-in session."""
    browser = isolated_client(app)
    cookie = matrix.cookies[role]
    if cookie is not None:
        browser.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return browser
