"""`flask users create-admin` creates the first admin from the terminal."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from fundapp.accounts.models import RoleAssignment, User
from fundapp.accounts.passwords import verify_password
from fundapp.accounts.states import StaffRole

PASSWORD = "a long admin passphrase"


def _create_admin(app: Flask, email: str, password: str = PASSWORD) -> Any:
    return app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", email, "--name", "Alex Admin", "--password", password]
    )


def _user(db_session: Any, email: str) -> User | None:
    return db_session.scalar(sa.select(User).where(User.email == email))


def test_create_admin_refuses_a_short_password(app: Flask, db_session: Any) -> None:
    result = _create_admin(app, "alex@example.org", password="short")

    assert result.exit_code != 0
    assert "Password must be 12 characters or more" in result.output
    assert _user(db_session, "alex@example.org") is None


def test_create_admin_creates_an_admin_who_can_sign_in(app: Flask, db_session: Any) -> None:
    result = _create_admin(app, "Alex@Example.org")

    assert result.exit_code == 0, result.output
    assert "alex@example.org is an admin" in result.output
    user = _user(db_session, "alex@example.org")
    assert user is not None
    assert user.full_name == "Alex Admin"
    assert verify_password(user.password_hash, PASSWORD)
    assert [a.role for a in user.role_assignments] == [StaffRole.ADMIN]


def test_running_create_admin_again_keeps_a_single_admin_role(app: Flask, db_session: Any) -> None:
    assert _create_admin(app, "alex@example.org").exit_code == 0
    second = _create_admin(app, "alex@example.org")

    assert second.exit_code == 0, second.output
    user = _user(db_session, "alex@example.org")
    assert user is not None
    roles = db_session.scalars(sa.select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all()
    assert roles == [StaffRole.ADMIN]
