"""Reads for accounts. get_* raises NoResultFound (a 404); find_* may return None; list_* are ordered."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PasswordResetToken,
    RoleAssignment,
    User,
)
from fundapp.extensions import db


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def hash_token(token: str) -> str:
    """Tokens sent by email are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    """The user with this email (any case), or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def find_user_by_session_token(token: str) -> User | None:
    """The active user whose current session token this is (Flask-Login's loader), with roles loaded."""
    return db.session.scalar(
        sa.select(User)
        .options(selectinload(User.role_assignments), selectinload(User.memberships))
        .where(User.session_token == token, User.is_active.is_(True))
    )


def get_user(user_id: int) -> User:
    """The user, or NoResultFound."""
    return db.session.execute(sa.select(User).where(User.id == user_id)).scalar_one()


def list_users(*, search: str | None = None) -> list[User]:
    """All users (optionally matching name or email), by name, with their roles loaded."""
    query = sa.select(User).options(selectinload(User.role_assignments)).order_by(User.full_name, User.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    return list(db.session.scalars(query))


def get_organisation(organisation_id: int) -> Organisation:
    """The organisation with its members loaded, or NoResultFound."""
    return db.session.execute(
        sa.select(Organisation)
        .options(selectinload(Organisation.memberships).selectinload(Membership.user))
        .where(Organisation.id == organisation_id)
    ).scalar_one()


def list_organisations_for_user(user_id: int) -> list[Organisation]:
    """Organisations the user belongs to, by name."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user_id)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def find_valid_reset_token(token: str, *, now: datetime) -> PasswordResetToken | None:
    """An unused, unexpired reset token matching this raw token, or None."""
    return db.session.scalar(
        sa.select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_token(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
    )


def find_invitation(token: str) -> Invitation | None:
    """The invitation for this raw token (whatever its state), or None."""
    return db.session.scalar(
        sa.select(Invitation)
        .options(selectinload(Invitation.organisation))
        .where(Invitation.token_hash == hash_token(token))
    )


def list_pending_invitations(organisation_id: int, *, now: datetime) -> list[Invitation]:
    """Invitations not yet accepted, revoked or expired, newest first."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def list_role_assignments(user_id: int) -> list[RoleAssignment]:
    """A user's staff roles in the order they were granted."""
    return list(
        db.session.scalars(
            sa.select(RoleAssignment).where(RoleAssignment.user_id == user_id).order_by(RoleAssignment.id)
        )
    )


def get_role_assignment(assignment_id: int) -> RoleAssignment:
    """The role assignment, or NoResultFound."""
    return db.session.execute(sa.select(RoleAssignment).where(RoleAssignment.id == assignment_id)).scalar_one()


def count_admins() -> int:
    """How many active users hold the admin role (the last one cannot be removed)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(RoleAssignment.user_id)))
            .join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.role == "admin", User.is_active.is_(True))
        )
        or 0
    )
