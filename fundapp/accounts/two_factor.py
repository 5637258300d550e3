"""Two-factor authentication (TOTP, RFC 6238) and recovery codes: the rules.

Invariants:
- staff must have two-factor authentication; applicants may turn it on;
- a code's 30-second time-step is accepted at most once per person (users.totp_last_counter only grows);
- recovery codes are stored only as salted Argon2id hashes (ASVS 6.5.2: they hold 50 bits) and each works once;
- turning it off or regenerating recovery codes needs the current password and a current code.

Every function flushes and never commits.
"""

from __future__ import annotations

import secrets
from typing import Any

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

from fundapp.accounts.models import RecoveryCode, User, new_session_token
from fundapp.accounts.passwords import verify_password
from fundapp.accounts.permissions import is_staff
from fundapp.core.audit import record_event
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.mail.services import queue_email
from fundapp.core.urls import external_url
from fundapp.extensions import db

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
_STEP_SECONDS = 30
# A recovery code has 50 random bits, too few for a fast hash: each is stored as a salted Argon2id hash with OWASP's
# minimum parameters (19 MiB, 2 passes), lighter than passwords' because a person's 10 codes are hashed together.
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class InvalidCode(DomainError):
    """A two-factor code or recovery code that is wrong, already used or out of date."""


class WrongPassword(DomainError):
    """The current password given to confirm a two-factor change is wrong."""


# --- who needs what --------------------------------------------------------------------------------------


def is_enabled(user: User) -> bool:
    """The person has set up two-factor authentication."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def required(user: User) -> bool:
    """The person must give a second factor to sign in: staff always, applicants once they turned it on."""
    return is_enabled(user) or is_staff(user)


def must_set_up(user: User) -> bool:
    """Staff who have not set two-factor authentication up yet (or whose set-up an admin reset)."""
    return is_staff(user) and not is_enabled(user)


# --- secrets and codes ------------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh random base32 secret (160 bits) for an authenticator app."""
    return pyotp.random_base32(length=32)


def provisioning_uri(*, user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code; the issuer is the service's name."""
    issuer = str(current_app.config["SERVICE_NAME"])
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four characters, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for this secret (demo and tests)."""
    return pyotp.TOTP(secret).at(utcnow().timestamp())


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def _matching_counter(secret: str, code: str, *, after: int | None) -> int | None:
    """The time-step (now, or one either side) whose code this is, if later than `after`; otherwise None."""
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = int(utcnow().timestamp()) // _STEP_SECONDS
    for counter in (now - 1, now, now + 1):
        if after is not None and counter <= after:
            continue
        if secrets.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def normalise_recovery_code(code: str) -> str:
    """A recovery code as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash_recovery_code(code: str) -> str:
    return _recovery_hasher.hash(normalise_recovery_code(code))


def _recovery_code_matches(code_hash: str, code: str) -> bool:
    try:
        return _recovery_hasher.verify(code_hash, normalise_recovery_code(code))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code)) for code in codes)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the person has."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


# --- checking a second factor ------------------------------------------------------------------------------


def _use_totp(user: User, code: str) -> bool:
    if not is_enabled(user) or user.totp_secret is None:
        return False
    counter = _matching_counter(user.totp_secret, code, after=user.totp_last_counter)
    if counter is None:
        return False
    user.totp_last_counter = counter
    db.session.flush()
    return True


def _use_recovery_code(user: User, code: str) -> bool:
    if not is_enabled(user) or len(normalise_recovery_code(code)) != 10:
        return False
    unused = db.session.scalars(
        sa.select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .order_by(RecoveryCode.id)
    )
    # Salted hashes cannot be looked up: check the person's unused codes (at most 10) one by one.
    row = next((candidate for candidate in unused if _recovery_code_matches(candidate.code_hash, code)), None)
    if row is None:
        return False
    row.used_at = utcnow()
    db.session.flush()
    record_event("auth.recovery_code_used", actor=user, subject=user, data={"left": recovery_codes_left(user)})
    return True


def verify_second_factor(*, user: User, code: str) -> bool:
    """True if code is a current authenticator code or an unused recovery code for user, which it uses up.

    A code's time-step is accepted once only. Records auth.two_factor_failed when it is not accepted.
    """
    if _use_totp(user, code) or _use_recovery_code(user, code):
        return True
    record_event("auth.two_factor_failed", actor=None, subject=user)
    return False


def check_code(*, user: User, code: str, field: str = "code") -> None:
    """Accept a code or recovery code (used up). Raises InvalidCode at `field` if it is wrong or used."""
    if not verify_second_factor(user=user, code=code):
        raise InvalidCode(
            "Enter the 6-digit code from your authenticator app, or a recovery code you have not used", field=field
        )


# --- changing the set-up -------------------------------------------------------------------------------------


def enable(*, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor authentication on with a new secret once a code from it is right, ending the person's other
    sessions; returns 10 recovery codes to show once. Raises InvalidCode (field "code")."""
    counter = _matching_counter(secret, code, after=None)
    if counter is None:
        record_event("auth.two_factor_failed", actor=None, subject=user, data={"during": "set_up"})
        raise InvalidCode(
            "Enter the 6-digit code your authenticator app shows for this account (it changes every 30 seconds)",
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = counter
    user.session_token = new_session_token()  # other sessions were signed in with less: they end (ASVS 7.4.3)
    codes = _replace_recovery_codes(user)
    record_event("auth.two_factor_enabled", actor=user, subject=user)
    return codes


def set_up_with_known_secret(*, user: User, secret: str) -> None:
    """Turn two-factor authentication on with a given secret and no recovery codes, without a code (the demo's staff,
    whose secrets are published with their password). Raises DomainError if the secret is not valid base32."""
    try:
        pyotp.TOTP(secret).byte_secret()
    except ValueError as exc:
        raise DomainError("A two-factor secret must be at least 16 characters of base32", field="secret") from exc
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = None
    db.session.flush()
    record_event("auth.two_factor_enabled", actor=None, subject=user, data={"set_up_by": "demo"})


def check_password(*, user: User, password: str) -> None:
    """Re-authenticate with the current password. Raises WrongPassword (field "password")."""
    if not verify_password(user.password_hash, password):
        record_event("auth.reauthentication_failed", actor=user, subject=user)
        raise WrongPassword("Your password is not correct", field="password")


def _reauthenticate(user: User, password: str, code: str) -> None:
    check_password(user=user, password=password)
    check_code(user=user, code=code)


def turn_on(*, user: User, password: str, secret: str, code: str) -> list[str]:
    """From Your account: turn two-factor authentication on after the password and a code from the new secret;
    returns 10 recovery codes to show once. Raises WrongPassword or InvalidCode at their fields."""
    check_password(user=user, password=password)
    return enable(user=user, secret=secret, code=code)


def disable(*, user: User, password: str, code: str) -> None:
    """Turn two-factor authentication off (applicants only) after the password and a current code; other sessions end.

    Raises NotAllowed for staff, WrongPassword or InvalidCode at their fields."""
    if is_staff(user):
        raise NotAllowed("Staff must keep two-factor authentication on")
    _reauthenticate(user, password, code)
    _clear(user)
    user.session_token = new_session_token()  # any other session ends; the view keeps this one
    record_event("auth.two_factor_disabled", actor=user, subject=user)


def regenerate_recovery_codes(*, user: User, password: str, code: str) -> list[str]:
    """Replace all recovery codes after the password and a current code; returns the new ones to show once.

    Raises WrongPassword or InvalidCode at their fields."""
    _reauthenticate(user, password, code)
    codes = _replace_recovery_codes(user)
    record_event("auth.recovery_codes_regenerated", actor=user, subject=user)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def reset(*, actor: User, user: User) -> None:
    """An admin clears someone's two-factor set-up (lost phone): they are signed out everywhere, must set it up again
    at their next sign-in, and are emailed. Raises DomainError if it is not set up."""
    if not is_enabled(user):
        raise DomainError(f"{user.full_name} has not set up two-factor authentication", field="two_factor")
    _clear(user)
    user.session_token = new_session_token()
    db.session.flush()
    context: dict[str, Any] = {
        "name": user.full_name,
        "link": external_url("accounts.sign_in"),
        "staff": is_staff(user),
    }
    queue_email(
        to=user.email,
        subject="Your two-factor authentication was reset",
        template="accounts/emails/two_factor_reset",
        context=context,
    )
    record_event("auth.two_factor_reset", actor=actor, subject=user)
