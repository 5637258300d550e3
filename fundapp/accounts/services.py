"""Writes for accounts. Every function flushes and never commits; the request or command commits once.

Services take plain values and an explicit actor, raise DomainError subclasses with the field they
belong to, and record an audit event for every change that matters.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fundapp.accounts import queries, two_factor
from fundapp.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PasswordResetToken,
    RoleAssignment,
    User,
    new_session_token,
)
from fundapp.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from fundapp.accounts.states import (
    NEEDS_CHARITY_NUMBER,
    NEEDS_COMPANY_NUMBER,
    SCOPABLE_ROLES,
    STAFF_ROLE_LABELS,
    LegalType,
    MemberRole,
    StaffRole,
)
from fundapp.core.audit import record_event
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.mail.services import queue_email
from fundapp.core.reference import is_borough_code
from fundapp.core.urls import external_url
from fundapp.extensions import db


class EmailAlreadyRegistered(DomainError):
    """Someone already has an account with this email."""


class InvalidPassword(DomainError):
    """The password is wrong or does not meet the rule."""


class InvalidToken(DomainError):
    """A reset or invitation link that is unknown, used, revoked or expired."""


# --- people -------------------------------------------------------------------------------------------


def _check_new_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise InvalidPassword(problem, field="password")


def register_user(*, email: str, full_name: str, password: str, phone: str | None = None) -> User:
    """Create an applicant account. Raises EmailAlreadyRegistered or InvalidPassword."""
    email = queries.normalise_email(email)
    if queries.find_user_by_email(email) is not None:
        raise EmailAlreadyRegistered(
            "An account already exists with this email address. Sign in, or reset your password if you have "
            "forgotten it",
            field="email",
        )
    _check_new_password(password)
    user = User(
        email=email,
        full_name=full_name.strip(),
        phone=phone,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    record_event("user.registered", actor=user, subject=user)
    return user


def authenticate(*, email: str, password: str) -> User | None:
    """The active user for this email and password, or None; records a failed attempt (a right password is not yet a
    sign-in: see record_signed_in).

    Never says which part was wrong, so sign-in cannot be used to find out who has an account.
    """
    normalised = queries.normalise_email(email)
    user = queries.find_user_by_email(normalised)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        record_event(
            "auth.sign_in_failed",
            actor=None,
            subject=user,
            data={"email": normalised[:320]},
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_signed_in(*, user: User) -> None:
    """Note and audit a completed sign-in: only once the person gave every factor they must (password, and a
    two-factor code when they have it on or are staff)."""
    user.last_signed_in_at = utcnow()
    db.session.flush()
    record_event("auth.signed_in", actor=user, subject=user)


def record_sign_out(*, user: User) -> None:
    """Audit a sign-out and rotate the session token, so the person's other sessions end too (the view clears
    this one)."""
    user.session_token = new_session_token()
    db.session.flush()
    record_event("auth.signed_out", actor=user, subject=user)


def update_profile(*, user: User, full_name: str, phone: str | None) -> None:
    """Change a person's own name and phone number."""
    user.full_name = full_name.strip()
    user.phone = phone
    db.session.flush()
    record_event("user.profile_updated", actor=user, subject=user)


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Change a password after re-checking the current one; signs the user out of other sessions."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidPassword("Your current password is not correct", field="current_password")
    problem = password_problem(new_password)
    if problem:
        raise InvalidPassword(problem, field="new_password")
    _set_password(user, new_password)
    record_event("user.password_changed", actor=user, subject=user)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()  # every other session for this user ends
    db.session.flush()


def request_password_reset(*, email: str) -> None:
    """Email a single-use reset link if an active account exists. Says nothing either way to the caller."""
    user = queries.find_user_by_email(email)
    if user is None or not user.is_active:
        record_event(
            "auth.password_reset_requested_unknown",
            actor=None,
            data={"email": queries.normalise_email(email)},
        )
        return
    token = secrets.token_urlsafe(32)
    ttl = current_app.config["PASSWORD_RESET_TTL_SECONDS"]
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=queries.hash_token(token),
            expires_at=utcnow() + timedelta(seconds=ttl),
        )
    )
    db.session.flush()
    queue_email(
        to=user.email,
        subject="Reset your password",
        template="accounts/emails/password_reset",
        context={
            "name": user.full_name,
            "link": external_url("accounts.reset_password", token=token),
            "minutes": ttl // 60,
        },
    )
    record_event("auth.password_reset_requested", actor=None, subject=user)


def check_reset_token(token: str) -> User:
    """The user a reset link belongs to. Raises InvalidToken if it is unknown, used or expired."""
    row = queries.find_valid_reset_token(token, now=utcnow())
    if row is None or not row.user.is_active:
        raise InvalidToken("This link has expired or has already been used. Ask for a new one.")
    return row.user


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link and every other outstanding link stop working."""
    row = queries.find_valid_reset_token(token, now=utcnow())
    if row is None or not row.user.is_active:
        raise InvalidToken("This link has expired or has already been used. Ask for a new one.")
    problem = password_problem(new_password)
    if problem:
        raise InvalidPassword(problem, field="password")
    now = utcnow()
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == row.user_id,
            PasswordResetToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    _set_password(row.user, new_password)
    record_event("auth.password_reset", actor=row.user, subject=row.user)
    return row.user


def change_email(*, user: User, new_email: str, current_password: str, code: str | None = None) -> str:
    """Change a person's own sign-in email after their password (and a two-factor code when they use it); emails
    the old address, rotates the session token (other sessions end) and returns the old address.

    Raises InvalidPassword (current_password), InvalidCode (code) or EmailAlreadyRegistered (email)."""
    if not verify_password(user.password_hash, current_password):
        record_event("auth.reauthentication_failed", actor=user, subject=user, data={"during": "email_change"})
        raise InvalidPassword("Your password is not correct", field="current_password")
    if two_factor.is_enabled(user):
        two_factor.check_code(user=user, code=code or "", field="code")
    new_email = queries.normalise_email(new_email)
    if new_email == user.email:
        raise DomainError("Enter a different email address from the one you use now", field="email")
    if queries.find_user_by_email(new_email) is not None:
        # Says no more than registration would: that this address cannot be used for another account.
        raise EmailAlreadyRegistered("You cannot use this email address. Enter a different one", field="email")
    old_email = user.email
    user.email = new_email
    user.session_token = new_session_token()
    db.session.flush()
    queue_email(
        to=old_email,
        subject="Your email address has been changed",
        template="accounts/emails/email_changed",
        context={"name": user.full_name, "new_email": new_email, "support_email": current_app.config["SUPPORT_EMAIL"]},
    )
    record_event("user.email_changed", actor=user, subject=user, data={"changes": {"email": [old_email, new_email]}})
    return old_email


def _other_active_admins(user: User) -> int:
    is_admin = any(a.role == StaffRole.ADMIN for a in user.role_assignments)
    return queries.count_admins() - (1 if is_admin and user.is_active else 0)


def disable_user(*, actor: User, user: User, reason: str) -> None:
    """Stop someone signing in: every session of theirs ends at once and reset links stop working. Refused for
    yourself and for the last active admin (DomainError at "reason"). Audited with the reason."""
    if user.id == actor.id:
        raise DomainError("You cannot disable your own account. Ask another admin to do it", field="reason")
    if not user.is_active:
        raise DomainError(f"{user.full_name}'s account is already disabled", field="reason")
    if any(a.role == StaffRole.ADMIN for a in user.role_assignments) and _other_active_admins(user) < 1:
        raise DomainError("You cannot disable the last admin. Give someone else the admin role first", field="reason")
    user.is_active = False
    user.session_token = new_session_token()
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    record_event(
        "user.disabled",
        actor=actor,
        subject=user,
        data={"reason": reason.strip(), "changes": {"is_active": [True, False]}},
    )


def enable_user(*, actor: User, user: User, reason: str) -> None:
    """Let a disabled person sign in again (they sign in afresh). Raises DomainError if already active."""
    if user.is_active:
        raise DomainError(f"{user.full_name}'s account is already active", field="reason")
    user.is_active = True
    user.session_token = new_session_token()
    db.session.flush()
    record_event(
        "user.enabled",
        actor=actor,
        subject=user,
        data={"reason": reason.strip(), "changes": {"is_active": [False, True]}},
    )


# --- organisations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationDetails:
    """What an applicant tells us about their organisation, as typed (already in canonical formats)."""

    name: str
    legal_type: LegalType
    charity_number: str | None
    company_number: str | None
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    borough_gss: str
    website: str | None
    annual_income_pence: int | None

    def column_values(self) -> dict[str, Any]:
        """The values to store: text trimmed, empty optional lines stored as None."""
        values = asdict(self)
        for key in ("name", "address_line_1", "town"):
            values[key] = values[key].strip()
        values["address_line_2"] = (self.address_line_2 or "").strip() or None
        return values

    def check(self) -> None:
        """The rules across fields: each legal type's registration numbers, and a London borough."""
        if self.legal_type in NEEDS_CHARITY_NUMBER and not self.charity_number:
            raise DomainError("Enter your charity number", field="charity_number")
        if self.legal_type in NEEDS_COMPANY_NUMBER and not self.company_number:
            raise DomainError("Enter your company number", field="company_number")
        if not is_borough_code(self.borough_gss):
            raise DomainError("Select the London borough where your organisation is based", field="borough_gss")


def create_organisation(*, actor: User, details: OrganisationDetails) -> Organisation:
    """Create an organisation profile with the actor as its owner. Raises DomainError at the field."""
    details.check()
    organisation = Organisation(**details.column_values(), created_by_id=actor.id)
    organisation.memberships.append(Membership(user=actor, role=MemberRole.OWNER))
    db.session.add(organisation)
    db.session.flush()
    record_event("organisation.created", actor=actor, subject=organisation, data={"name": organisation.name})
    return organisation


def update_organisation(*, actor: User, organisation: Organisation, details: OrganisationDetails) -> None:
    """Update an organisation profile (members only); records which fields changed."""
    if not any(m.user_id == actor.id for m in organisation.memberships):
        raise NotAllowed("Only members can change this organisation's details")
    details.check()
    new_values = details.column_values()
    changed = sorted(key for key, value in new_values.items() if getattr(organisation, key) != value)
    for key, value in new_values.items():
        setattr(organisation, key, value)
    db.session.flush()
    if changed:
        record_event("organisation.updated", actor=actor, subject=organisation, data={"changed": changed})


def invite_member(*, actor: User, organisation: Organisation, email: str) -> Invitation:
    """Email someone a single-use link to join the organisation. Raises DomainError if already a member."""
    if not any(m.user_id == actor.id for m in organisation.memberships):
        raise NotAllowed("Only members can invite people to this organisation")
    email = queries.normalise_email(email)
    if any(m.user.email == email for m in organisation.memberships):
        raise DomainError("This person is already a member of your organisation", field="email")
    token = secrets.token_urlsafe(32)
    ttl = current_app.config["INVITATION_TTL_SECONDS"]
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        token_hash=queries.hash_token(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(seconds=ttl),
    )
    db.session.add(invitation)
    db.session.flush()
    queue_email(
        to=email,
        subject=f"{actor.full_name} invited you to join {organisation.name}",
        template="accounts/emails/invitation",
        context={
            "inviter": actor.full_name,
            "organisation": organisation.name,
            "link": external_url("accounts.accept_invitation", token=token),
            "days": ttl // 86400,
        },
    )
    record_event(
        "organisation.member_invited",
        actor=actor,
        subject=organisation,
        data={"email": email},
    )
    return invitation


def find_open_invitation(token: str) -> Invitation:
    """The invitation for a link if it can still be accepted; raises InvalidToken otherwise."""
    invitation = queries.find_invitation(token)
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise InvalidToken("This invitation has expired or has already been used. Ask for a new one.")
    return invitation


def accept_invitation(*, user: User, token: str) -> Organisation:
    """Join the organisation an invitation is for. The signed-in account may use a different email."""
    invitation = find_open_invitation(token)
    organisation = invitation.organisation
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    if not any(m.user_id == user.id for m in organisation.memberships):
        organisation.memberships.append(Membership(user=user, role=MemberRole.MEMBER))
    db.session.flush()
    record_event(
        "organisation.member_joined",
        actor=user,
        subject=organisation,
        data={"invited_email": invitation.email},
    )
    return organisation


# --- staff roles ----------------------------------------------------------------------------------------


def assign_role(
    *,
    actor: User | None,
    user: User,
    role: StaffRole,
    fund_id: int | None = None,
    round_id: int | None = None,
) -> RoleAssignment:
    """Give a user a staff role, system-wide or for one fund or call. Raises DomainError for a duplicate."""
    if role not in SCOPABLE_ROLES and (fund_id or round_id):
        raise DomainError("The admin role always covers the whole system", field="scope")
    if fund_id and round_id:
        raise DomainError("Choose a fund or a call, not both", field="scope")
    for existing in user.role_assignments:
        if (existing.role, existing.fund_id, existing.round_id) == (
            role,
            fund_id,
            round_id,
        ):
            raise DomainError(f"{user.full_name} already has this role", field="role")
    before = _roles_held(user)
    assignment = RoleAssignment(
        user=user,
        role=role,
        fund_id=fund_id,
        round_id=round_id,
        granted_by_id=actor.id if actor else None,
    )
    db.session.add(assignment)
    db.session.flush()
    record_event(
        "role.assigned",
        actor=actor,
        subject=user,
        data={
            "role": role.value,
            "label": STAFF_ROLE_LABELS[role],
            "fund_id": fund_id,
            "round_id": round_id,
            "changes": {"roles": [before, _roles_held(user)]},
        },
    )
    return assignment


def remove_role(*, actor: User, assignment: RoleAssignment) -> None:
    """Take a staff role away. The last admin cannot be removed, so the system is never left unmanaged."""
    if assignment.role == StaffRole.ADMIN and assignment.user.is_active and queries.count_admins() <= 1:
        raise DomainError(
            "You cannot remove the last admin. Give someone else the admin role first.",
            field="role",
        )
    user = assignment.user
    before = _roles_held(user)
    data: dict[str, Any] = {
        "role": assignment.role.value,
        "fund_id": assignment.fund_id,
        "round_id": assignment.round_id,
    }
    user.role_assignments.remove(assignment)
    db.session.flush()
    data["changes"] = {"roles": [before, _roles_held(user)]}
    record_event("role.removed", actor=actor, subject=user, data=data)


def _roles_held(user: User) -> list[str]:
    """The user's staff roles as short stable text for the audit's before/after ("fund manager (fund 3)")."""
    held = []
    for a in user.role_assignments:
        scope = f" (fund {a.fund_id})" if a.fund_id else f" (call {a.round_id})" if a.round_id else ""
        held.append(f"{STAFF_ROLE_LABELS[a.role].lower()}{scope}")
    return sorted(held)


def create_admin(*, email: str, full_name: str, password: str) -> User:
    """Create the first (or another) admin from the terminal; an existing account is given the role."""
    user = queries.find_user_by_email(email)
    if user is None:
        user = register_user(email=email, full_name=full_name, password=password)
    if not any(a.role == StaffRole.ADMIN for a in user.role_assignments):
        assign_role(actor=None, user=user, role=StaffRole.ADMIN)
    return user
