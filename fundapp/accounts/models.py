"""People, organisations, memberships, invitations, staff role assignments and password-reset tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.accounts.states import LegalType, MemberRole, StaffRole
from fundapp.core.clock import utcnow
from fundapp.core.models import Base, TimestampMixin, enum_column


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Flask-Login's session id: rotating it signs the user out everywhere (password change or reset).
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_signed_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Two-factor authentication (TOTP, RFC 6238): the shared secret (base32), when it was confirmed, and the last
    # time-step a code was accepted for, so a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Set when an admin removed this person's personal data after the retention period (the row stays for the
    # figures and the audit trail that point at it).
    anonymised_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="RoleAssignment.user_id",
        order_by="RoleAssignment.id",
    )

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            "annual_income_pence IS NULL OR annual_income_pence >= 0",
            name="income_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_type: Mapped[LegalType] = mapped_column(enum_column(LegalType, "legal_type"))
    charity_number: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    company_number: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    address_line_1: Mapped[str] = mapped_column(sa.String(200))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(100))
    postcode: Mapped[str] = mapped_column(sa.String(10))
    borough_gss: Mapped[str] = mapped_column(sa.String(9))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    annual_income_pence: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    # Set when an admin removed the organisation's personal data after the retention period; award figures stay.
    anonymised_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="Membership.id",
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "member_role"), default=MemberRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(Base):
    """An emailed, single-use, expiring invitation for someone to join an organisation."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class RoleAssignment(Base):
    """A staff role held by a user: system-wide, or limited to one fund or one call (round)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        sa.CheckConstraint("fund_id IS NULL OR round_id IS NULL", name="one_scope_only"),
        sa.CheckConstraint(
            "role <> 'admin' OR (fund_id IS NULL AND round_id IS NULL)",
            name="admin_is_global",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    fund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_assignments", foreign_keys=[user_id])


class PasswordResetToken(Base):
    """A single-use, expiring reset link; only the SHA-256 of the token is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A single-use code that stands in for a two-factor code when the phone is lost; only a salted Argon2id hash of it
    is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
