"""Passwords: long passphrases without composition rules, hashed with Argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher

from fundapp.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


def test_a_password_of_twelve_characters_or_more_is_fine() -> None:
    assert MIN_LENGTH == 12
    assert password_problem("a" * 12) is None
    assert password_problem("correct horse battery staple") is None
    assert password_problem("x" * MAX_LENGTH) is None


def test_a_short_password_is_refused_with_the_rule() -> None:
    assert password_problem("a" * 11) == "Password must be 12 characters or more"
    assert password_problem("") == "Password must be 12 characters or more"


def test_an_absurdly_long_password_is_refused() -> None:
    assert password_problem("x" * (MAX_LENGTH + 1)) == f"Password must be {MAX_LENGTH} characters or fewer"


def test_no_composition_rules_only_length() -> None:
    assert password_problem("aaaaaaaaaaaa") is None


def test_a_hash_verifies_only_its_own_password() -> None:
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "Correct horse battery staple")


def test_verifying_against_no_account_or_a_broken_hash_fails_quietly() -> None:
    assert not verify_password(None, "this-account-does-not-exist")
    assert not verify_password("not-a-hash", "anything at all")


def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    assert not needs_rehash(hash_password("correct horse battery staple"))
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery staple")
    assert needs_rehash(weak)


def test_a_common_password_is_refused_whatever_its_case_or_spaces() -> None:
    from fundapp.accounts.passwords import TOO_COMMON_MESSAGE, is_common_password

    assert is_common_password("qwerty123456")
    assert is_common_password("QWERTY123456")
    assert is_common_password("Qwerty 123456")
    assert password_problem("Password1234") == TOO_COMMON_MESSAGE
    assert TOO_COMMON_MESSAGE == (
        "Choose a less common password: this one is on a list of passwords that attackers try first"
    )
    assert not is_common_password("correct horse battery staple")


def test_the_shipped_list_says_where_it_comes_from_and_holds_only_what_the_length_rule_lets_through() -> None:
    from pathlib import Path

    import fundapp.accounts.passwords as passwords

    lines = Path(passwords.__file__).with_name("common_passwords.txt").read_text().splitlines()
    notice = "\n".join(line for line in lines if line.startswith("#"))
    assert "zxcvbn" in notice and "MIT License" in notice
    entries = [line for line in lines if line and not line.startswith("#")]
    assert len(entries) > 200
    assert all(len(entry) >= MIN_LENGTH and entry == entry.lower() and " " not in entry for entry in entries)
