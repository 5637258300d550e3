"""Password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile) and the password rule."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4 (RFC 9106 second recommendation)

MIN_LENGTH = 12
MAX_LENGTH = 256
TOO_COMMON_MESSAGE = "Choose a less common password: this one is on a list of passwords that attackers try first"
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

# Verified against when the email is unknown, so a failed sign-in takes as long either way.
_DUMMY_HASH = _hasher.hash("this-account-does-not-exist")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same effort when there is no account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Long passphrases, no composition rules."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if is_common_password(password):
        return TOO_COMMON_MESSAGE
    return None


def _normalise(password: str) -> str:
    return "".join(password.casefold().split())


@cache
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_normalise(line) for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """True when the password is on the shipped list of common passwords (any case, spaces ignored)."""
    return _normalise(password) in _common_passwords()
